/// Outlets that never interact, in groups (docs/model.md, "Outlet groups"): a replication
/// runs one group at a time, all of its steps, so a worker holds one group's customers at a
/// time (`Replicator.run`).
///
/// Two outlets are in one group when a campaign hosted at one takes customers from the other
/// (its pool: `audience network`, a `where maturing` pool, a hand-off reading the pool's
/// outlets' event logs all read the pool's own outlets). Nothing else couples outlets: a
/// customer's key, draws, cooldowns, policy ring, maturities, growth and leaving are its own;
/// staff hours and capacity are the host's; a referral joins the host; the referral cap is
/// reached in a replication whatever the order (a run that reaches it is refused); a
/// campaign's fixed costs are plan figures. Groups are numbered by their first outlet.
struct OutletGroups: Sendable {
    /// Group of each outlet (branch).
    let groupOf: [Int]
    /// Outlets of each group, ascending.
    let branches: [[Int]]
    /// `hosts[g][ci]`: the host indices of campaign `ci` (into its `hosts`) in group `g`, ascending.
    let hosts: [[[Int]]]
    /// The group that carries campaign `ci`'s own figures (its fixed costs): its first host's.
    let home: [Int]

    var count: Int { branches.count }

    init(_ plan: SimulationPlan) {
        let n = plan.scenario.branches.count
        var parent = Array(0..<n)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        func union(_ a: Int, _ b: Int) {
            let ra = find(a), rb = find(b)
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        for cp in plan.campaigns {
            for (h, host) in cp.hosts.enumerated() where h < cp.poolBranches.count {
                for b in cp.poolBranches[h] { union(host, b) }
            }
        }
        var number = Array(repeating: -1, count: n)
        var groupOf = Array(repeating: 0, count: n)
        var branches: [[Int]] = []
        for b in 0..<n {
            let r = find(b)
            if number[r] < 0 { number[r] = branches.count; branches.append([]) }
            groupOf[b] = number[r]
            branches[number[r]].append(b)
        }
        var hosts = Array(repeating: Array(repeating: [Int](), count: plan.campaigns.count), count: branches.count)
        var home: [Int] = []
        for (ci, cp) in plan.campaigns.enumerated() {
            for (h, host) in cp.hosts.enumerated() { hosts[groupOf[host]][ci].append(h) }
            home.append(cp.hosts.first.map { groupOf[$0] } ?? 0)
        }
        self.groupOf = groupOf
        self.branches = branches
        self.hosts = hosts
        self.home = home
    }

    /// Whether campaign `ci` has anything in group `g`: a host, or its own figures.
    func touches(campaign ci: Int, group g: Int) -> Bool { home[ci] == g || !hosts[g][ci].isEmpty }
}

/// The metrics and per-step series a run of a scenario produces, in their fixed order.
///
/// This is the contract between the checker (which validates metric paths in `report`,
/// `expect`, `compare`, `sweep`, `runs until`), the engine (which fills a value for every
/// key in every replication, in this order) and the reports. docs/model.md defines each.
public enum MetricCatalog {
    /// Every metric key of `scenario`, in the order the engine writes them.
    public static func metrics(for s: Scenario) -> [MetricDescriptor] {
        var m: [MetricDescriptor] = []
        func add(_ key: String, _ unit: MetricUnit) { m.append(MetricDescriptor(key: key, unit: unit)) }
        // AUM (in-bank balances, yuan) and uplift = aum.end - aum.start.
        add("aum.start", .money)
        add("aum.end", .money)
        add("uplift", .money)
        for b in s.branches { add("uplift.\(b.name)", .money) }
        // By the tier a customer started in (new customers by the tier they joined).
        for t in s.tiers { add("uplift.\(t.name)", .money) }
        // Customers whose end tier is above / below their start tier; the migration matrix.
        add("upgrades", .count)
        add("downgrades", .count)
        for (i, from) in s.tiers.enumerated() {
            for to in s.tiers[(i + 1)...] { add("upgrades.\(from.name)_to_\(to.name)", .count) }
        }
        for from in s.tiers {
            for to in s.tiers { add("migration.\(from.name).\(to.name)", .count) }
            add("migration.\(from.name).left", .count)
        }
        // Funnels: contacted, then each stage passed; conversions; capacity and staffing losses.
        for c in s.campaigns {
            add("occurrences.\(c.name)", .count)
            add("funnel.\(c.name).contacts", .count)
            for st in c.funnel { add("funnel.\(c.name).\(st.name)", .count) }
            add("conversions.\(c.name)", .count)
            add("turned_away.\(c.name)", .count)
            add("unserved.\(c.name)", .count)
        }
        add("conversions", .count)
        add("turned_away", .count)
        add("unserved", .count)
        add("policy_skipped", .count)
        add("new_customers", .count)
        add("left_customers", .count)
        add("cost", .money)
        for c in s.campaigns { add("cost.\(c.name)", .money) }
        add("uplift_per_cost", .ratio)
        // Staffing per role, over all branches.
        for r in s.roles {
            add("staffing.\(r.name).hours", .hours)
            add("staffing.\(r.name).fte", .fte)
            add("staffing.\(r.name).peak_fte", .fte)
            add("staffing.\(r.name).managed_fte", .fte)
            add("staffing.\(r.name).available", .fte)
        }
        // Attribution, per campaign: the money its conversions moved in, the customers they
        // lifted to a higher tier, and the funnel, conversions and money by the customers'
        // start tier (`tierBreakdown` keys, which a bare selector such as `funnel` leaves out).
        for c in s.campaigns {
            add("subscribed.\(c.name)", .money)
            add("upgraded.\(c.name)", .count)
            for stage in ["contacts"] + c.funnel.map(\.name) {
                for t in s.tiers { add("funnel.\(c.name).\(stage).\(t.name)", .count) }
            }
            for t in s.tiers { add("conversions.\(c.name).\(t.name)", .count) }
            for t in s.tiers { add("subscribed.\(c.name).\(t.name)", .money) }
        }
        add("subscribed", .money)
        // Staff that covers an occurrence only in part (`enforce staff`): occurrences served in
        // part, and contacts drawn but not served (cut from those, or of unserved occurrences).
        for c in s.campaigns {
            add("served_in_part.\(c.name)", .count)
            add("unserved_contacts.\(c.name)", .count)
        }
        add("served_in_part", .count)
        add("unserved_contacts", .count)
        // Money (docs/model.md, "Money"): in total and per campaign.
        for (key, unit) in moneyMetrics {
            add(key, unit)
            for c in s.campaigns { add("\(key).\(c.name)", unit) }
        }
        // Per outlet (docs/model.md, "Per outlet"): appended after the network's metrics so
        // that every earlier key keeps its place.
        let outletRoles = outletRoleLists(s)
        for (bi, b) in s.branches.enumerated() {
            for (key, unit) in outletMetrics { add("outlet.\(b.name).\(key)", unit) }
            for r in outletRoles[bi] {
                for (key, unit) in roleMetrics { add("staffing.\(b.name).\(s.roles[r].name).\(key)", unit) }
            }
        }
        // The value each uncertain input drew in the replication (none without such inputs),
        // before the named metrics so that those can use them.
        for input in s.uncertainInputs { add(Scenario.inputMetricKey(input.path), input.unit) }
        // Named metrics last, computed from the values before them in each replication.
        for d in s.derivedMetrics { add(d.name, d.unit) }
        return m
    }

    /// Whether `key` is a by-start-tier breakdown of a campaign's attribution
    /// (`funnel.C.STAGE.TIER`, `conversions.C.TIER`, `subscribed.C.TIER`), told by its shape:
    /// no other metric has four parts under `funnel` or three under `conversions`/`subscribed`.
    public static func isTierBreakdown(_ key: String) -> Bool {
        var parts = 1
        for ch in key.utf8 where ch == UInt8(ascii: ".") { parts += 1 }
        if key.hasPrefix("funnel.") { return parts == 4 }
        if key.hasPrefix("conversions.") || key.hasPrefix("subscribed.") { return parts == 3 }
        return false
    }

    /// The metrics each outlet has, `outlet.BRANCH.KEY`, in order.
    public static let outletMetrics: [(key: String, unit: MetricUnit)] = [
        ("uplift", .money), ("upgrades", .count), ("conversions", .count), ("cost", .money),
    ] + moneyMetrics

    /// Money besides `cost`, in total (`KEY`), per campaign (`KEY.CAMPAIGN`) and per outlet
    /// (`outlet.BRANCH.KEY`); `payback` is a step number.
    public static let moneyMetrics: [(key: String, unit: MetricUnit)] = [
        ("revenue", .money), ("staff_cost", .money), ("profit", .money), ("roi", .ratio), ("payback", .count),
    ]

    /// The staffing metrics each role has at each outlet, `staffing.BRANCH.ROLE.KEY` (and over
    /// the network, `staffing.ROLE.KEY`), in order.
    /// The roles reported per outlet at branch `branch`, in declaration order: those it has
    /// on hand, and those that can have work anywhere (named in a campaign's effort or a staff
    /// quota, or managing customers). A role that is neither would report zeros at the outlet,
    /// and a file with 20,000 roles and 20,000 outlets would have 400 million such metrics.
    /// Per branch, the roles reported per outlet, in declaration order: those it has on hand,
    /// and those that can have work anywhere (named in a campaign's effort or a staff quota, or
    /// managing customers). A role that is neither would report zeros at the outlet, and a
    /// file with 20,000 roles and 20,000 outlets would have 400 million such metrics.
    public static func outletRoleLists(_ s: Scenario) -> [[Int]] {
        var working = Set<Int>()
        for c in s.campaigns {
            for e in c.effort { working.insert(e.role) }
            if case .perRole(_, let role) = c.contacts { working.insert(role) }
        }
        for (r, role) in s.roles.enumerated() where role.capacityCustomers != nil { working.insert(r) }
        return s.branches.map { b in
            var roles = working
            for (r, x) in b.staff.enumerated() where x > 0 && r < s.roles.count { roles.insert(r) }
            return roles.sorted()
        }
    }

    public static let roleMetrics: [(key: String, unit: MetricUnit)] = [
        ("hours", .hours), ("fte", .fte), ("peak_fte", .fte), ("managed_fte", .fte), ("available", .fte),
    ]

    /// Per-step series names of `scenario`, in order.
    public static func series(for s: Scenario) -> [String] {
        var out = ["aum"]
        out += s.tiers.map { "aum.\($0.name)" }
        out += s.tiers.map { "customers.\($0.name)" }
        out += s.roles.map { "hours.\($0.name)" }
        out += s.roles.map { "fte.\($0.name)" }
        out.append("cost")
        return out
    }

    /// Splits a written path (`staffing.wealth_manager.fte.p95`, `compare.uplift.diff.mean`,
    /// `uplift`) into a `MetricPath`, given the scenario's metric keys. Returns `nil` when the
    /// metric does not exist.
    public static func resolve(_ written: String, keys: Set<String>) -> MetricPath? {
        var parts = written.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var scope = MetricPath.Scope.run
        if parts.first == "compare", parts.count >= 3 {
            if parts.last == "prob_better" {
                let key = parts[1..<(parts.count - 1)].joined(separator: ".")
                return keys.contains(key) ? MetricPath(scope: .compareProbBetter, metric: key) : nil
            }
            parts.removeFirst()
            scope = .compareDiff
            if let d = parts.lastIndex(of: "diff") {
                let stat = d + 1 < parts.count ? Statistic(rawValue: parts[d + 1]) : nil
                guard d + 1 == parts.count || (d + 2 == parts.count && stat != nil) else { return nil }
                let key = parts[..<d].joined(separator: ".")
                return keys.contains(key) ? MetricPath(scope: scope, metric: key, statistic: stat) : nil
            }
            return nil
        }
        if keys.contains(written) { return MetricPath(scope: scope, metric: written) }
        if parts.count >= 2, let stat = Statistic(rawValue: parts[parts.count - 1]) {
            let key = parts.dropLast().joined(separator: ".")
            if keys.contains(key) { return MetricPath(scope: scope, metric: key, statistic: stat) }
        }
        return nil
    }

    /// The keys a report selector names: the key itself and every key below it
    /// (`funnel` selects `funnel.*`; `staffing` selects every role's staffing). The by-tier
    /// breakdowns (`isTierBreakdown`) only when the selector names more than a family
    /// (`conversions.meet` selects `conversions.meet.potential`, `conversions` does not), so
    /// a report of a whole family keeps one row per campaign.
    /// `attribution` / `attribution.CAMPAIGN` names a report layout: the campaigns'
    /// `subscribed.C`, `upgraded.C` and by-tier breakdowns.
    /// `outlets` selects every per-outlet key (`outlet.BRANCH.*` and `staffing.BRANCH.ROLE.*`).
    public static func select(_ selector: String, from keys: [String]) -> [String] {
        if selector == outletsSelector {
            return keys.filter { k in
                k.hasPrefix("outlet.") || (k.hasPrefix("staffing.") && k.split(separator: ".", omittingEmptySubsequences: false).count == 4)
            }
        }
        if selector == "attribution" || selector.hasPrefix("attribution.") {
            let campaign = selector == "attribution" ? nil : selector.dropFirst("attribution.".count)
            return keys.filter { k in
                let p = k.split(separator: ".", maxSplits: 2)
                guard p.count >= 2, campaign == nil || p[1] == campaign else { return false }
                return (p.count == 2 && (p[0] == "subscribed" || p[0] == "upgraded")) || isTierBreakdown(k)
            }
        }
        let deep = selector.contains(".")
        return keys.filter { $0 == selector || ($0.hasPrefix(selector + ".") && (deep || !isTierBreakdown($0))) }
    }

    /// The selector of every per-outlet metric (`report outlets`).
    public static let outletsSelector = "outlets"
}

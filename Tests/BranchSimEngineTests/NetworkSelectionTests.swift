@testable import BranchSimEngine
import BranchSimModel
import Testing

/// A network audience's selection split over the pool's sets (`selectAcrossOutlets`, issue
/// 18): the law of the whole-pool selection (a uniform sample without replacement, in a
/// uniform random order), at a cost that follows the picks, not the network. The laws are
/// checked by chi-square over fixed keys (deterministic: no test can fail by chance from one
/// run to the next); the thresholds are the 0.999 quantiles of the statistics.
@Suite struct NetworkSelectionTests {
    /// Pearson's statistic of observed counts against equal expected counts.
    static func chiSquare(_ counts: [Int], expected: Double) -> Double {
        counts.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    }

    /// Floyd's positions are a uniform 4-subset of 10: each of the 210 subsets about equally
    /// often over 42,000 keys (chi-square, 209 degrees of freedom: 0.999 quantile 281).
    @Test func splitPositionsAreAUniformSubset() {
        var split = PoolSplit()
        var bySubset: [Int: Int] = [:]
        for key in 0..<42_000 {
            _ = split.draw(k: 4, total: 10, key: RandomKey.mix(99, UInt64(key)))
            var mask = 0
            for i in 0..<4 { mask |= 1 << Int(split.positions[i]) }
            #expect(mask.nonzeroBitCount == 4)
            #expect((1..<4).allSatisfy { split.positions[$0 - 1] < split.positions[$0] })
            bySubset[mask, default: 0] += 1
        }
        #expect(bySubset.count == 210)
        let x2 = Self.chiSquare(Array(bySubset.values), expected: 200)
        #expect(x2 < 281, "chi-square \(x2) over 210 subsets")
    }

    /// Four outlets of 30, 60, 90 and 60 customers in a network, a meeting of 8 at the hub for
    /// the network, nobody converting (the pool stays the 240 customers).
    static func network(sizes: [Int], contacts: Int) -> Scenario {
        var s = Fixtures.small(customers: sizes[0], shares: [1, 0], aum: [.fixed(10_000), nil], horizon: .weeks(2), runs: 1)
        s.branches = sizes.enumerated().map { Branch(name: "o\($0.offset)", customers: $0.element, staff: [1], tiers: s.tiers) }
        s.networks = [Network(name: "n", hub: 0, satellites: Array(1..<sizes.count))]
        var c = Fixtures.campaign(contacts: .count(contacts), funnel: [("convert", 0)])
        c.audience = .network
        c.hostNetworks = [0]
        s.campaigns = [c]
        return s
    }

    /// Selections at many occurrences of the same pool: who is picked (each customer equally
    /// often) and who comes first (each customer equally often: the order is uniform, not
    /// the large outlets' picks first). `wholeNetworkPool` gives the old selection.
    static func tally(reference: ReferencePaths, occurrences: Int) throws -> (picked: [Int], first: [Int], drawsPerSelection: Double) {
        let plan = try SimulationPlan(network(sizes: [30, 60, 90, 60], contacts: 8))
        var w = Replicator(plan: plan, seed: 3, salt: 0, reference: reference)
        _ = w.run(replication: 0)
        var picked = [Int](repeating: 0, count: 240), first = [Int](repeating: 0, count: 240)
        let before = w.draws
        for t in 0..<occurrences {
            w.selectContacts(w.campaigns[0], campaign: 0, host: 0, occTag: RandomKey.mix(7, UInt64(t)))
            #expect(w.occurrence.contacts.count == 8)
            for i in 0..<8 { picked[Int(w.occurrence.contacts[i])] += 1 }
            first[Int(w.occurrence.contacts[0])] += 1
        }
        return (picked, first, Double(w.draws - before) / Double(occurrences))
    }

    /// 6,000 meetings of 8 over 240 customers: 200 picks and 25 firsts expected each
    /// (chi-square, 239 degrees of freedom: 0.999 quantile 316), split or not.
    @Test func splitSelectionIsUniformInWhoAndInOrder() throws {
        for reference in [ReferencePaths(), .wholeNetworkPool] {
            let (picked, first, _) = try Self.tally(reference: reference, occurrences: 6000)
            #expect(picked.allSatisfy { $0 > 0 } && first.reduce(0, +) == 6000)
            let x2 = Self.chiSquare(picked, expected: 200), f2 = Self.chiSquare(first, expected: 25)
            #expect(x2 < 316, "\(reference): chi-square of the picks \(x2)")
            #expect(f2 < 316, "\(reference): chi-square of the first contacts \(f2)")
        }
    }

    /// Written weights select each tier on its own at the same occurrence: the tiers' splits
    /// over the outlets are independent (as the whole-pool selection's priorities are), not
    /// the same positions scaled to each tier's pool. Over 3,000 meetings, the correlation of
    /// the low and the high tier's picks from the first two outlets is near 0 (keyed by the
    /// occurrence alone it was near 1).
    @Test func tiersOfAWeightedTargetSplitIndependently() throws {
        var s = Fixtures.small(customers: 200, shares: [0.5, 0.5], horizon: .weeks(2), runs: 1)
        s.branches = (0..<4).map { Branch(name: "o\($0)", customers: 200, staff: [1], tiers: s.tiers) }
        s.networks = [Network(name: "n", hub: 0, satellites: [1, 2, 3])]
        var c = Fixtures.campaign(target: [0, 1], contacts: .count(8), funnel: [("convert", 0)])
        c.audience = .network
        c.hostNetworks = [0]
        c.weightedTargets = true
        s.campaigns = [c]
        let plan = try SimulationPlan(s)
        var w = Replicator(plan: plan, seed: 3, salt: 0)
        _ = w.run(replication: 0)
        var low: [Double] = [], high: [Double] = []
        for t in 0..<3000 {
            w.selectContacts(w.campaigns[0], campaign: 0, host: 0, occTag: RandomKey.mix(11, UInt64(t)))
            var a = 0.0, b = 0.0
            for i in 0..<w.occurrence.contacts.count {
                let c = Int(w.occurrence.contacts[i])
                guard w.customers.branch[c] < 2 else { continue }
                if w.customers.tier[c] == 0 { a += 1 } else { b += 1 }
            }
            low.append(a); high.append(b)
        }
        let n = Double(low.count)
        let ma = low.reduce(0, +) / n, mb = high.reduce(0, +) / n
        let cov = zip(low, high).reduce(0) { $0 + ($1.0 - ma) * ($1.1 - mb) } / n
        let va = low.reduce(0) { $0 + ($1 - ma) * ($1 - ma) } / n, vb = high.reduce(0) { $0 + ($1 - mb) * ($1 - mb) } / n
        let r = cov / (va * vb).squareRoot()
        #expect(ma > 1 && mb > 1, "both tiers picked from the first two outlets: \(ma), \(mb)")
        #expect(abs(r) < 0.1, "correlation of the tiers' picks: \(r)")
    }

    /// A network spanning every outlet, each outlet hosting a weekly meeting of 3 for the
    /// whole network: the draws per outlet (keyed priorities hashed) stay flat from 10 to 60
    /// outlets. Before, every meeting hashed the whole network's pool (6 times more per
    /// outlet at 60 than at 10).
    @Test func networkSelectionCostPerOutletIsFlat() throws {
        func drawsPerOutlet(_ outlets: Int, reference: ReferencePaths = []) throws -> Double {
            var s = Self.network(sizes: Array(repeating: 200, count: outlets), contacts: 3)
            s.campaigns[0].hosts = Array(0..<outlets)
            s.campaigns[0].hostNetworks = Array(repeating: 0, count: outlets)
            s.settings.horizon = .weeks(4)
            let plan = try SimulationPlan(s)
            var w = Replicator(plan: plan, seed: 5, salt: 0, reference: reference)
            _ = w.run(replication: 0)
            return Double(w.draws) / Double(outlets)
        }
        let few = try drawsPerOutlet(10), many = try drawsPerOutlet(60)
        #expect(many < 1.3 * few, "draws per outlet: \(few) at 10 outlets, \(many) at 60")
        // The old selection grows with the network (the test sees the difference).
        let oldFew = try drawsPerOutlet(10, reference: .wholeNetworkPool)
        let oldMany = try drawsPerOutlet(60, reference: .wholeNetworkPool)
        #expect(oldMany > 4 * oldFew)
    }

    /// Every contact buys 1 yuan, so `uplift.OUTLET` counts the picks from each outlet: over
    /// 400 replications their means and spreads match the whole-pool selection's (means
    /// within 4 standard errors, standard deviations within a third of each other). The
    /// split varies with the replication: keyed by the occurrence alone it gave each outlet
    /// the same count in every replication (spread 0).
    @Test func picksPerOutletVaryAsTheWholePoolSelectionDo() throws {
        var s = Self.network(sizes: [30, 60, 90, 60], contacts: 8)
        s.settings.horizon = .weeks(8)
        s.campaigns[0].funnel = [FunnelStage(name: "convert", probability: 1)]
        s.campaigns[0].amount = .fixed(1)
        s.campaigns[0].buys = [ProductShare(product: 0, share: 1)]
        let plan = try SimulationPlan(s)
        var split = Replicator(plan: plan, seed: 9, salt: 0)
        var whole = Replicator(plan: plan, seed: 9, salt: 0, reference: .wholeNetworkPool)
        let n = 400
        let columns = try (0..<4).map { o in try #require(plan.metrics.firstIndex { $0.key == "uplift.o\(o)" }) }
        var a = [[Double]](repeating: [], count: 4), b = a
        for r in 0..<n {
            let x = split.run(replication: r).values, y = whole.run(replication: r).values
            for o in 0..<4 { a[o].append(x[columns[o]]); b[o].append(y[columns[o]]) }
        }
        func meanSD(_ v: [Double]) -> (Double, Double) {
            let m = v.reduce(0, +) / Double(v.count)
            return (m, (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot())
        }
        let picksA = a.map { $0.reduce(0, +) }.reduce(0, +), picksB = b.map { $0.reduce(0, +) }.reduce(0, +)
        #expect(picksA == picksB && picksA >= Double(n * 8 * 7), "as many picks either way: \(picksA), \(picksB)")
        for o in 0..<4 {
            let (ma, sa) = meanSD(a[o]), (mb, sb) = meanSD(b[o])
            let se = ((sa * sa + sb * sb) / Double(n)).squareRoot()
            #expect(abs(ma - mb) < 4 * se, "outlet \(o): split \(ma), whole pool \(mb), standard error \(se)")
            #expect(sa > 0.75 * sb && sa < 1.33 * sb, "outlet \(o): spread \(sa) split, \(sb) whole pool")
        }
    }

    /// hub-and-satellites (branches a tenth the size, 200 replications): the split and the
    /// whole-pool selection give the same statistics within Monte Carlo error (every metric
    /// the campaigns move: |difference of means| under 4 standard errors of two independent
    /// means), and scenarios without a network audience are not touched (same draws, bit for
    /// bit).
    @Test func splitAndWholePoolAgreeOnHubAndSatellites() throws {
        var s = Fixtures.hubAndSatellites(runs: 200)
        for i in s.branches.indices { s.branches[i].customers /= 10 }
        s.campaigns[0].contacts = .count(15)
        s.campaigns[1].contacts = .count(60)
        let plan = try SimulationPlan(s)
        var split = Replicator(plan: plan, seed: 7, salt: 0)
        var whole = Replicator(plan: plan, seed: 7, salt: 0, reference: .wholeNetworkPool)
        let n = 200
        var a: [[Double]] = [], b: [[Double]] = []
        var differ = 0
        for r in 0..<n {
            let x = split.run(replication: r).values, y = whole.run(replication: r).values
            if x != y { differ += 1 }
            a.append(x); b.append(y)
        }
        #expect(differ > n / 2, "the split picks other customers")
        let keys = ["uplift", "uplift.little_bankers", "uplift.car_club", "uplift.education_base", "conversions.themed_event", "conversions.hub_salon", "funnel.hub_salon.attend",
                    "funnel.themed_event.attend", "upgrades", "aum.end"]
        for key in keys {
            let j = try #require(plan.metrics.firstIndex { $0.key == key }, "metric \(key)")
            func meanVar(_ rows: [[Double]]) -> (Double, Double) {
                let m = rows.reduce(0) { $0 + $1[j] } / Double(n)
                return (m, rows.reduce(0) { $0 + ($1[j] - m) * ($1[j] - m) } / Double(n - 1))
            }
            let (ma, va) = meanVar(a), (mb, vb) = meanVar(b)
            let se = ((va + vb) / Double(n)).squareRoot()
            #expect(va > 0 && abs(ma - mb) < 4 * se, "\(key): split \(ma), whole pool \(mb), standard error \(se)")
        }

        // Without a network audience the reference path changes nothing.
        let own = try SimulationPlan(Fixtures.hubAndSatellites(standalone: true, runs: 4))
        var p = Replicator(plan: own, seed: 7, salt: 0), q = Replicator(plan: own, seed: 7, salt: 0, reference: .wholeNetworkPool)
        for r in 0..<2 {
            #expect(p.run(replication: r).values == q.run(replication: r).values)
            #expect(p.draws == q.draws)
        }
    }
}

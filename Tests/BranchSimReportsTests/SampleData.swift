import Foundation
import BranchSimModel
@testable import BranchSimReports
import TestSupport

/// A realistic-looking synthetic document for the HTML report and its screenshot: a seeded
/// generator (SplitMix64 + Box-Muller) fills every metric of a hand-built scenario.
enum SampleData {
    /// The top tier's name: the tests use one with `<&"` in it to check escaping.
    static let trickyTop = "私行 <&\"VIP\">"

    static func scenario(top: String = trickyTop) -> Scenario {
        let tiers = [
            Tier(name: "longtail", low: 0, high: 50_000, share: 0.91, reachable: 0.6),
            Tier(name: "潜力", low: 50_000, high: 200_000, share: 0.06, reachable: 0.75),
            Tier(name: "中高端", low: 200_000, high: 6_000_000, share: 0.025, reachable: 0.9),
            Tier(name: top, low: 6_000_000, high: nil, share: 0.005, reachable: 0.98),
        ]
        let funnel = [FunnelStage(name: "reach", probability: 1), FunnelStage(name: "accept", probability: 0.45),
                      FunnelStage(name: "attend", probability: 0.7), FunnelStage(name: "convert", probability: 0.4)]
        return Scenario(
            title: "潜力客户升级会 · Potential-tier upgrade meetings",
            settings: RunSettings(horizon: .months(12), step: .week, runs: .fixed(400), seed: 20_190_201),
            tiers: tiers, products: [Product(name: "deposit", points: 1), Product(name: "wealth", points: 1)],
            roles: [Role(name: "wealth_manager", hoursPerWeek: 40), Role(name: "大堂经理", hoursPerWeek: 40),
                    Role(name: "customer_manager", hoursPerWeek: 40, capacityCustomers: 600)],
            branches: [Branch(name: "downtown", customers: 20_000, staff: [2, 1, 1], tiers: tiers),
                       Branch(name: "film_club", customers: 15_000, staff: [1, 1, 0], tiers: tiers)],
            campaigns: [
                Campaign(name: "财富升级会", channel: .event, hosts: [0], targets: [TargetWeight(tier: 1, weight: 1)],
                         frequency: Rate(count: 2, per: .week), contacts: .count(40), funnel: funnel),
                Campaign(name: "sms_invite", channel: .sms, hosts: [0, 1], targets: [TargetWeight(tier: 1, weight: 1)],
                         frequency: Rate(count: 1, per: .month), contacts: .all,
                         funnel: [FunnelStage(name: "reach", probability: 1), FunnelStage(name: "convert", probability: 0.02)]),
            ])
    }

    /// One variant's run; `strength` scales the campaign effect (the base is 1).
    static func run(label: String, strength: Double, reps: Int = 400, seed: UInt64 = 20_190_201,
                    top: String = trickyTop) -> RunResult {
        let s = scenario(top: top)
        let metrics = MetricCatalog.metrics(for: s)
        let series = MetricCatalog.series(for: s)
        let steps = s.steps
        var g = SeededRandom(seed: seed)
        var records: [ReplicationRecord] = []
        for i in 0..<reps {
            let z = g.normal(), z2 = g.normal(), z3 = g.normal()
            let start = 4_200_000_000 * (1 + 0.002 * z3)
            let uplift = strength * 19_000_000 * (1 + 0.18 * z)
            let contacts = 4_160.0 * (1 + 0.01 * z2)
            let values: [Double] = metrics.map { m in
                let k = m.key
                switch k {
                case "aum.start": return start
                case "aum.end": return start + uplift
                case "uplift": return uplift
                case "uplift.downtown": return uplift * 0.7
                case "uplift.film_club": return uplift * 0.3
                case "uplift.潜力": return uplift * 0.8
                case "uplift.中高端": return uplift * 0.2
                case "upgrades": return (strength * 95 * (1 + 0.12 * z)).rounded()
                case "upgrades.潜力_to_中高端": return (strength * 80 * (1 + 0.12 * z)).rounded()
                case "upgrades.longtail_to_潜力": return (strength * 15 * (1 + 0.2 * z2)).rounded()
                case "downgrades": return (6 + 2 * z2).rounded()
                case "migration.longtail.longtail": return 31_850 - (strength * 15).rounded()
                case "migration.longtail.潜力": return (strength * 15 * (1 + 0.2 * z2)).rounded()
                case "migration.潜力.潜力": return 2_100 - (strength * 80 * (1 + 0.12 * z)).rounded()
                case "migration.潜力.中高端": return (strength * 80 * (1 + 0.12 * z)).rounded()
                case "migration.潜力.longtail": return (4 + z3).rounded()
                case "migration.中高端.中高端": return 872
                case "migration.中高端.left": return 3
                case "migration.\(top).\(top)": return 175
                case "occurrences.财富升级会": return 104
                case "funnel.财富升级会.contacts", "funnel.财富升级会.reach": return contacts
                case "funnel.财富升级会.accept": return contacts * 0.45 * strength.squareRoot()
                case "funnel.财富升级会.attend": return min(2_080, contacts * 0.45 * 0.7 * strength.squareRoot())
                case "funnel.财富升级会.convert", "conversions.财富升级会":
                    return min(2_080, contacts * 0.45 * 0.7) * 0.4 * strength * (1 + 0.05 * z)
                case "turned_away.财富升级会": return max(0, 30 * strength + 10 * z2).rounded()
                case "occurrences.sms_invite": return 24
                case "funnel.sms_invite.contacts": return 50_400
                case "funnel.sms_invite.reach": return 50_400 * 0.64
                case "funnel.sms_invite.convert", "conversions.sms_invite": return 50_400 * 0.64 * 0.02 * (1 + 0.03 * z3)
                case "conversions": return 1_200 * strength
                case "new_customers": return (12 * strength + 3 * z2).rounded()
                case "cost": return 156_000 + 24 * 800
                case "cost.财富升级会": return 156_000
                case "cost.sms_invite": return 19_200
                case "uplift_per_cost": return uplift / 175_200
                case "staffing.wealth_manager.hours": return 3_100 * strength
                case "staffing.wealth_manager.fte": return 1.5 * strength + 0.25 * z2
                case "staffing.wealth_manager.peak_fte": return 2.4 * strength + 0.2 * z2
                case "staffing.wealth_manager.available": return 3
                case "staffing.大堂经理.hours": return 104
                case "staffing.大堂经理.fte": return 0.05
                case "staffing.大堂经理.peak_fte": return 0.06
                case "staffing.大堂经理.available": return 2
                case "staffing.customer_manager.hours": return 0
                case "staffing.customer_manager.managed_fte": return 1.75 + 0.02 * z
                case "staffing.customer_manager.available": return 1
                default: return 0
                }
            }
            var flat: [Double] = []
            for name in series {
                for t in 0..<steps {
                    let f = Double(t + 1) / Double(steps)
                    switch name {
                    case "aum": flat.append(start + uplift * f + 2_000_000 * f.squareRoot() * g.normal())
                    default: flat.append(Double(t))
                    }
                }
            }
            records.append(ReplicationRecord(index: i, values: values, series: flat))
        }
        return RunResult(label: label, title: s.title, seed: seed, steps: steps, stepUnit: "week", metrics: metrics,
                         series: series, replications: records,
                         availableFTE: ["wealth_manager": 3, "大堂经理": 2, "customer_manager": 1])
    }

    /// A document with a run, a two-variant comparison, a three-point sweep and two expectations.
    static func document(reps: Int = 400, top: String = trickyTop) -> ReportDocument {
        let standalone = run(label: "standalone", strength: 0.6, reps: reps, top: top)
        let base = run(label: "base", strength: 1, reps: reps, top: top)
        let comparison = ComparisonResult(runs: [standalone, base], metrics: ["uplift", "upgrades", "staffing.wealth_manager.fte"],
                                          independent: false)
        let sweep = SweepResult(path: "campaign.财富升级会.contacts", points: [
            .init(label: "20", value: 20, result: run(label: "base", strength: 0.6, reps: reps / 4, top: top)),
            .init(label: "40", value: 40, result: run(label: "base", strength: 1, reps: reps / 4, top: top)),
            .init(label: "60", value: 60, result: run(label: "base", strength: 1.25, reps: reps / 4, top: top)),
        ], metrics: ["uplift", "staffing.wealth_manager.fte"])
        let here = SourceLocation(file: "potential-upgrade.bsim", line: 58, column: 1)
        let e1 = Expectation(path: MetricPath(metric: "uplift"), condition: .compare(.greater, 0), text: "uplift.mean > 0")
        let e2 = Expectation(path: MetricPath(metric: "staffing.wealth_manager.fte", statistic: .p95),
                             condition: .compare(.lessOrEqual, 2), text: "staffing.wealth_manager.fte.p95 <= 2")
        let u = base.summary(of: "uplift")!, f = base.summary(of: "staffing.wealth_manager.fte")!
        return ReportDocument(runs: [base], comparison: comparison, sweep: sweep, expectations: [
            ExpectationOutcome(expectation: e1, measured: u.mean, interval: (u.ciLow, u.ciHigh), passed: u.mean > 0, location: here),
            ExpectationOutcome(expectation: e2, measured: f.p95, interval: nil, passed: f.p95 <= 2,
                               location: SourceLocation(file: "potential-upgrade.bsim", line: 59, column: 1)),
        ])
    }
}

extension SeededRandom {
    /// A standard normal by Box-Muller, for the sample document's spreads.
    mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

import BranchSimModel
@testable import BranchSimReports

/// Hand-built scenarios and results with known values (the engine is not needed).
enum Fixtures {
    /// Three tiers (two with CJK names), one branch, one campaign, two roles.
    static func scenario(campaignName: String = "财富升级会", title: String = "潜力客户 upgrade") -> Scenario {
        let tiers = [
            Tier(name: "longtail", low: 0, high: 50_000, share: 0.91),
            Tier(name: "潜力", low: 50_000, high: 200_000, share: 0.07),
            Tier(name: "中高端", low: 200_000, high: nil, share: 0.02),
        ]
        return Scenario(
            title: title, settings: RunSettings(horizon: .weeks(4), step: .week, runs: .fixed(4), seed: 42),
            tiers: tiers, products: [Product(name: "deposit", points: 1)],
            roles: [Role(name: "wealth_manager", hoursPerWeek: 40), Role(name: "大堂经理", hoursPerWeek: 40)],
            branches: [Branch(name: "downtown", customers: 1000, staff: [2, 1], tiers: tiers)],
            campaigns: [Campaign(
                name: campaignName, hosts: [0], targets: [TargetWeight(tier: 1, weight: 1)],
                frequency: Rate(count: 2, per: .week), contacts: .count(40),
                funnel: [FunnelStage(name: "reach", probability: 1), FunnelStage(name: "attend", probability: 0.5),
                         FunnelStage(name: "convert", probability: 0.4)])])
    }

    /// Known per-replication values for a metric key (replication `i` of `reps`).
    /// Most metrics are `base + i`; a few have values chosen for the report tests.
    static func value(_ key: String, _ i: Int, shift: Double) -> Double {
        let d = Double(i)
        switch key {
        case "aum.start": return 100_000_000
        case "aum.end": return 100_000_000 + 1_000_000 * (d + 1) + shift
        case "uplift": return 1_000_000 * (d + 1) + shift
        case "upgrades": return 10 + d
        case "funnel.财富升级会.contacts", "funnel.wm.contacts": return 80
        case "funnel.财富升级会.reach", "funnel.wm.reach": return 60
        case "funnel.财富升级会.attend", "funnel.wm.attend": return 30
        case "funnel.财富升级会.convert", "funnel.wm.convert": return 12 + d
        case "occurrences.财富升级会", "occurrences.wm": return 8
        case "staffing.wealth_manager.hours": return 300
        case "staffing.wealth_manager.fte": return 1.5 + 0.5 * d   // p95 of 1.5,2,2.5,3 = 2.925
        case "staffing.wealth_manager.peak_fte": return 3
        case "staffing.wealth_manager.available": return 2
        case "staffing.大堂经理.hours": return 100
        case "staffing.大堂经理.fte": return 0.5
        case "staffing.大堂经理.peak_fte": return 0.8
        case "staffing.大堂经理.available": return 1
        case "migration.longtail.longtail": return 900
        case "migration.潜力.潜力": return 60 - d
        case "migration.潜力.中高端": return 10 + d
        case "migration.中高端.中高端": return 20
        case "cost": return 12_000
        case "uplift_per_cost": return (1_000_000 * (d + 1) + shift) / 12_000
        default: return 0
        }
    }

    /// A run with `reps` replications; `shift` is added to uplift (for comparisons).
    static func run(_ s: Scenario = scenario(), label: String = "base", reps: Int = 4, shift: Double = 0,
                    seed: UInt64 = 42) -> RunResult {
        let metrics = MetricCatalog.metrics(for: s)
        let series = MetricCatalog.series(for: s)
        let steps = s.steps
        func seriesValue(_ k: Int, _ name: String, _ t: Int, _ i: Int) -> Double {
            guard name == "aum" else { return Double(k * 10 + t + i) }
            let growth: Double = 250_000 + 50_000 * Double(i)
            let step = Double(t + 1)
            return 100_000_000 + step * growth + shift * step / Double(steps)
        }
        var records: [ReplicationRecord] = []
        for i in 0..<reps {
            var flat: [Double] = []
            for (k, name) in series.enumerated() {
                for t in 0..<steps { flat.append(seriesValue(k, name, t, i)) }
            }
            records.append(ReplicationRecord(index: i, values: metrics.map { value($0.key, i, shift: shift) }, series: flat))
        }
        return RunResult(label: label, title: s.title, seed: seed, steps: steps, stepUnit: "week", metrics: metrics,
                         series: series, replications: records, availableFTE: ["wealth_manager": 2, "大堂经理": 1])
    }
}

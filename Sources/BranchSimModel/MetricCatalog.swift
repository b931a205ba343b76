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
        return m
    }

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
    /// (`funnel` selects `funnel.*`; `staffing` selects every role's staffing).
    public static func select(_ selector: String, from keys: [String]) -> [String] {
        keys.filter { $0 == selector || $0.hasPrefix(selector + ".") }
    }
}

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
        // MARK: decisions
        // The value each uncertain input drew in the replication (none without such inputs).
        for input in s.uncertainInputs { add(Scenario.inputMetricKey(input.path), .ratio) }
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
    public static func select(_ selector: String, from keys: [String]) -> [String] {
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
}

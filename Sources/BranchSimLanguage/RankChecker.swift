import BranchSimModel

/// `rank outlets by METRIC [echelons E]`: METRIC taken at each outlet. A metric has a value
/// per outlet when the catalogue has it per outlet (`uplift` -> `outlet.B.uplift`,
/// `staffing.ROLE.fte` -> `staffing.B.ROLE.fte`), or when it is a named metric whose every
/// metric has (`metric score = 40% * uplift + 60% * upgrades` -> the same at each outlet).
extension ProgramChecker {
    /// The most echelons a ranking takes.
    static let maxEchelons = 100

    mutating func rank(_ v: inout Values, _ s: Statement, scenarios: [Scenario], lets: ScenarioChecker) -> Action? {
        guard v.take("outlets"), v.take("by") else {
            sink.error(.rankOutletsExpected, "expected 'outlets by METRIC' after 'rank'", v.here, [.help("write 'rank outlets by uplift echelons 5'")])
            return nil
        }
        guard let t = v.next(), let metric = t.word else {
            sink.error(.rankMetricExpected, "expected a metric after 'rank outlets by'", v.here, [.help("write 'rank outlets by uplift'")])
            return nil
        }
        var echelons = 5
        if v.take("echelons") {
            let n = lets.integer(&v, "'echelons'", min: 1, max: Self.maxEchelons, why: "a ranking has 1 to \(Self.maxEchelons) echelons")
            sink.diagnostics += lets.sink.diagnostics
            lets.sink.diagnostics = []
            guard let (e, _) = n else { return nil }
            echelons = e
        }
        if !v.atEnd {
            sink.error(.rankUnexpected, "unexpected \(describe(v.peek)) in 'rank'", v.here)
            return nil
        }
        guard let scenario = scenarios.first else { return nil }  // the scenario has errors, reported already
        let keys = Set(MetricCatalog.metrics(for: scenario).map(\.key))
        let named = Dictionary(scenario.derivedMetrics.map { ($0.name, $0.expression) }, uniquingKeysWith: { a, _ in a })
        var missing: String?
        func at(_ outlet: String, _ e: MetricExpression) -> MetricExpression {
            switch e {
            case .constant: return e
            case .negate(let x): return .negate(at(outlet, x))
            case .binary(let op, let a, let b): return .binary(op, at(outlet, a), at(outlet, b))
            case .metric(let p):
                if let inner = named[p.metric] { return at(outlet, inner) }
                if let k = Self.perOutlet(p.metric, outlet: outlet, keys: keys) { return .metric(MetricPath(metric: k)) }
                missing = missing ?? p.metric
                return e
            }
        }
        let outlets = scenario.branches.map { b in
            OutletExpression(outlet: b.name, expression: at(b.name, .metric(MetricPath(metric: metric))))
        }
        if let missing {
            let perOutlet = MetricCatalog.outletMetrics.map(\.key) + scenario.roles.flatMap { r in
                MetricCatalog.roleMetrics.map { "staffing.\(r.name).\($0.key)" }
            }
            var notes = Suggest.notes(for: metric, in: perOutlet + scenario.derivedMetrics.map(\.name))
            notes.append(.note("metrics with a value per outlet: \(perOutlet.joined(separator: ", ")), and named metrics made of them"))
            let what = missing == metric ? "'\(metric)' has no value per outlet" : "'\(metric)' has no value per outlet: '\(missing)' has none"
            sink.error(.rankMetricNotPerOutlet, what, t.range, notes)
            return nil
        }
        return .rank(RankRequest(metric: metric, echelons: echelons, outlets: outlets))
    }

    /// The key of metric `key` at `outlet`, if the catalogue has one.
    static func perOutlet(_ key: String, outlet: String, keys: Set<String>) -> String? {
        let o = "outlet.\(outlet).\(key)"
        if keys.contains(o) { return o }
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 3 && parts[0] == "staffing" {
            let k = "staffing.\(outlet).\(parts[1]).\(parts[2])"
            if keys.contains(k) { return k }
        }
        return nil
    }
}

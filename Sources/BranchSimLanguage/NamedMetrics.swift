import BranchSimModel

/// `metric NAME = EXPRESSION`: named metrics, checked against the scenario's metric keys and
/// put in an order where each reads only the metrics before it (docs/model.md, "Named metrics").
extension ScenarioChecker {
    /// The named metrics of `statements` for `scenario` (whose catalogue they read), in
    /// dependency order; reports unknown names, statistics, names taken and cycles.
    func namedMetrics(_ statements: [Statement], in scenario: Scenario) -> [DerivedMetric] {
        guard !statements.isEmpty else { return [] }
        var units: [String: MetricUnit] = [:]
        let catalogue = MetricCatalog.metrics(for: scenario)
        for m in catalogue { units[m.key] = m.unit }
        let named = Set(statements.compactMap(\.name))
        var byName: [String: Statement] = [:]
        for s in statements {
            guard let name = s.name else { continue }
            if units[name] != nil {
                error(.metricNameTaken, "'metric \(name)' would hide the metric of the same name", s.nameRange ?? s.keywordRange,
                      [.help("choose another name")])
                continue
            }
            byName[name] = s
        }
        // Each definition as an expression over metric keys and other named metrics.
        var expressions: [String: MetricExpression] = [:]
        var dependencies: [String: [String]] = [:]
        let candidates = catalogue.map(\.key) + statements.compactMap(\.name)
        for s in statements {
            guard let name = s.name, byName[name] != nil, let e = s.expr else { continue }
            var deps: [String] = []
            if let x = expression(e, in: name, units: units, named: named, candidates: candidates, deps: &deps) {
                expressions[name] = x
                dependencies[name] = deps
            }
        }
        // Depth first in declaration order: a metric after those it reads; a cycle is reported once.
        var order: [String] = []
        var state: [String: Int] = [:]  // 1: on the path, 2: done
        var path: [String] = []
        func visit(_ n: String) {
            if state[n] == 2 { return }
            if state[n] == 1 {
                let cycle = path[path.firstIndex(of: n)!...] + [n]
                let first = byName[cycle.first!]
                error(.metricCycle, "named metrics refer to each other in a cycle: \(cycle.joined(separator: " -> "))",
                      first?.nameRange ?? first?.keywordRange, [.help("define each named metric from metrics that do not depend on it")])
                return
            }
            guard expressions[n] != nil else { return }
            state[n] = 1
            path.append(n)
            for d in dependencies[n] ?? [] { visit(d) }
            path.removeLast()
            state[n] = 2
            order.append(n)
        }
        for s in statements { if let n = s.name { visit(n) } }
        var out: [DerivedMetric] = []
        for n in order {
            guard let e = expressions[n], (dependencies[n] ?? []).allSatisfy({ units[$0] != nil }) else { continue }
            let unit = declaredUnit(byName[n]) ?? e.unit { units[$0.metric] } ?? .ratio
            units[n] = unit
            out.append(DerivedMetric(name: n, expression: e, unit: unit))
        }
        return out
    }

    /// The words a named metric may give its unit with (`as share`).
    static let unitWords: [String: MetricUnit] = [
        "share": .share, "money": .money, "count": .count, "hours": .hours, "fte": .fte, "ratio": .ratio,
    ]

    /// `as UNIT` after a named metric's expression, if written (and valid: else reported).
    private func declaredUnit(_ s: Statement?) -> MetricUnit? {
        guard let s, let first = s.args.first else { return nil }
        let words = Self.unitWords.keys.sorted()
        guard s.args.count == 2, first.word == "as", let w = s.args[1].word, let unit = Self.unitWords[w] else {
            let at = s.args.count >= 2 ? s.args[1] : first
            error(.metricUnitUnknown, "expected a unit after the value of 'metric \(s.name ?? "")': \(words.joined(separator: ", "))",
                  at.range, [.help("write 'metric \(s.name ?? "NAME") = ... as share' (a share prints as a percentage)")]
                  + Suggest.notes(for: s.args.count >= 2 ? (s.args[1].word ?? "") : "", in: words))
            return nil
        }
        return unit
    }

    private func expression(_ e: Expr, in name: String, units: [String: MetricUnit], named: Set<String>,
                            candidates: [String], deps: inout [String]) -> MetricExpression? {
        switch e {
        case .number(let v, _, _): return .constant(v)
        case .group(let x, _): return expression(x, in: name, units: units, named: named, candidates: candidates, deps: &deps)
        case .negate(let x, _):
            return expression(x, in: name, units: units, named: named, candidates: candidates, deps: &deps).map { .negate($0) }
        case .binary(let op, let a, let b, _):
            let x = expression(a, in: name, units: units, named: named, candidates: candidates, deps: &deps)
            let y = expression(b, in: name, units: units, named: named, candidates: candidates, deps: &deps)
            guard let x, let y else { return nil }
            let o: MetricExpression.Operator
            switch op {
            case .add: o = .add
            case .subtract: o = .subtract
            case .multiply: o = .multiply
            case .divide: o = .divide
            }
            return .binary(o, x, y)
        case .reference(let w, let r):
            if named.contains(w) {
                deps.append(w)
                return .metric(MetricPath(metric: w))
            }
            if units[w] != nil { return .metric(MetricPath(metric: w)) }
            if let v = lets[w] { return .constant(v) }
            if let p = MetricCatalog.resolve(w, keys: Set(units.keys).union(named)), let stat = p.statistic {
                error(.metricStatisticInDefinition, "'\(stat.rawValue)' is a statistic over runs; a named metric is computed in each run", r,
                      [.help("write the metric without '.\(stat.rawValue)' and take the statistic where it is used: 'expect \(name).p95 > 0'")])
                return nil
            }
            error(.metricNameUnknown, "unknown metric '\(w)' in 'metric \(name)'", r, Suggest.notes(for: w, in: candidates))
            return nil
        }
    }
}

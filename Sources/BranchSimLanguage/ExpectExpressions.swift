import BranchSimModel

/// The right side of `expect PATH OP ...` when metrics are in it: `+ - * /`, parentheses,
/// numbers, `let` names and metric paths (`staffing.hub.wealth_manager.available`,
/// `cost.p95`, `compare.cost.diff.mean`), read from the statement's terms.
struct ExpectExpressionReader {
    var terms: [Term]
    var i = 0
    /// A word as a metric path (nil when it is none).
    let resolve: (String) -> MetricPath?
    let lets: [String: Double]
    /// Candidates for "did you mean" when a word is neither a metric nor a `let`.
    let candidates: () -> [String]
    var sink: DiagnosticSink
    var failed = false

    /// Whether `terms` need this reader: a word in them that is no `let` name, or an
    /// operator between two operands (a plain number, `let` name or `(let expression)` is read
    /// as before).
    static func needed(_ terms: [Term], lets: [String: Double]) -> Bool {
        var rest = terms[...]
        if rest.first?.isSymbol(.minus) == true { rest = rest.dropFirst() }
        if rest.count > 1 { return true }
        if let w = rest.first?.word { return lets[w] == nil }
        return false
    }

    mutating func read() -> MetricExpression? {
        let e = sum()
        if let t = peek, !failed {
            error(.expectUnexpected, "unexpected \(describe(t)) after the expectation", t.range)
        }
        return failed ? nil : e
    }

    private var peek: Term? { i < terms.count ? terms[i] : nil }

    private mutating func error(_ id: DiagnosticID, _ m: String, _ r: SourceRange?, _ notes: [DiagnosticNote] = []) {
        sink.error(id, m, r, notes)
        failed = true
    }

    private mutating func sum() -> MetricExpression? {
        guard var lhs = product() else { return nil }
        while let t = peek, t.isSymbol(.plus) || t.isSymbol(.minus) {
            i += 1
            guard let rhs = product() else { return nil }
            lhs = .binary(t.isSymbol(.plus) ? .add : .subtract, lhs, rhs)
        }
        return lhs
    }

    private mutating func product() -> MetricExpression? {
        guard var lhs = unary() else { return nil }
        while let t = peek, t.isSymbol(.star) || t.isSymbol(.slash) {
            i += 1
            guard let rhs = unary() else { return nil }
            lhs = .binary(t.isSymbol(.star) ? .multiply : .divide, lhs, rhs)
        }
        return lhs
    }

    private mutating func unary() -> MetricExpression? {
        guard let t = peek else {
            let end = terms.last?.range
            error(.operandExpected, "expected a number or a name, found the end of the line", end,
                  [.help("a value is a number ('5万', '40%'), a 'let' name, or '(' expression ')'")])
            return nil
        }
        i += 1
        switch t {
        case .symbol(.minus, _):
            return unary().map { .negate($0) }
        case .number(let v, _, _, _):
            return .constant(v)
        case .word(let w, let r):
            return name(w, r)
        case .expr(let e, _):
            return expr(e)
        default:
            error(.operandExpected, "expected a number or a name, found \(describe(t))", t.range,
                  [.help("a value is a number ('5万', '40%'), a 'let' name, or '(' expression ')'")])
            return nil
        }
    }

    private mutating func name(_ w: String, _ r: SourceRange) -> MetricExpression? {
        if let v = lets[w] { return .constant(v) }
        if let p = resolve(w) { return .metric(p) }
        error(.metricUnknown, "unknown metric '\(w)'", r, Suggest.notes(for: w, in: candidates()))
        return nil
    }

    /// A parenthesised part (parsed as an `Expr` by the parser).
    private mutating func expr(_ e: Expr) -> MetricExpression? {
        switch e {
        case .number(let v, _, _): return .constant(v)
        case .reference(let w, let r): return name(w, r)
        case .negate(let x, _): return expr(x).map { .negate($0) }
        case .group(let x, _): return expr(x)
        case .binary(let op, let a, let b, _):
            guard let x = expr(a), let y = expr(b) else { return nil }
            switch op {
            case .add: return .binary(.add, x, y)
            case .subtract: return .binary(.subtract, x, y)
            case .multiply: return .binary(.multiply, x, y)
            case .divide: return .binary(.divide, x, y)
            }
        }
    }
}

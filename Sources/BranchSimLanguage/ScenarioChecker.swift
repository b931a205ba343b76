import BranchSimModel
import Foundation

/// Builds one checked `Scenario` from declaration statements, reporting every problem.
///
/// Used for the base scenario, for every variant (base with the variant applied) and for
/// every sweep point (base with the value applied), so all validation applies to each.
final class ScenarioChecker {
    var sink: DiagnosticSink
    private(set) var lets: [String: Double] = [:]
    private var letOrder: [String] = []
    /// `runs until METRIC ...` waiting for the metric keys.
    var pendingUntil: (metric: String, range: SourceRange, within: Double, cap: Int)?
    var threadsRange: SourceRange?
    /// Where the scenario's `horizon` (else its `step`) was given, for the results' memory check.
    var horizonRange: SourceRange?
    var failed = false
    /// Hand-offs named in campaigns' `where`, checked once every campaign is built.
    var handoffs: [HandoffReference] = []
    /// Campaigns the variant being built drops: a hand-off from one is never true, not an error.
    var droppedCampaigns: Set<String> = []
    /// Where a `new within` was first used (for the warning when nobody joins).
    var usesNew: SourceRange?
    /// The file's data statements' outlets and customers (`nil`: none).
    var data: DataImports?
    /// Names of each kind in the scenario being built, with an index (`names(_:_:)`).
    private var nameTables: [String: NameTable] = [:]

    init(sink: DiagnosticSink) { self.sink = sink }

    /// The names of one kind (`tier`, `branch`...) in the scenario being built, indexed once
    /// per build: looking a name up is then O(1), where a search per reference made 10,000
    /// campaigns at 10,000 branches quadratic (and 20,000 networks, or a branch's staff of
    /// 20,000 roles). Call only once that kind is complete: products and roles before tiers,
    /// tiers before segments and branches, branches before networks, all before campaigns.
    func names(_ kind: String, _ list: @autoclosure () -> [String]) -> NameTable {
        if let t = nameTables[kind] { return t }
        let t = NameTable(list())
        nameTables[kind] = t
        return t
    }

    /// Forgets the indexed names (a new build begins).
    func resetNames() { nameTables = [:] }

    // MARK: diagnostics

    func error(_ id: DiagnosticID, _ m: String, _ r: SourceRange?, _ notes: [DiagnosticNote] = []) {
        sink.error(id, m, r, notes)
        failed = true
    }

    /// An error a later declaration can resolve (see `Diagnostic.unfinished`).
    func unfinished(_ id: DiagnosticID, _ m: String, _ r: SourceRange?, _ notes: [DiagnosticNote] = []) {
        sink.unfinished(id, m, r, notes)
        failed = true
    }

    func warning(_ id: DiagnosticID, _ m: String, _ r: SourceRange?, _ notes: [DiagnosticNote] = []) {
        sink.warning(id, m, r, notes)
    }

    func unexpectedRest(_ v: Values, keys: [String] = []) {
        guard let t = v.peek else { return }
        var notes: [DiagnosticNote] = []
        if let w = t.word { notes = Suggest.notes(for: w, in: keys) }
        error(.valueUnexpected, "unexpected \(describe(t)) in \(v.what)", t.range, notes)
    }

    // MARK: lets and numbers

    func evaluate(_ e: Expr) -> Double? {
        switch e {
        case .number(let v, _, _): return v
        case .reference(let name, let r):
            if let v = lets[name] { return v }
            error(.nameUnknown, "unknown name '\(name)'", r, Suggest.notes(for: name, in: letOrder) + [.help("define it first with 'let \(name) = VALUE'")])
            return nil
        case .negate(let x, _): return evaluate(x).map { -$0 }
        case .group(let x, _): return evaluate(x)
        case .binary(let op, let a, let b, let r):
            guard let x = evaluate(a), let y = evaluate(b) else { return nil }
            switch op {
            case .add: return x + y
            case .subtract: return x - y
            case .multiply: return x * y
            case .divide:
                if y == 0 { error(.divisionByZero, "division by zero", r); return nil }
                return x / y
            }
        }
    }

    func defineLet(_ s: Statement) {
        guard let name = s.name, let e = s.expr else { return }
        if let v = evaluate(e) {
            if !v.isFinite { error(.letNotFinite, "the value of 'let \(name)' is not a finite number", e.range); return }
            // A name seen for the first time joins the order (searching the order instead was
            // quadratic: 400,000 lets never finished checking).
            if lets.updateValue(v, forKey: name) == nil { letOrder.append(name) }
        }
    }

    /// A number: a literal (with its scale), a `let` name, `(expression)`, optionally negated.
    func number(_ v: inout Values, _ what: String? = nil) -> Num? {
        let label = what ?? v.what
        var negative = false
        var start: SourceRange?
        if v.peek?.isSymbol(.minus) == true { start = v.here; negative = true; v.i += 1 }
        guard let t = v.next() else {
            error(.numberMissing, "missing number for \(label)", v.here)
            return nil
        }
        var n: Num
        switch t {
        case .number(let value, let suffix, let text, let r):
            n = Num(value: value, suffix: suffix, computed: false, range: r, text: text)
        case .word(let w, let r):
            guard let value = lets[w] else {
                let notes = Suggest.notes(for: w, in: letOrder)
                error(.numberExpected, "expected a number for \(label), found '\(w)'", r,
                      notes.isEmpty && letOrder.isEmpty ? [] : notes)
                return nil
            }
            n = Num(value: value, suffix: nil, computed: true, range: r, text: w)
        case .expr(let e, let r):
            guard let value = evaluate(e) else { return nil }
            n = Num(value: value, suffix: nil, computed: true, range: r, text: "(...)")
        default:
            v.i -= 1
            error(.numberExpected, "expected a number for \(label), found \(describe(t))", t.range)
            v.i += 1
            return nil
        }
        if negative { n.value = -n.value; n.range = start!.union(n.range); n.text = "-" + n.text }
        return n
    }

    /// A probability or share: `40%` or a `let` (a fraction); must lie in 0..100%.
    func probability(_ v: inout Values, _ what: String? = nil) -> Double? {
        let label = what ?? v.what
        guard let n = number(&v, label) else { return nil }
        if !n.computed && n.suffix != .percent {
            error(.percentageExpected, "\(label) must be a percentage, found '\(n.text)'", n.range,
                  [.help(n.suffix == nil ? "write '\(n.text)%'" : "write a percentage such as '40%'")])
            return nil
        }
        if n.value < 0 || n.value > 1 {
            error(.percentageOutOfRange, "\(label) is \(formatPercent(n.value)), outside 0..100%", n.range)
            return nil
        }
        return n.value
    }

    /// Money or a count (no `%`, no `x`).
    func amount(_ v: inout Values, _ what: String? = nil, allowNegative: Bool = false) -> Double? {
        let label = what ?? v.what
        guard let n = number(&v, label) else { return nil }
        if n.suffix == .percent || n.suffix == .times {
            error(.amountExpected, "\(label) must be an amount, found '\(n.text)'", n.range, [.help("write an amount such as '5万' or '20000'")])
            return nil
        }
        if !allowNegative && n.value < 0 {
            error(.numberNegative, "\(label) must not be negative", n.range)
            return nil
        }
        return n.value
    }

    func integer(_ v: inout Values, _ what: String? = nil, min lower: Int = 0, max upper: Int = .max,
                 why: String? = nil) -> (Int, SourceRange)? {
        let label = what ?? v.what
        guard let n = number(&v, label) else { return nil }
        guard n.suffix != .percent, n.suffix != .times, n.value == n.value.rounded() else {
            error(.wholeNumberExpected, "\(label) must be a whole number, found '\(n.text)'", n.range)
            return nil
        }
        guard abs(n.value) < 1e15 else {
            error(n.value < 0 ? .numberTooSmall : .numberTooLarge,
                  "\(label) must be at \(n.value < 0 ? "least \(lower)" : "most \(upper == .max ? "10^15" : String(upper))"), found '\(n.text)'",
                  n.range, why.map { [.help($0)] } ?? [])
            return nil
        }
        if Int(n.value) < lower {
            error(.numberTooSmall, "\(label) must be at least \(lower), found '\(n.text)'", n.range)
            return nil
        }
        if Int(n.value) > upper {
            error(.numberTooLarge, "\(label) must be at most \(upper), found '\(n.text)'", n.range, why.map { [.help($0)] } ?? [])
            return nil
        }
        return (Int(n.value), n.range)
    }

    static let calendarUnits: [String: CalendarDuration] = [
        "day": .day, "days": .day, "workday": .workday, "workdays": .workday, "week": .week, "weeks": .week,
        "month": .month, "months": .month, "year": .year, "years": .year,
    ]

    /// `30 days`, `8 weeks`, `3 months`, `1 year` (a whole number of days/workdays/weeks/months/years).
    func calendar(_ v: inout Values, _ what: String? = nil) -> CalendarDuration? {
        let label = what ?? v.what
        guard let n = number(&v, label) else { return nil }
        guard let unitTerm = v.next(), let unit = unitTerm.word, let d = Self.calendarUnits[unit] else {
            v.i -= 1
            let found = v.peek
            if found != nil { v.i += 1 }
            var notes: [DiagnosticNote] = [.help("write a duration such as '30 days', '8 weeks', '3 months' or '1 year'")]
            if let w = found?.word { notes = Suggest.notes(for: w, in: Array(Self.calendarUnits.keys).sorted()) + notes }
            error(.calendarUnitExpected, "expected a calendar unit after '\(n.text)' in \(label), found \(describe(found))", found?.range ?? n.range, notes)
            return nil
        }
        let ticks = n.value * Double(d.ticks)
        guard n.value >= 0, ticks == ticks.rounded(), ticks < 1e12 else {
            error(.durationNotWhole, "\(label) must be a whole, non-negative number of \(unit)", n.range.union(unitTerm.range))
            return nil
        }
        return CalendarDuration(ticks: Int(ticks))
    }

    /// Staff time: `60 min`, `2 h` (in minutes).
    func staffTime(_ v: inout Values, _ what: String? = nil) -> Double? {
        let label = what ?? v.what
        guard let n = number(&v, label) else { return nil }
        let unitTerm = v.next()
        switch unitTerm?.word {
        case "min", "mins", "minute", "minutes": break
        case "h", "hour", "hours": return positiveMinutes(n.value * 60, n, label)
        default:
            error(.timeUnitExpected, "expected 'min' or 'h' after '\(n.text)' in \(label), found \(describe(unitTerm))", unitTerm?.range ?? n.range,
                  [.help("staff time is written '60 min' or '2 h'")])
            return nil
        }
        return positiveMinutes(n.value, n, label)
    }

    private func positiveMinutes(_ m: Double, _ n: Num, _ label: String) -> Double? {
        if m <= 0 { error(.numberNotPositive, "\(label) must be more than zero", n.range); return nil }
        return m
    }

    /// `2 per week`, `1 per month`, `20 per workday`, `1 per 2 weeks`, `daily`, `weekly`, `monthly`.
    func rate(_ v: inout Values, _ what: String? = nil) -> Rate? {
        let label = what ?? v.what
        switch v.peekWord {
        case "daily": v.i += 1; return Rate(count: 1, per: .workday)
        case "weekly": v.i += 1; return Rate(count: 1, per: .week)
        case "monthly": v.i += 1; return Rate(count: 1, per: .month)
        default: break
        }
        guard let n = number(&v, label) else { return nil }
        guard v.take("per") else {
            error(.perExpected, "expected 'per' after '\(n.text)' in \(label), found \(describe(v.peek))", v.here,
                  [.help("write a rate such as '2 per week', '1 per month' or 'daily'")])
            return nil
        }
        var period: CalendarDuration
        if let w = v.peekWord, let d = Self.calendarUnits[w] {
            v.i += 1
            period = d
        } else if let w = v.peekWord, lets[w] == nil {
            error(.periodUnknown, "unknown period '\(w)' in \(label)", v.here,
                  Suggest.notes(for: w, in: ["day", "workday", "week", "month", "year"]) + [.help("write '2 per week', '1 per month' or '1 per workday'")])
            v.i = v.terms.count
            return nil
        } else if let d = calendar(&v, label) {
            period = d
        } else {
            return nil
        }
        if period.ticks == 0 { error(.periodNotPositive, "the period of \(label) must be longer than zero", n.range); return nil }
        if n.value < 0 { error(.numberNegative, "\(label) must not be negative", n.range); return nil }
        return Rate(count: n.value, per: period)
    }

    /// A multiplier `1.2x` (a plain number or `let` is accepted too).
    func multiplier(_ v: inout Values, _ what: String? = nil) -> Double? {
        let label = what ?? v.what
        guard let n = number(&v, label) else { return nil }
        if n.suffix != nil && n.suffix != .times {
            error(.multiplierExpected, "\(label) must be a multiplier such as '1.2x', found '\(n.text)'", n.range)
            return nil
        }
        if n.value < 0 { error(.numberNegative, "\(label) must not be negative", n.range); return nil }
        return n.value
    }

    /// `fixed X`, `uniform(A, B)`, `lognormal(median M, p90 Q)`, `share P of offbank`, `pareto(min M, alpha A)`.
    func distribution(_ v: inout Values, _ what: String? = nil) -> Distribution? {
        let label = what ?? v.what
        guard let t = v.next() else {
            error(.distributionMissing, "missing distribution for \(label)", v.here,
                  [.help("write 'fixed X', 'uniform(A, B)', 'lognormal(median M, p90 Q)', 'share P of offbank' or 'pareto(min M, alpha A)'")])
            return nil
        }
        func args(_ name: String, _ a: [[Term]], _ r: SourceRange, labels: [String?]) -> [Double]? {
            guard a.count == labels.count else {
                let shape = labels.enumerated().map { $0.element.map { "\($0) X" } ?? "X\($0.offset + 1)" }.joined(separator: ", ")
                error(.distributionArity, "'\(name)' takes \(labels.count) arguments, found \(a.count)", r, [.help("write '\(name)(\(shape))'")])
                return nil
            }
            var out: [Double] = []
            for (arg, lab) in zip(a, labels) {
                var av = Values(arg, what: "'\(name)' in \(label)", anchor: r)
                if let lab {
                    guard av.take(lab) else {
                        error(.distributionLabelExpected, "expected '\(lab)' in '\(name)(...)', found \(describe(av.peek))", av.peek?.range ?? r,
                              [.help("write '\(name)(" + labels.map { "\($0 ?? "") X" }.joined(separator: ", ") + ")'")])
                        return nil
                    }
                }
                guard let x = amount(&av, lab.map { "'\($0)' of '\(name)'" } ?? "'\(name)'", allowNegative: false) else { return nil }
                if !av.atEnd { unexpectedRest(av); return nil }
                out.append(x)
            }
            return out
        }
        switch t {
        case .word("fixed", _):
            return amount(&v, "'fixed' in \(label)").map { .fixed($0) }
        case .word("share", let r):
            guard let p = probability(&v, "'share' in \(label)") else { return nil }
            guard v.take("of"), v.take("offbank") else {
                error(.shareOfOffbankExpected, "expected 'of offbank' after the share in \(label)", v.here.union(r), [.help("write 'share 30% of offbank'")])
                return nil
            }
            return .shareOfOffbank(p)
        case .call("uniform", let a, let r):
            guard let x = args("uniform", a, r, labels: [nil, nil]) else { return nil }
            if x[0] > x[1] {
                error(.uniformReversed, "'uniform' needs its lower bound first: \(formatAmount(x[0])) is above \(formatAmount(x[1]))", r,
                      [.help("write 'uniform(\(formatAmount(x[1])), \(formatAmount(x[0])))'")])
                return nil
            }
            return .uniform(x[0], x[1])
        case .call("lognormal", let a, let r):
            guard let x = args("lognormal", a, r, labels: ["median", "p90"]) else { return nil }
            if x[0] <= 0 { error(.lognormalMedianNotPositive, "the median of 'lognormal' must be more than zero", r); return nil }
            if x[1] <= x[0] {
                error(.lognormalP90NotAboveMedian, "the p90 of 'lognormal' (\(formatAmount(x[1]))) must be above its median (\(formatAmount(x[0])))", r,
                      [.help("the 90th percentile of a right-skewed amount lies above the median")])
                return nil
            }
            return .lognormal(median: x[0], p90: x[1])
        case .call("pareto", let a, let r):
            guard let x = args("pareto", a, r, labels: ["min", "alpha"]) else { return nil }
            if x[1] <= 0 { error(.paretoAlphaNotPositive, "the alpha of 'pareto' must be more than zero, found \(formatPlain(x[1]))", r); return nil }
            if x[0] <= 0 { error(.paretoMinNotPositive, "the min of 'pareto' must be more than zero", r); return nil }
            return .pareto(min: x[0], alpha: x[1])
        case .call(let name, _, let r), .word(let name, let r):
            error(.distributionUnknown, "unknown distribution '\(name)' in \(label)", r,
                  Suggest.notes(for: name, in: LanguageVocabulary.distributions)
                  + [.help("use 'fixed X', 'uniform(A, B)', 'lognormal(median M, p90 Q)', 'share P of offbank' or 'pareto(min M, alpha A)'")])
            return nil
        default:
            error(.distributionExpected, "expected a distribution for \(label), found \(describe(t))", t.range,
                  [.help("write 'fixed X', 'uniform(A, B)', 'lognormal(median M, p90 Q)', 'share P of offbank' or 'pareto(min M, alpha A)'")])
            return nil
        }
    }

    /// A name that must be one of `names`.
    func reference(_ v: inout Values, kind: String, in names: [String]) -> (Int, SourceRange)? {
        reference(&v, kind: kind, in: NameTable(names))
    }

    /// A name that must be one of `table`'s.
    func reference(_ v: inout Values, kind: String, in table: NameTable) -> (Int, SourceRange)? {
        let names = table.names
        guard let t = v.next() else {
            error(.referenceMissing, "missing \(kind) name in \(v.what)", v.here)
            return nil
        }
        guard let w = t.word else {
            error(.referenceExpected, "expected a \(kind) name in \(v.what), found \(describe(t))", t.range)
            return nil
        }
        guard let i = table.index[w] else {
            var notes = Suggest.notes(for: w, in: names)
            // Nothing close: perhaps declared further on (at the prompt, one line at a time);
            // a near miss is a typo and reported at once.
            let nearMiss = !notes.isEmpty
            if notes.isEmpty && !names.isEmpty { notes = [.note("\(kind.hasSuffix("ch") ? kind + "es" : kind + "s"): " + names.joined(separator: ", "))] }
            if names.isEmpty { notes = [.help("declare it with '\(kind) \(w) ...'")] }
            (nearMiss ? error : unfinished)(.referenceUnknown, "unknown \(kind) '\(w)'", t.range, notes)
            return nil
        }
        return (i, t.range)
    }
}

/// Names with the index of each (the first, when a name repeats).
struct NameTable {
    let names: [String]
    let index: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        index.reserveCapacity(names.count)
        for (i, n) in names.enumerated() where index[n] == nil { index[n] = i }
        self.index = index
    }
}

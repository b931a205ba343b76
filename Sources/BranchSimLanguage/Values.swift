import Foundation
import BranchSimModel

/// A number read from a value, with how it was written.
struct Num {
    var value: Double
    var suffix: NumberSuffix?
    /// Whether it came from a `let` or an expression (its unit is then implied).
    var computed: Bool
    var range: SourceRange
    var text: String
}

/// A cursor over a property's value terms, with the context used in messages.
struct Values {
    let terms: [Term]
    var i = 0
    /// How the value is named in messages, e.g. "'share' of tier 'potential'".
    let what: String
    /// Where to point when the value is missing.
    let anchor: SourceRange

    init(_ terms: [Term], what: String, anchor: SourceRange) {
        self.terms = terms
        self.what = what
        self.anchor = anchor
    }

    var atEnd: Bool { i >= terms.count }
    var peek: Term? { i < terms.count ? terms[i] : nil }
    func peek(_ k: Int) -> Term? { i + k < terms.count ? terms[i + k] : nil }
    mutating func next() -> Term? {
        defer { i += 1 }
        return peek
    }

    /// Where the next term is, or just after the last (for "missing ..." messages).
    var here: SourceRange {
        if let t = peek { return t.range }
        let end = terms.last?.range.end ?? anchor.end
        return SourceRange(file: anchor.file, start: end, end: end)
    }

    var peekWord: String? { peek?.word }

    mutating func take(_ word: String) -> Bool {
        if peekWord == word { i += 1; return true }
        return false
    }

    mutating func takeSymbol(_ s: Symbol) -> Bool {
        if peek?.isSymbol(s) == true { i += 1; return true }
        return false
    }

    /// Splits the remaining terms at top-level commas.
    mutating func commaList() -> [[Term]] {
        var items: [[Term]] = [[]]
        while let t = next() {
            if t.isSymbol(.comma) { items.append([]) } else { items[items.count - 1].append(t) }
        }
        return items
    }
}

/// Describes a term for messages.
func describe(_ t: Term?) -> String {
    guard let t else { return "nothing" }
    switch t {
    case .word(let w, _): return "'\(w)'"
    case .number(_, _, let text, _): return "'\(text)'"
    case .string(let s, _): return "'\"\(s)\"'"
    case .symbol(let s, _): return "'\(s.rawValue)'"
    case .call(let n, _, _): return "'\(n)(...)'"
    case .expr: return "an expression"
    }
}

/// Money and counts as bank staff write them: 50000 as "5万", 6000000 as "600万", 0.35 as "35%".
func formatAmount(_ v: Double) -> String {
    if v != 0, abs(v) >= 1e8, abs(v) < 1e23, (v / 1e8).rounded() == v / 1e8 { return "\(Int(v / 1e8))亿" }
    if v != 0, abs(v) >= 1e4, (v / 1e4) * 100 == ((v / 1e4) * 100).rounded() {
        return formatPlain(v / 1e4) + "万"
    }
    return formatPlain(v)
}

func formatPlain(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
    // Beyond 10^15 (or infinite), the shortest round-trip form: '1e+20', not 21 digits.
    if !(abs(v) < 1e15) { return "\(v)" }
    var s = String(format: "%.6f", v)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}

func formatPercent(_ v: Double) -> String { formatPlain((v * 100 * 1e6).rounded() / 1e6) + "%" }

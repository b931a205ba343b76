import BranchSimModel

/// Prints scenarios in the canonical layout: one space between words, two-space indents,
/// one property line per line in blocks, consecutive one-line statements of a kind aligned
/// in columns, comments kept, at most one blank line between statements.
/// Formatting is idempotent: formatting the output again gives the same text.
public enum Formatter {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var diagnostics: [Diagnostic]
        public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
    }

    /// Formats `source`; throws the syntax errors when it does not parse.
    public static func format(_ source: String, file: String) throws(Failure) -> String {
        let (unit, diagnostics) = FrontEnd.parse(source: source, file: file)
        if diagnostics.contains(where: \.isError) { throw Failure(diagnostics: diagnostics) }
        return format(statements: unit.statements, trailingComments: unit.trailingComments)
    }

    /// Prints statements (and comments after them) canonically.
    public static func format(statements: [Statement], trailingComments: [String] = []) -> String {
        var out: [String] = []
        printStatements(statements, indent: 0, into: &out)
        if !trailingComments.isEmpty {
            if !out.isEmpty { out.append("") }
            out += trailingComments.map(comment)
        }
        var text = out.joined(separator: "\n")
        if !text.isEmpty { text += "\n" }
        return text
    }

    /// One statement as it would be printed (for the shell's `:show`).
    public static func format(statement: Statement) -> String {
        var out: [String] = []
        printStatements([statement], indent: 0, into: &out)
        return out.joined(separator: "\n") + "\n"
    }

    /// Stands for a blank line among leading comments (a comment block set apart from its statement).
    static let blankLine = "\u{0}"

    static func comment(_ c: String) -> String {
        if c == blankLine { return "" }
        // The text is kept as written (indentation inside a comment carries meaning, such as
        // a continued list item); only a comment glued to its `#` gets a space.
        if c.allSatisfy({ $0 == " " || $0 == "\t" }) { return "#" }
        return c.first == " " || c.first == "\t" ? "#" + c : "# " + c
    }

    private static func isOneLiner(_ s: Statement) -> Bool {
        s.body == nil && (s.block == nil || oneLineBlock(s)) && s.properties.allSatisfy { $0.leadingComments.isEmpty }
    }

    private static func oneLineBlock(_ s: Statement) -> Bool {
        guard let block = s.block else { return false }
        return s.blockOnOneLine && s.closingComments.isEmpty
            && block.allSatisfy { $0.leadingComments.isEmpty && $0.trailingComment == nil }
    }

    private static func isMultiLine(_ s: Statement) -> Bool { s.body != nil || (s.block != nil && !oneLineBlock(s)) }

    private static func printStatements(_ statements: [Statement], indent: Int, into out: inout [String]) {
        let pad = String(repeating: "  ", count: indent)
        var i = 0
        while i < statements.count {
            // A run of aligned one-line statements of one kind.
            var j = i + 1
            if isOneLiner(statements[i]) && statements[i].kind.hasProperties {
                while j < statements.count, statements[j].kind == statements[i].kind, isOneLiner(statements[j]),
                      !statements[j].blankLineBefore, statements[j].leadingComments.isEmpty { j += 1 }
            }
            let run = Array(statements[i..<j])
            let first = run[0]
            if (first.blankLineBefore || isMultiLine(first) || (i > 0 && isMultiLine(statements[i - 1]))),
               !out.isEmpty, out.last != "", !(out.last ?? "").hasSuffix("{") {
                out.append("")
            }
            out += first.leadingComments.map { pad + comment($0) }
            if run.count > 1 {
                let rows = run.map(cells)
                var widths: [Int] = []
                for r in rows {
                    for (k, c) in r.enumerated() where k < r.count - 1 {
                        if k >= widths.count { widths.append(0) }
                        widths[k] = max(widths[k], DisplayWidth.of(c))
                    }
                }
                for (s, r) in zip(run, rows) {
                    var line = ""
                    for (k, c) in r.enumerated() {
                        line += c
                        if k < r.count - 1 { line += String(repeating: " ", count: widths[k] - DisplayWidth.of(c) + 1) }
                    }
                    out.append(pad + line + (s.trailingComment.map { "  " + comment($0) } ?? ""))
                }
            } else {
                printOne(first, indent: indent, into: &out)
            }
            i = j
        }
    }

    private static func cells(_ s: Statement) -> [String] {
        var c = [s.kind.rawValue]
        if let n = s.name { c.append(s.nameIsString ? quote(n) : n) }
        c += s.inline.map(propertyText)
        if let block = s.block { c.append(block.isEmpty ? "{}" : "{ " + block.map(propertyText).joined(separator: "  ") + " }") }
        return c
    }

    private static func propertyText(_ p: Property) -> String {
        p.values.isEmpty ? p.key : p.key + " " + terms(p.values)
    }

    private static func printOne(_ s: Statement, indent: Int, into out: inout [String]) {
        let pad = String(repeating: "  ", count: indent)
        for p in s.inline { out += p.leadingComments.map { pad + comment($0) } }
        var head = s.kind.rawValue
        if let n = s.name { head += " " + (s.nameIsString ? quote(n) : n) }
        switch s.kind {
        case .let, .metric:
            head += " = " + (s.expr.map(expr) ?? "")
            if !s.args.isEmpty { head += " " + terms(s.args) }
        case .policy, .enforce, .run, .report, .compare, .sweep, .expect, .export, .include, .drop, .branches, .customers, .rank,
             .sensitivity, .optimize, .calibrate:
            if !s.args.isEmpty { head += " " + terms(s.args) }
        case .scenario, .tier, .segment, .product, .role, .branch, .network, .campaign, .variant, .observed:
            if !s.inline.isEmpty { head += " " + s.inline.map(propertyText).joined(separator: " ") }
        }
        let trailing = s.trailingComment.map { "  " + comment($0) } ?? ""
        if let body = s.body {
            out.append(pad + head + " {")
            printStatements(body, indent: indent + 1, into: &out)
            out += s.closingComments.map { pad + "  " + comment($0) }
            out.append(pad + "}" + trailing)
            return
        }
        guard let block = s.block else {
            out.append(pad + head + trailing)
            return
        }
        if oneLineBlock(s) {
            let inner = block.map(propertyText).joined(separator: "  ")
            out.append(pad + head + (inner.isEmpty ? " {}" : " { " + inner + " }") + trailing)
            return
        }
        out.append(pad + head + " {" + trailing)
        var line: String?
        var lineComment: String?
        func flush() {
            if let l = line { out.append(pad + "  " + l + (lineComment.map { "  " + comment($0) } ?? "")) }
            line = nil
            lineComment = nil
        }
        for p in block {
            if p.startsLine || line == nil || !p.leadingComments.isEmpty {
                flush()
                out += p.leadingComments.map { pad + "  " + comment($0) }
                line = propertyText(p)
            } else {
                line! += "  " + propertyText(p)
            }
            if let c = p.trailingComment { lineComment = c }
        }
        flush()
        out += s.closingComments.map { pad + "  " + comment($0) }
        out.append(pad + "}")
    }

    static func quote(_ s: String) -> String {
        var r = "\""
        for ch in s {
            switch ch {
            case "\"": r += "\\\""
            case "\\": r += "\\\\"
            case "\n": r += "\\n"
            case "\t": r += "\\t"
            default: r.append(ch)
            }
        }
        return r + "\""
    }

    /// Value terms with canonical spacing: `a, b`, `x -> y`, `3万..4万`, `2/3`, `-1%`.
    static func terms(_ ts: [Term]) -> String {
        var s = ""
        var glue = true
        var previous: Term?
        for t in ts {
            var piece: String
            var glueBefore = false, glueAfter = false
            switch t {
            case .word(let w, _): piece = w
            case .number(_, _, let text, _): piece = text
            case .string(let x, _): piece = quote(x)
            case .symbol(let sym, _):
                piece = sym.rawValue
                switch sym {
                case .comma: glueBefore = true
                case .range, .slash: glueBefore = true; glueAfter = true
                case .minus, .openParen: glueAfter = true
                // `meet.contacts ±20%` (a spread), but `300 ± 30` (a figure and its tolerance, `observed`).
                case .plusMinus: if case .number? = previous {} else { glueAfter = true }
                case .closeParen: glueBefore = true
                default: break
                }
            case .call(let n, let args, _): piece = n + "(" + args.map(terms).joined(separator: ", ") + ")"
            case .expr(let e, _):
                if case .group = e { piece = expr(e) } else { piece = "(" + expr(e) + ")" }
            }
            if !(s.isEmpty || glue || glueBefore) { s += " " }
            s += piece
            glue = glueAfter
            previous = t
        }
        return s
    }

    static func expr(_ e: Expr) -> String {
        switch e {
        case .number(_, let text, _): return text
        case .reference(let n, _): return n
        case .negate(let x, _): return "-" + expr(x)
        case .group(let x, _): return "(" + expr(x) + ")"
        case .binary(let op, let a, let b, _): return expr(a) + " " + op.rawValue + " " + expr(b)
        }
    }

}

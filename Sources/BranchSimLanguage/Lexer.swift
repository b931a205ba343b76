/// Scale and unit suffixes written right after a number: `5万`, `20k`, `35%`, `1.2x`.
public enum NumberSuffix: String, Sendable, Hashable {
    case thousand = "k", million = "M", wan = "万", yi = "亿", percent = "%", times = "x"

    var scale: Double {
        switch self {
        case .thousand: return 1e3
        case .million: return 1e6
        case .wan: return 1e4
        case .yi: return 1e8
        case .percent: return 0.01
        case .times: return 1
        }
    }
}

public enum TokenKind: Sendable, Hashable {
    /// A name or keyword; may hold dots between parts (`staffing.wealth_manager.fte.p95`).
    case identifier(String)
    /// The value with its scale applied (`5万` is 50000, `35%` is 0.35).
    case number(Double, NumberSuffix?)
    case string(String)
    case lbrace, rbrace, lparen, rparen, comma, arrow, dotdot, slash, plus, minus, star
    /// `±`: a spread around a value (`sensitivity ... over meet.contacts ±20%`).
    case plusMinus
    case equals, greater, greaterEqual, less, lessEqual, equalEqual, notEqual
    /// A statement end: a line break (outside a continuation) or `;`.
    case newline
    case comment(String)
    /// A character the language does not use (already reported).
    case invalid
    case eof
}

public struct Token: Sendable, Hashable {
    public var kind: TokenKind
    public var range: SourceRange
    /// The text as written.
    public var text: String
}

/// Turns source text into tokens. Never fails: problems become diagnostics.
///
/// Line breaks are statement ends except after `,` or `->` and inside `( )`.
final class Lexer {
    let file: SourceFile
    private let scalars: [Unicode.Scalar]
    private let offsets: [Int]
    private var i = 0
    private var parenDepth = 0
    private(set) var tokens: [Token] = []
    private(set) var diagnostics: [(DiagnosticID, String, SourceRange, [DiagnosticNote])] = []

    init(_ file: SourceFile) {
        self.file = file
        var sc: [Unicode.Scalar] = []
        var off: [Int] = []
        var o = 0
        for s in file.text.unicodeScalars {
            sc.append(s)
            off.append(o)
            o += UTF8.width(s)
        }
        off.append(o)
        scalars = sc
        offsets = off
    }

    static func tokenize(_ file: SourceFile) -> (tokens: [Token], problems: [(DiagnosticID, String, SourceRange, [DiagnosticNote])]) {
        let l = Lexer(file)
        l.run()
        return (l.tokens, l.diagnostics)
    }

    private func range(_ a: Int, _ b: Int) -> SourceRange { SourceRange(file: file.path, start: offsets[a], end: offsets[b]) }
    private func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < scalars.count ? scalars[i + k] : nil }

    static func isIdentStart(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 128 { return v == 95 || (v | 0x20) >= 97 && (v | 0x20) <= 122 }
        return s.properties.isAlphabetic
    }

    static func isIdentChar(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 128 { return v == 95 || (v >= 48 && v <= 57) || (v | 0x20) >= 97 && (v | 0x20) <= 122 }
        return s.properties.isAlphabetic
    }

    private static func isDigit(_ s: Unicode.Scalar?) -> Bool {
        guard let v = s?.value else { return false }
        return v >= 48 && v <= 57
    }

    private var lastSignificant: TokenKind? {
        tokens.last { if case .comment = $0.kind { return false } else { return true } }?.kind
    }

    private func text(_ a: Int, _ b: Int) -> String {
        file.bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[offsets[a]..<offsets[b]]), as: UTF8.self) }
    }

    private func emit(_ kind: TokenKind, _ a: Int, _ b: Int, text written: String? = nil) {
        tokens.append(Token(kind: kind, range: range(a, b), text: written ?? text(a, b)))
    }

    private func problem(_ id: DiagnosticID, _ m: String, _ a: Int, _ b: Int, _ notes: [DiagnosticNote] = []) {
        diagnostics.append((id, m, range(a, b), notes))
    }

    func run() {
        while let c = peek() {
            let start = i
            switch c {
            case " ", "\t", "\r", "\u{FEFF}", "\u{3000}":
                i += 1
            case "\n":
                i += 1
                let last = lastSignificant
                if parenDepth > 0 || last == .comma || last == .arrow || last == .newline || last == nil
                    || last == .lbrace {
                    continue
                }
                emit(.newline, start, i)
            case ";":
                i += 1
                emit(.newline, start, i)
            case "#":
                while let d = peek(), d != "\n" { i += 1 }
                var text = String(String.UnicodeScalarView(scalars[(start + 1)..<i]))
                while text.last == "\r" || text.last == " " || text.last == "\t" { text.removeLast() }
                emit(.comment(text), start, i)
            case "\"":
                lexString(start)
            case "{": i += 1; emit(.lbrace, start, i)
            case "}": i += 1; emit(.rbrace, start, i)
            case "(": i += 1; parenDepth += 1; emit(.lparen, start, i)
            case ")": i += 1; parenDepth = max(0, parenDepth - 1); emit(.rparen, start, i)
            case ",", "，": i += 1; emit(.comma, start, i)
            case "/": i += 1; emit(.slash, start, i)
            case "+": i += 1; emit(.plus, start, i)
            case "±": i += 1; emit(.plusMinus, start, i)
            case "*": i += 1; emit(.star, start, i)
            case "-":
                if peek(1) == ">" { i += 2; emit(.arrow, start, i) } else { i += 1; emit(.minus, start, i) }
            case "→": i += 1; emit(.arrow, start, i)
            case ".":
                if peek(1) == "." { i += 2; emit(.dotdot, start, i) } else if Self.isDigit(peek(1)) {
                    lexNumber(start)
                } else {
                    i += 1
                    problem(.unexpectedDot, "unexpected '.'", start, i, [.help("ranges are written 'A..B'")])
                    emit(.invalid, start, i)
                }
            case "=":
                if peek(1) == "=" { i += 2; emit(.equalEqual, start, i) } else { i += 1; emit(.equals, start, i) }
            case ">":
                if peek(1) == "=" { i += 2; emit(.greaterEqual, start, i) } else { i += 1; emit(.greater, start, i) }
            case "<":
                if peek(1) == "=" { i += 2; emit(.lessEqual, start, i) } else { i += 1; emit(.less, start, i) }
            case "!":
                if peek(1) == "=" { i += 2; emit(.notEqual, start, i) } else {
                    i += 1
                    problem(.unexpectedBang, "unexpected '!'", start, i, [.help("write '!=' for 'not equal'")])
                    emit(.invalid, start, i)
                }
            default:
                if Self.isDigit(c) {
                    lexNumber(start)
                } else if Self.isIdentStart(c) {
                    lexIdentifier(start)
                } else {
                    i += 1
                    let shown = c.properties.generalCategory == .control ? "U+\(String(c.value, radix: 16, uppercase: true))" : String(c)
                    problem(.unexpectedCharacter, "unexpected character '\(shown)'", start, i)
                    emit(.invalid, start, i)
                }
            }
        }
        if lastSignificant != .newline, lastSignificant != nil { emit(.newline, i, i) }
        emit(.eof, i, i)
    }

    private func lexString(_ start: Int) {
        i += 1
        var value = ""
        while let c = peek(), c != "\"", c != "\n" {
            if c == "\\", let n = peek(1) {
                switch n {
                case "n": value += "\n"
                case "t": value += "\t"
                case "\"": value += "\""
                case "\\": value += "\\"
                default:
                    problem(.unknownEscape, "unknown escape '\\\(n)' in string", i, i + 2, [.help("use '\\\\', '\\\"', '\\n' or '\\t'")])
                }
                i += 2
                continue
            }
            value.unicodeScalars.append(c)
            i += 1
        }
        if peek() == "\"" {
            i += 1
        } else {
            problem(.unterminatedString, "unterminated string", start, i, [.help("close the string with '\"' on the same line")])
        }
        emit(.string(value), start, i)
    }

    private func lexIdentifier(_ start: Int) {
        while let c = peek() {
            if Self.isIdentChar(c) { i += 1; continue }
            if c == ".", let n = peek(1), Self.isIdentChar(n) { i += 2; continue }
            break
        }
        let word = text(start, i)
        emit(.identifier(word), start, i, text: word)
    }

    private func lexNumber(_ start: Int) {
        var digits = ""
        var sawDot = false
        while let c = peek() {
            if Self.isDigit(c) { digits.unicodeScalars.append(c); i += 1; continue }
            if c == "_", Self.isDigit(peek(1)), !digits.isEmpty { i += 1; continue }
            if c == ".", !sawDot, Self.isDigit(peek(1)) {
                sawDot = true
                digits += "."
                i += 1
                continue
            }
            break
        }
        if digits.hasPrefix(".") { digits = "0" + digits }
        var suffix: NumberSuffix?
        if let c = peek() {
            let next = peek(1)
            let standalone = next.map { !Self.isIdentChar($0) } ?? true
            switch c {
            case "%", "％": suffix = .percent; i += 1
            case "万" where standalone: suffix = .wan; i += 1
            case "亿" where standalone: suffix = .yi; i += 1
            case "k" where standalone: suffix = .thousand; i += 1
            case "M" where standalone: suffix = .million; i += 1
            case "x" where standalone: suffix = .times; i += 1
            default: break
            }
            if let c2 = peek(), Self.isIdentChar(c2) {
                let wordStart = i
                while let d = peek(), Self.isIdentChar(d) { i += 1 }
                let word = String(String.UnicodeScalarView(scalars[wordStart..<i]))
                problem(.unknownNumberSuffix, "unknown number suffix '\(word)'", wordStart, i,
                        [.help("a number may end in 'k', 'M', '万', '亿', '%' or 'x'; put a space before a unit such as 'min'")])
                emit(.invalid, start, i)
                return
            }
        }
        guard let v = Double(digits), v.isFinite else {
            problem(.numberLiteralTooLarge, "number '\(digits)' is too large", start, i)
            emit(.invalid, start, i)
            return
        }
        let value = suffix == .percent ? v / 100 : v * (suffix?.scale ?? 1)
        emit(.number(value, suffix), start, i)
    }
}

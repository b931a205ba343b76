/// Builds the AST from tokens. Never fails: problems become diagnostics, and the parser
/// skips to the next statement to find more.
final class Parser {
    let file: SourceFile
    private var tokens: [Token]
    private var pos = 0
    private(set) var problems: [(DiagnosticID, String, SourceRange, [DiagnosticNote])] = []
    private var pendingComments: [String] = []
    private var pendingCommentStart: Int?
    private var lastEnd: Int?
    private var lastCommentStart: Int?
    /// Rejected tokens skipped inside values so far.
    private var invalidCount = 0

    init(_ file: SourceFile) {
        self.file = file
        let (toks, lexProblems) = Lexer.tokenize(file)
        tokens = toks
        problems = lexProblems
    }

    static func parse(_ file: SourceFile) -> (SourceUnit, [(DiagnosticID, String, SourceRange, [DiagnosticNote])]) {
        let p = Parser(file)
        let unit = p.parseUnit()
        return (unit, p.problems)
    }

    // MARK: tokens

    private var current: Token { tokens[min(pos, tokens.count - 1)] }
    private var kind: TokenKind { current.kind }
    private func advance() { if pos < tokens.count - 1 { pos += 1 } }
    private var atEOF: Bool { kind == .eof }

    private func problem(_ id: DiagnosticID, _ m: String, _ r: SourceRange, _ notes: [DiagnosticNote] = []) {
        problems.append((id, m, r, notes))
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .newline: return t.text == ";" ? "';'" : "end of line"
        case .eof: return "end of file"
        default: return "'\(t.text)'"
        }
    }

    /// Skips line ends and comments, keeping comments for the next item.
    private func skipTrivia() {
        while true {
            switch kind {
            case .newline: advance()
            case .comment(let c):
                if pendingComments.isEmpty { pendingCommentStart = current.range.start } else if let prev = lastCommentStart,
                    file.lineIndex(of: current.range.start) - file.lineIndex(of: prev) > 1 {
                    pendingComments.append(Formatter.blankLine)
                }
                lastCommentStart = current.range.start
                pendingComments.append(c)
                advance()
            case .invalid: advance()
            default: return
            }
        }
    }

    /// A comment right after an item on its line.
    private func trailingComment() -> String? {
        if case .comment(let c) = kind, let end = lastEnd, file.lineIndex(of: current.range.start) == file.lineIndex(of: end) {
            advance()
            return c
        }
        return nil
    }

    private func takeComments() -> [String] {
        defer { pendingComments = []; pendingCommentStart = nil }
        return pendingComments
    }

    /// Skips to the end of the statement (balancing braces).
    private func recover() {
        var depth = 0
        while !atEOF {
            switch kind {
            case .lbrace: depth += 1
            case .rbrace:
                if depth == 0 { return }
                depth -= 1
                if depth == 0 { advance(); return }
            case .newline where depth == 0: return
            default: break
            }
            advance()
        }
    }

    // MARK: statements

    func parseUnit() -> SourceUnit {
        var statements: [Statement] = []
        while true {
            skipTrivia()
            if atEOF { break }
            if kind == .rbrace {
                problem(.unexpectedCloseBrace, "unexpected '}'", current.range, [.help("remove it, or open a block with '{' after a statement")])
                advance()
                continue
            }
            if let s = parseStatement(inVariant: false) { statements.append(s) }
        }
        return SourceUnit(file: file, statements: statements, trailingComments: takeComments())
    }

    private func blankLineBefore(_ start: Int) -> Bool {
        guard let end = lastEnd else { return false }
        let first = pendingCommentStart ?? start
        return file.lineIndex(of: first) - file.lineIndex(of: end) > 1
    }

    private func parseStatement(inVariant: Bool) -> Statement? {
        let t = current
        guard case .identifier(let word) = t.kind, let stmtKind = StatementKind(rawValue: word) else {
            let shown = describe(t)
            var notes: [DiagnosticNote] = []
            if case .identifier(let w) = t.kind {
                notes = Suggest.notes(for: w, in: LanguageVocabulary.keywords + (inVariant ? ["drop"] : []))
                if notes.isEmpty { notes = [.help("a statement starts with a keyword such as 'tier', 'campaign' or 'run'")] }
            }
            problem(.statementExpected, "expected a statement, found \(shown)", t.range, notes)
            _ = takeComments()
            advance()
            recover()
            return nil
        }
        if inVariant && (stmtKind == .variant || stmtKind == .include || stmtKind == .branches || stmtKind == .customers) {
            problem(.notAllowedInVariant, "'\(stmtKind.rawValue)' is not allowed inside a variant", t.range,
                    [.help(stmtKind == .variant ? "declare variants at the top level"
                           : stmtKind == .include ? "include the file at the top level" : "read the data at the top level")])
            _ = takeComments()
            advance()
            recover()
            return nil
        }
        let blank = blankLineBefore(t.range.start)
        if !pendingComments.isEmpty, let prev = lastCommentStart, file.lineIndex(of: t.range.start) - file.lineIndex(of: prev) > 1 {
            pendingComments.append(Formatter.blankLine)
        }
        let leading = takeComments()
        advance()
        var s = Statement(kind: stmtKind, keywordRange: t.range, range: t.range)
        s.leadingComments = leading
        s.blankLineBefore = blank
        switch stmtKind {
        case .scenario, .tier, .segment, .product, .role, .branch, .network, .campaign:
            parseName(&s, optional: stmtKind == .scenario, allowString: stmtKind == .scenario)
            s.inline = parseProperties(kind: stmtKind, firstStartsLine: false)
            if kind == .lbrace { parseBlock(&s) }
        case .variant:
            parseName(&s, optional: false, allowString: false)
            if kind == .lbrace {
                let open = current.range
                advance()
                var body: [Statement] = []
                while true {
                    skipTrivia()
                    if kind == .rbrace { s.closingComments = takeComments(); s.range = s.range.union(current.range); lastEnd = current.range.end; advance(); break }
                    if atEOF {
                        problem(.variantUnclosed, "missing '}' to close variant '\(s.name ?? "")'", open, [.help("add '}' after the variant's last statement")])
                        break
                    }
                    if let inner = parseStatement(inVariant: true) { body.append(inner) }
                }
                s.body = body
            } else {
                problem(.variantBraceExpected, "expected '{' after the variant name", current.range, [.help("write 'variant NAME { statements }'")])
                s.body = []
                recover()
            }
        case .let, .metric:
            parseName(&s, optional: false, allowString: false)
            var failed = false
            if kind == .equals {
                advance()
                if let e = parseExpr() { s.expr = e; s.range = s.range.union(e.range); lastEnd = e.range.end } else { failed = true }
                // `metric NAME = EXPR as UNIT`: the unit words are kept as the statement's
                // arguments (checked in NamedMetrics).
                if !failed, stmtKind == .metric, case .identifier("as") = kind {
                    s.args = parseTerms(kind: nil, key: nil)
                    if let last = s.args.last { s.range = s.range.union(last.range); lastEnd = last.range.end }
                }
            } else {
                if stmtKind == .metric {
                    problem(.metricEqualsExpected, "expected '=' after 'metric \(s.name ?? "")'", current.range,
                            [.help("write 'metric NAME = 40% * uplift + 60% * new_customers'")])
                } else {
                    problem(.letEqualsExpected, "expected '=' after 'let \(s.name ?? "")'", current.range, [.help("write 'let NAME = VALUE'")])
                }
                failed = true
            }
            // A comment may follow the value, as after any statement (kept below as its
            // trailing comment).
            var isComment = false
            if case .comment = kind { isComment = true }
            if failed {
                recover()
            } else if kind != .newline && kind != .eof && kind != .rbrace && !isComment {
                problem(stmtKind == .metric ? .metricTrailing : .letTrailing,
                        "unexpected \(describe(current)) after the value of '\(stmtKind.rawValue) \(s.name ?? "")'", current.range)
                recover()
            }
        case .observed:
            // `observed NAME { METRIC VALUE ± TOL ... }`: one figure a line (or comma-separated),
            // kept as property lines whose key is the metric (checked in CalibrationChecker).
            parseName(&s, optional: false, allowString: false)
            if kind == .lbrace {
                parseBlock(&s)
            } else if s.name != nil {
                problem(.observedBraceExpected, "expected '{' after 'observed \(s.name ?? "")'", current.range,
                        [.help("write 'observed \(s.name ?? "") { funnel.meet.attend 300 ± 30 }'")])
                recover()
                return nil
            }
        case .policy, .enforce, .run, .report, .compare, .sweep, .expect, .export, .include, .drop, .branches, .customers, .rank,
             .sensitivity, .optimize, .calibrate:
            s.args = parseTerms(kind: nil, key: nil)
            if let last = s.args.last { s.range = s.range.union(last.range) }
            lastEnd = s.range.end
        }
        if !(stmtKind == .variant) { lastEnd = max(lastEnd ?? 0, s.range.end) }
        // A declaration without its name cannot be checked further (its problem is reported).
        if s.name == nil && (stmtKind.isNamedDeclaration || stmtKind.hasProperties) && stmtKind != .scenario {
            if kind != .newline && kind != .eof && kind != .rbrace { recover() }
            return nil
        }
        s.trailingComment = trailingComment()
        let atLineStart = pos > 0 && tokens[pos - 1].kind == .newline
        switch kind {
        case .newline, .eof: break
        case .rbrace where inVariant: break
        case _ where atLineStart: break
        default:
            problem(.statementTrailing, "unexpected \(describe(current)) after the \(stmtKind.rawValue) statement", current.range,
                    [.help("end the statement with a line break or ';'")])
            recover()
        }
        return s
    }

    private func parseName(_ s: inout Statement, optional: Bool, allowString: Bool) {
        switch kind {
        case .identifier(let n) where !LanguageVocabulary.keys(for: s.kind).contains(n):
            if n.contains(".") {
                problem(.nameContainsDot, "a name cannot contain '.'", current.range, [.help("use '_' instead: '\(String(n.map { $0 == "." ? "_" : $0 }))'")])
            }
            s.name = n
            s.nameRange = current.range
            s.range = s.range.union(current.range)
            advance()
        case .string(let n) where allowString:
            s.name = n
            s.nameRange = current.range
            s.nameIsString = true
            s.range = s.range.union(current.range)
            advance()
        default:
            if !optional {
                problem(.nameExpected, "expected a name after '\(s.kind.rawValue)', found \(describe(current))", current.range,
                        [.help("write '\(s.kind.rawValue) NAME ...'; names are letters, digits and '_'")])
            }
        }
        lastEnd = s.range.end
    }

    private func parseBlock(_ s: inout Statement) {
        let open = current.range
        advance()
        var props: [Property] = []
        while true {
            skipTrivia()
            if kind == .rbrace {
                s.closingComments = takeComments()
                s.blockOnOneLine = file.lineIndex(of: open.start) == file.lineIndex(of: current.range.start)
                s.range = s.range.union(current.range)
                lastEnd = current.range.end
                advance()
                break
            }
            if atEOF {
                problem(.blockUnclosed, "missing '}' to close the block of \(s.kind.rawValue) '\(s.name ?? "")'", open,
                        [.help("add '}' after the last property line")])
                break
            }
            // A statement keyword where a property line should be: the block was not closed.
            if case .identifier(let w) = kind, let k = StatementKind(rawValue: w), k != .drop,
               !LanguageVocabulary.keys(for: s.kind).contains(w) {
                problem(.blockUnclosed, "missing '}' to close the block of \(s.kind.rawValue) '\(s.name ?? "")'", open,
                        [.help("add '}' before '\(w)' on line \(file.lineIndex(of: current.range.start) + 1)")])
                break
            }
            if kind == .lbrace {
                problem(.blockNested, "unexpected '{' inside the block of \(s.kind.rawValue) '\(s.name ?? "")'", current.range)
                advance()
                recover()
                continue
            }
            let leading = takeComments()
            var line = parseProperties(kind: s.kind, firstStartsLine: true)
            if line.isEmpty {
                problem(.propertyNameExpected, "expected a property name, found \(describe(current))", current.range,
                        [.help("a block line is 'key value...'; properties of \(s.kind.rawValue): " +
                               (LanguageVocabulary.properties[s.kind.rawValue] ?? []).joined(separator: ", "))])
                advance()
                recover()
                continue
            }
            line[0].leadingComments = leading
            line[line.count - 1].trailingComment = trailingComment()
            props += line
            if kind != .newline && kind != .rbrace && !atEOF {
                problem(.blockTrailing, "unexpected \(describe(current)) in the block of \(s.kind.rawValue) '\(s.name ?? "")'", current.range)
                recover()
            }
        }
        s.block = props
    }

    /// `key value... key value...` up to a line end, `{` or `}`.
    private func parseProperties(kind stmt: StatementKind, firstStartsLine: Bool) -> [Property] {
        var props: [Property] = []
        while true {
            guard case .identifier(let key) = kind else { break }
            let keyRange = current.range
            advance()
            lastEnd = keyRange.end
            var p = Property(key: key, keyRange: keyRange, values: [])
            p.startsLine = props.isEmpty && firstStartsLine
            let invalidBefore = invalidCount
            if stmt == .branch && BranchKey(rawValue: key) == .tier {
                p.values = parseTerms(kind: nil, key: nil)
            } else {
                p.values = parseTerms(kind: stmt, key: key)
            }
            p.malformed = invalidCount > invalidBefore
            if !pendingComments.isEmpty { p.leadingComments = takeComments() }
            props.append(p)
        }
        if props.isEmpty == false || kind == .lbrace || kind == .newline || kind == .rbrace || atEOF { return props }
        // A value where a property name should be.
        problem(.propertyNameExpected, "expected a property name, found \(describe(current))", current.range,
                [.help("properties of \(stmt.rawValue): " + (LanguageVocabulary.properties[stmt.rawValue] ?? []).joined(separator: ", "))])
        while kind != .newline && kind != .lbrace && kind != .rbrace && !atEOF { advance() }
        return props
    }

    /// Value terms up to a line end, `{`, `}` or (with `kind`) the next property name.
    private func parseTerms(kind stmt: StatementKind?, key: String?) -> [Term] {
        var terms: [Term] = []
        let keys = stmt.map { LanguageVocabulary.keys(for: $0) } ?? []
        let connectors = key.flatMap { LanguageVocabulary.connectors[$0] } ?? []
        // In a campaign's `target ... where`, parentheses group conditions: they are kept as
        // symbols (`where (payroll or holds fund) and not passed meet.convert`).
        let groupsConditions = stmt == .campaign && key == CampaignKey.target.rawValue
        var inWhere = false
        while true {
            let t = current
            switch t.kind {
            case .newline, .eof, .lbrace, .rbrace:
                return terms
            case .comment(let c):
                let next = tokens[min(pos + 1, tokens.count - 1)].kind
                if next == .newline || next == .eof || next == .rbrace { return terms }
                pendingComments.append(c)
                advance()
            case .invalid:
                invalidCount += 1
                advance()
            case .identifier(let w):
                let afterJoin = terms.last.map { $0.isSymbol(.comma) || $0.isSymbol(.arrow) } ?? false
                if keys.contains(w) && !afterJoin && !connectors.contains(w) { return terms }
                advance()
                if groupsConditions && w == "where" { inWhere = true }
                if kind == .lparen && !inWhere {
                    terms.append(parseCall(w, t.range))
                } else {
                    terms.append(.word(w, t.range))
                }
            case .number(let v, let s):
                advance()
                terms.append(.number(v, s, text: t.text, t.range))
            case .string(let s):
                advance()
                terms.append(.string(s, t.range))
            case .lparen where inWhere:
                advance()
                terms.append(.symbol(.openParen, t.range))
            case .rparen where inWhere:
                advance()
                terms.append(.symbol(.closeParen, t.range))
            case .lparen:
                advance()
                let e = parseExpr()
                var r = t.range
                if kind == .rparen { r = r.union(current.range); advance() } else {
                    problem(.parenUnclosed, "expected ')' to close '('", current.range, [.help("'(' opened here: match it with ')'")])
                }
                if let e { terms.append(.expr(e, r.union(e.range))) }
            case .rparen:
                problem(.parenUnexpected, "unexpected ')'", t.range)
                advance()
            default:
                if let sym = Self.symbol(t.kind) { terms.append(.symbol(sym, t.range)) }
                advance()
            }
            lastEnd = terms.last?.range.end ?? lastEnd
        }
    }

    private static func symbol(_ k: TokenKind) -> Symbol? {
        switch k {
        case .comma: return .comma
        case .arrow: return .arrow
        case .dotdot: return .range
        case .slash: return .slash
        case .equals: return .equals
        case .plus: return .plus
        case .plusMinus: return .plusMinus
        case .minus: return .minus
        case .star: return .star
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .equalEqual: return .equalEqual
        case .notEqual: return .notEqual
        default: return nil
        }
    }

    /// The calls that may stand inside another call's arguments (docs/language.md, "Uncertain inputs").
    static let nestedCalls: Set<String> = ["uncertain", "triangular", "beta"]

    private func parseCall(_ name: String, _ nameRange: SourceRange) -> Term {
        advance()  // (
        var args: [[Term]] = []
        var arg: [Term] = []
        var range = nameRange
        loop: while true {
            let t = current
            switch t.kind {
            case .rparen:
                range = range.union(t.range)
                advance()
                break loop
            case .comma:
                args.append(arg)
                arg = []
                advance()
            case .newline, .eof, .lbrace, .rbrace:
                problem(.callUnclosed, "expected ')' to close '\(name)('", t.range, [.help("write '\(name)(A, B)'")])
                break loop
            case .identifier(let w):
                advance()
                // An uncertain input inside an amount: `lognormal(median uncertain(3万..5万), p90 20万)`.
                if kind == .lparen && Self.nestedCalls.contains(w) {
                    arg.append(parseCall(w, t.range))
                } else {
                    arg.append(.word(w, t.range))
                }
            case .number(let v, let s):
                advance()
                arg.append(.number(v, s, text: t.text, t.range))
            case .lparen:
                advance()
                if let e = parseExpr() { arg.append(.expr(e, t.range.union(e.range))) }
                if kind == .rparen { advance() } else { problem(.callArgumentUnclosed, "expected ')'", current.range) }
            case .string(let s):
                advance()
                arg.append(.string(s, t.range))
            default:
                if let sym = Self.symbol(t.kind) { arg.append(.symbol(sym, t.range)) }
                advance()
            }
        }
        if !arg.isEmpty || !args.isEmpty { args.append(arg) }
        return .call(name, args: args, range)
    }

    // MARK: expressions

    private func parseExpr() -> Expr? {
        if depth == 0 { operators = 0 }
        guard var lhs = parseTermExpr() else { return nil }
        while kind == .plus || kind == .minus {
            let op: BinaryOperator = kind == .plus ? .add : .subtract
            guard countOperator() else { return nil }
            advance()
            guard let rhs = parseTermExpr() else { return lhs }
            lhs = .binary(op, lhs, rhs, range: lhs.range.union(rhs.range))
        }
        return lhs
    }

    private func parseTermExpr() -> Expr? {
        guard var lhs = parseUnary() else { return nil }
        while kind == .star || kind == .slash {
            let op: BinaryOperator = kind == .star ? .multiply : .divide
            guard countOperator() else { return nil }
            advance()
            guard let rhs = parseUnary() else { return lhs }
            lhs = .binary(op, lhs, rhs, range: lhs.range.union(rhs.range))
        }
        return lhs
    }

    private var depth = 0
    static let maxDepth = 100
    /// Operators in the expression being parsed. A chain such as `1 - 1 - 1 ...` is a tree as
    /// deep as it is long, and checking, evaluating and freeing it recurse that deep: 60,000
    /// of them overflowed the stack.
    private var operators = 0
    static let maxOperators = 1000

    /// Counts the operator at the current token; past `maxOperators`, reports it and skips the line.
    private func countOperator() -> Bool {
        operators += 1
        guard operators > Self.maxOperators else { return true }
        if operators == Self.maxOperators + 1 {
            problem(.expressionTooLong, "expression too long (more than \(Self.maxOperators) operators)", current.range,
                    [.help("split it into several 'let' values")])
        }
        while !atEOF && kind != .newline { advance() }
        return false
    }

    private func parseUnary() -> Expr? {
        let t = current
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth {
            problem(.expressionTooDeep, "expression nested too deeply (more than \(Self.maxDepth) levels)", t.range, [.help("simplify it with 'let' values")])
            while !atEOF && kind != .newline { advance() }
            return nil
        }
        switch t.kind {
        case .minus:
            advance()
            guard let e = parseUnary() else { return nil }
            return .negate(e, range: t.range.union(e.range))
        case .number(let v, _):
            advance()
            return .number(v, text: t.text, range: t.range)
        case .identifier(let w):
            advance()
            return .reference(w, range: t.range)
        case .invalid:
            // Already reported by the lexer.
            advance()
            return nil
        case .lparen:
            advance()
            guard let e = parseExpr() else { return nil }
            var r = t.range.union(e.range)
            if kind == .rparen { r = r.union(current.range); advance() } else {
                problem(.parenUnclosed, "expected ')' to close '('", current.range)
            }
            return .group(e, range: r)
        default:
            problem(.operandExpected, "expected a number or a name, found \(describe(t))", t.range,
                    [.help("a value is a number ('5万', '40%'), a 'let' name, or '(' expression ')'")])
            return nil
        }
    }
}

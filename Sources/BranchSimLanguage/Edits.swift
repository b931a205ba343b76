import BranchSimModel

/// Changes to declarations by path: variants, sweeps and the shell's `:set`.
///
/// Paths: `CAMPAIGN.PROPERTY`, `CAMPAIGN.funnel.STAGE`, `BRANCH.customers`, `TIER.reachable`,
/// any `NAME.PROPERTY` of a declaration, `scenario.PROPERTY`, and `let NAME`.
enum Edits {
    static let kindsByPriority: [StatementKind] = [.campaign, .branch, .tier, .role, .product, .segment, .network]

    struct Failure: Error {
        var id: DiagnosticID
        var message: String
        var notes: [DiagnosticNote]

        init(_ id: DiagnosticID, message: String, notes: [DiagnosticNote]) {
            self.id = id
            self.message = message
            self.notes = notes
        }
    }

    /// Merges a variant's statements into the base declarations.
    static func merge(base: [Statement], variant: Statement, sink: inout DiagnosticSink) -> [Statement] {
        var out = base
        let vname = variant.name ?? ""
        for s in variant.body ?? [] {
            switch s.kind {
            case .drop:
                var v = Values(s.args, what: "'drop'", anchor: s.keywordRange)
                guard let kt = v.next(), let kw = kt.word, let kind = StatementKind(rawValue: kw),
                      LanguageVocabulary.droppableKinds.contains(kw) || kw == "enforce" else {
                    sink.error(.dropKindExpected, "expected what to drop after 'drop', found \(describe(s.args.first))", s.args.first?.range ?? s.keywordRange,
                               [.help("write 'drop KIND NAME', KIND one of " + LanguageVocabulary.droppableKinds.joined(separator: ", "))])
                    continue
                }
                if kind == .policy || kind == .enforce {
                    out.removeAll { $0.kind == kind }
                    continue
                }
                guard let nt = v.next(), let name = nt.word else {
                    sink.error(.dropNameExpected, "expected a \(kw) name after 'drop \(kw)'", v.here)
                    continue
                }
                if let i = out.firstIndex(where: { $0.kind == kind && $0.name == name }) {
                    out.remove(at: i)
                } else {
                    let names = out.filter { $0.kind == kind }.compactMap(\.name)
                    sink.error(.dropUnknownDeclaration, "variant '\(vname)' drops \(kw) '\(name)', which does not exist", nt.range, Suggest.notes(for: name, in: names))
                }
                if !v.atEnd { sink.error(.dropUnexpected, "unexpected \(describe(v.peek)) in 'drop'", v.here) }
            case .variant, .include, .run, .report, .compare, .sweep, .expect, .export, .branches, .customers, .rank,
                 .sensitivity, .optimize, .observed, .calibrate:
                sink.error(.notAllowedInVariant, "'\(s.kind.rawValue)' is not allowed inside a variant", s.keywordRange,
                           [.help("write it after the variant, at the top level")])
            case .scenario:
                if let i = out.firstIndex(where: { $0.kind == .scenario }) { out[i] = overlay(out[i], s) } else { out.append(s) }
            case .policy, .enforce:
                out.removeAll { $0.kind == s.kind }
                out.append(s)
            case .let, .metric:
                if let i = out.firstIndex(where: { $0.kind == s.kind && $0.name == s.name }) { out[i] = s } else { out.append(s) }
            case .tier, .segment, .product, .role, .branch, .network, .campaign:
                if let i = out.firstIndex(where: { $0.kind == s.kind && $0.name == s.name }) { out[i] = overlay(out[i], s) } else { out.append(s) }
            }
        }
        return out
    }

    /// The base statement with the override's properties replacing those of the same key.
    static func overlay(_ base: Statement, _ over: Statement) -> Statement {
        let keys = Set(over.properties.map(\.key))
        var s = base
        s.inline = base.inline.filter { !keys.contains($0.key) }
        s.block = (base.block ?? []).filter { !keys.contains($0.key) } + over.properties
        if over.nameIsString { s.name = over.name; s.nameRange = over.nameRange }
        return s
    }

    /// Applies `value` at `path`. A single number replaces only the number in the current value
    /// (so `frequency 2 per week` swept over 1, 2, 3 keeps 'per week').
    static func set(path: String, value: [Term], in decls: inout [Statement]) throws(Failure) {
        if path.hasPrefix("let ") {
            let name = String(path.dropFirst(4)).trimmingCharacters(in: " ")
            guard let i = decls.firstIndex(where: { $0.kind == .let && $0.name == name }) else {
                throw Failure(.editLetUnknown, message: "unknown 'let' name '\(name)'",
                              notes: Suggest.notes(for: name, in: decls.filter { $0.kind == .let }.compactMap(\.name)))
            }
            guard value.count == 1 else { throw Failure(.editLetSingleValue, message: "a 'let' takes a single value", notes: []) }
            switch value[0] {
            case .number(let v, _, let text, let r): decls[i].expr = .number(v, text: text, range: r)
            case .expr(let e, _): decls[i].expr = e
            case .word(let w, let r): decls[i].expr = .reference(w, range: r)
            default: throw Failure(.editLetNumberExpected, message: "a 'let' takes a number, found \(describe(value[0]))", notes: [])
            }
            return
        }
        var parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts.contains("") else {
            throw Failure(.editNotAPath, message: "'\(path)' is not a path", notes: [.help("write NAME.PROPERTY, CAMPAIGN.funnel.STAGE, scenario.PROPERTY or 'let NAME'")])
        }
        let index: Int
        if parts[0] == "scenario" {
            if let i = decls.firstIndex(where: { $0.kind == .scenario }) { index = i } else {
                let r = value.first?.range ?? SourceRange(file: "<edit>", start: 0, end: 0)
                decls.insert(Statement(kind: .scenario, keywordRange: r, block: [], range: r), at: 0)
                index = 0
            }
        } else {
            let found = find(parts[0], in: decls)
            guard let i = found else {
                let names = decls.filter { $0.kind.isNamedDeclaration && $0.kind != .let && $0.kind != .variant }.compactMap(\.name)
                throw Failure(.editPathNameUnknown, message: "unknown name '\(parts[0])' in path '\(path)'",
                              notes: Suggest.notes(for: parts[0], in: names + ["scenario"]))
            }
            index = i
        }
        let kind = decls[index].kind
        let keys = LanguageVocabulary.properties[kind.rawValue] ?? []
        // `CAMPAIGN.STAGE` is short for `CAMPAIGN.funnel.STAGE` (as uncertain inputs are named).
        if parts.count == 2, kind == .campaign, !keys.contains(parts[1]),
           decls[index].property(CampaignKey.funnel)?.values.contains(where: { $0.word == parts[1] }) == true {
            parts = [parts[0], CampaignKey.funnel.rawValue, parts[1]]
        }
        let key = parts[1]
        guard keys.contains(key) else {
            throw Failure(.editPropertyUnknown, message: "\(kind.rawValue) has no property '\(key)'",
                          notes: Suggest.notes(for: key, in: keys) + [.note("properties of \(kind.rawValue): " + keys.joined(separator: ", "))])
        }
        var s = decls[index]
        if parts.count == 3 && CampaignKey(rawValue: key) == .funnel {
            let stage = parts[2]
            guard let newNumber = value.first, value.count == 1, newNumber.isRate else {
                throw Failure(.editStageSingleValue, message: "a funnel stage takes a single percentage", notes: [.help("for example '45%'")])
            }
            var done = false
            edit(&s) { p in
                guard CampaignKey(rawValue: p.key) == .funnel, !done else { return }
                for j in p.values.indices where p.values[j].word == stage && j + 1 < p.values.count {
                    // The stage's probability: a number, a 'let' name or an expression.
                    switch p.values[j + 1] {
                    case .number, .word, .expr, .call: p.values[j + 1] = newNumber; done = true; return
                    default: continue
                    }
                }
            }
            guard done else {
                let stages = s.property(CampaignKey.funnel)?.values.compactMap(\.word) ?? []
                throw Failure(.editStageUnknown, message: "\(kind.rawValue) '\(s.name ?? "")' has no funnel stage '\(stage)'", notes: Suggest.notes(for: stage, in: stages))
            }
            decls[index] = s
            return
        }
        guard parts.count == 2 else {
            throw Failure(.editNotAPath, message: "'\(path)' is not a path", notes: [.help("write NAME.PROPERTY or CAMPAIGN.funnel.STAGE")])
        }
        var done = false
        edit(&s) { p in
            guard p.key == key else { return }
            if done { p.key = "\u{0}"; return }
            done = true
            if value.count == 1, case .number = value[0], let j = p.values.firstIndex(where: { if case .number = $0 { return true } else { return false } }) {
                p.values[j] = value[0]
            } else {
                p.values = value
            }
        }
        s.inline.removeAll { $0.key == "\u{0}" }
        s.block?.removeAll { $0.key == "\u{0}" }
        if !done {
            let r = value.first?.range ?? s.keywordRange
            let p = Property(key: key, keyRange: r, values: value)
            if s.block != nil { s.block!.append(p) } else { s.inline.append(p) }
        }
        decls[index] = s
    }

    /// The number `path` is set to now (`meet.contacts` -> `40`, `meet.convert` -> `40%`), or
    /// nil when it is not set to one number (a `let` name, an expression, a distribution).
    static func currentNumber(path: String, in decls: [Statement]) -> Term? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let i = find(parts[0], in: decls) else { return nil }
        let s = decls[i]
        var stage: String?
        if parts.count == 3, parts[1] == CampaignKey.funnel.rawValue { stage = parts[2] }
        if parts.count == 2, s.kind == .campaign, !(LanguageVocabulary.properties["campaign"] ?? []).contains(parts[1]) { stage = parts[1] }
        if let stage {
            guard let p = s.property(CampaignKey.funnel), let j = p.values.firstIndex(where: { $0.word == stage }),
                  j + 1 < p.values.count, case .number = p.values[j + 1] else { return nil }
            return p.values[j + 1]
        }
        guard parts.count == 2, let p = s.properties.first(where: { $0.key == parts[1] }) else { return nil }
        return p.values.first { if case .number = $0 { return true } else { return false } }
    }

    /// Removes a property (back to its default).
    static func unset(path: String, in decls: inout [Statement]) throws(Failure) {
        let parts = path.split(separator: ".").map(String.init)
        if parts.count == 3, parts[1] == "funnel" {
            throw Failure(.editStageUnset, message: "a funnel stage cannot be unset: every stage needs a rate",
                          notes: [.help("set it to the value you want, e.g. ':set \(path) 40%'")])
        }
        guard parts.count == 2 else { throw Failure(.editNotAPath, message: "'\(path)' is not a path", notes: [.help("write NAME.PROPERTY")]) }
        let idx = parts[0] == "scenario" ? decls.firstIndex { $0.kind == .scenario }
            : find(parts[0], in: decls)
        guard let i = idx else { throw Failure(.editPathNameUnknown, message: "unknown name '\(parts[0])' in path '\(path)'", notes: []) }
        let before = decls[i].properties.count
        decls[i].inline.removeAll { $0.key == parts[1] }
        decls[i].block?.removeAll { $0.key == parts[1] }
        if decls[i].properties.count == before {
            throw Failure(.editPropertyNotSet, message: "\(decls[i].kind.rawValue) '\(decls[i].name ?? "")' does not set '\(parts[1])'", notes: [])
        }
    }

    static func find(_ name: String, in decls: [Statement]) -> Int? {
        for k in kindsByPriority {
            if let i = decls.firstIndex(where: { $0.kind == k && $0.name == name }) { return i }
        }
        return nil
    }

    private static func edit(_ s: inout Statement, _ f: (inout Property) -> Void) {
        for j in s.inline.indices { f(&s.inline[j]) }
        if s.block != nil { for j in s.block!.indices { f(&s.block![j]) } }
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}


extension Term {
    /// A funnel rate: a number, or an uncertain one (`uncertain(35%..45%)`).
    var isRate: Bool {
        switch self {
        case .number: return true
        case .call(let name, _, _): return ScenarioChecker.inputDistributions.contains(name)
        default: return false
        }
    }
}

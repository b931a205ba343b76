import BranchSimModel

/// A hand-off in a campaign's `where` (`passed C.S`, `converted C`, `contacted C`): checked
/// once every campaign is built, since the source may be declared after the campaign.
struct HandoffReference {
    /// The campaign whose `where` names the source.
    var owner: String
    var campaign: String
    var stage: String?
    var range: SourceRange
    /// Not under an odd number of `not`s: a hand-off proper (a cycle of these is an error).
    var positive: Bool
}

/// The words that start a condition in `where` (besides segment names).
enum ConditionWords {
    static let starts = ["balance", "maturing", "holds", "products", "passed", "converted", "contacted", "new", "upgraded", "downgraded", "not"]
    static let rankings = ["gap", "balance", "last_contact"]
    /// Atoms a `where` may hold: the engine evaluates them with a 64-deep bit stack.
    static let maximumAtoms = 60
}

extension ScenarioChecker {
    /// The terms after `where`: one segment, balance band or maturity gives the plain
    /// `filter` (the engine's fast paths); anything else gives a `condition`.
    ///
    /// Grammar: `or` of `and`s of `[not] atom | ( condition )`; `and` binds tighter than `or`.
    func whereClause(_ fv: inout Values, _ sc: Scenario, owner: String) -> (TargetFilter?, Condition?) {
        if fv.atEnd {
            // As before conditions: 'where' with nothing after it asks for a segment.
            _ = reference(&fv, kind: "segment", in: names("segment", sc.segments.map(\.name)))
            return (nil, nil)
        }
        var atoms = 0
        let c = orCondition(&fv, sc, owner: owner, positive: true, atoms: &atoms)
        if !fv.atEnd {
            if fv.peek?.isSymbol(.closeParen) == true {
                error(.filterParenUnexpected, "unexpected ')' in \(fv.what)", fv.peek!.range, [.help("remove it, or open a group with '(' before it")])
            } else {
                unexpectedRest(fv)
            }
            fv.i = fv.terms.count
        }
        guard let c else { return (nil, nil) }
        switch c {
        case .segment(let s): return (.segment(s), nil)
        case .balance(let a, let b): return (.balance(low: a, high: b), nil)
        case .maturing(let p, let d): return (.maturing(p, within: d), nil)
        case .holds, .products, .event, .and, .or, .not: return (nil, c)
        }
    }

    /// `level` 0: an `or` of `and`s; 1: an `and` of unary conditions.
    private func orCondition(_ v: inout Values, _ sc: Scenario, owner: String, positive: Bool, atoms: inout Int, level: Int = 0) -> Condition? {
        func part(_ v: inout Values, _ atoms: inout Int) -> Condition? {
            level == 0 ? orCondition(&v, sc, owner: owner, positive: positive, atoms: &atoms, level: 1)
                : unary(&v, sc, owner: owner, positive: positive, atoms: &atoms)
        }
        guard let first = part(&v, &atoms) else { v.i = v.terms.count; return nil }
        var items = [first]
        while v.take(level == 0 ? "or" : "and") {
            guard let next = part(&v, &atoms) else { v.i = v.terms.count; return nil }
            items.append(next)
        }
        return items.count == 1 ? first : level == 0 ? .or(items) : .and(items)
    }

    private func unary(_ v: inout Values, _ sc: Scenario, owner: String, positive: Bool, atoms: inout Int) -> Condition? {
        guard let t = v.peek else {
            let after = v.i > 0 ? describe(v.terms[v.i - 1]) : "'where'"
            error(.filterOperandExpected, "expected a condition after \(after) in \(v.what), found nothing", v.here,
                  [.help("a condition is a segment, 'balance A..B', 'holds PRODUCT', 'products >= N', 'passed CAMPAIGN.STAGE within D', "
                         + "'converted CAMPAIGN', 'contacted [CAMPAIGN] within D', 'new within D', 'upgraded within D', or 'not', '( )' around them")])
            return nil
        }
        if t.isSymbol(.openParen) {
            v.i += 1
            guard let inner = orCondition(&v, sc, owner: owner, positive: positive, atoms: &atoms) else { return nil }
            guard v.takeSymbol(.closeParen) else {
                error(.filterParenUnclosed, "expected ')' to close '(' in \(v.what), found \(describe(v.peek))", v.here,
                      [sink.here("'(' opened here", t.range), .help("close the group with ')'")])
                v.i = v.terms.count
                return nil
            }
            return inner
        }
        guard let w = t.word else {
            error(.filterOperandExpected, "expected a condition in \(v.what), found \(describe(t))", t.range,
                  [.help("a condition is a segment, 'balance A..B', 'holds PRODUCT', 'passed CAMPAIGN.STAGE within D' and the like")])
            v.i = v.terms.count
            return nil
        }
        if w == "not" {
            v.i += 1
            guard let inner = unary(&v, sc, owner: owner, positive: !positive, atoms: &atoms) else { return nil }
            return .not(inner)
        }
        atoms += 1
        if atoms == ConditionWords.maximumAtoms + 1 {
            error(.filterTooComplex, "the 'where' of campaign '\(owner)' has more than \(ConditionWords.maximumAtoms) conditions", t.range,
                  [.help("split the campaign, or use a segment for a group of conditions")])
        }
        // A declared segment keeps its name even when it is also a condition word.
        let segmentTable = names("segment", sc.segments.map(\.name))
        if let s = segmentTable.index[w], Self.endsCondition(v.peek(1)) {
            v.i += 1
            return .segment(s)
        }
        switch w {
        case "balance":
            v.i += 1
            let start = v.i
            guard let a = amount(&v, "the balance band") else { v.i = v.terms.count; return nil }
            guard v.takeSymbol(.range), let b = amount(&v, "the balance band") else {
                if !v.atEnd || v.i == v.terms.count {
                    error(.balanceBandExpected, "expected 'A..B' after 'where balance'", v.here, [.help("write 'where balance 3万..5万'")])
                }
                v.i = v.terms.count
                return nil
            }
            if b <= a {
                error(.balanceBandReversed, "the balance band \(formatAmount(a))..\(formatAmount(b)) is reversed or empty",
                      v.terms[start].range.union(v.terms[min(start + 2, v.terms.count - 1)].range))
                return nil
            }
            return .balance(low: a, high: b)
        case "maturing":
            v.i += 1
            guard let (p, r) = reference(&v, kind: "product", in: names("product", sc.products.map(\.name))) else { v.i = v.terms.count; return nil }
            if sc.products[p].term == nil { error(.maturingWithoutTerm, "product '\(sc.products[p].name)' has no 'term', so it never matures", r) }
            guard v.take("within") else {
                error(.maturingWindowExpected, "expected 'within DURATION' after the product", v.here, [.help("write 'where maturing \(sc.products[p].name) within 1 month'")])
                v.i = v.terms.count
                return nil
            }
            let at = v.here
            guard let d = calendar(&v) else { v.i = v.terms.count; return nil }
            if d > LanguageDefaults.horizonMaximum {
                error(.maturingWindowTooLong, "the 'maturing' window must be at most \(LanguageDefaults.horizonMaximum), found \(d)", at,
                      [.help("write 'where maturing \(sc.products[p].name) within 1 month'")])
                return nil
            }
            return .maturing(p, within: d)
        case "holds":
            v.i += 1
            let productNames = sc.products.map(\.name)
            guard let pt = v.next(), let pw = pt.word, !Self.isConnective(pt) else {
                v.i -= 1
                error(.filterProductExpected, "expected a product after 'holds' in \(v.what), found \(describe(v.peek))", v.here,
                      [.help("write 'holds fund'; products: " + productNames.joined(separator: ", "))])
                v.i = v.terms.count
                return nil
            }
            guard let p = names("product", productNames).index[pw] else {
                var notes = Suggest.notes(for: pw, in: productNames)
                notes.append(.help("declare it with 'product \(pw) points 1.0', or name one of: " + productNames.joined(separator: ", ")))
                error(.filterProductUnknown, "unknown product '\(pw)' in 'holds'", pt.range, notes)
                return nil
            }
            if v.peekWord == "within" {
                error(.filterWindowNotAllowed, "'holds' takes no 'within': it is what the customer holds now", v.peek!.range,
                      [.help("to target recent buyers write 'converted CAMPAIGN within D'")])
                v.i = v.terms.count
                return nil
            }
            return .holds(p)
        case "products":
            v.i += 1
            let ops: [Symbol: Comparison] = [.greater: .greater, .greaterEqual: .greaterEqual, .less: .less, .lessEqual: .lessEqual,
                                             .equalEqual: .equal, .notEqual: .notEqual]
            guard case .symbol(let sym, _)? = v.peek, let op = ops[sym] else {
                error(.filterProductsComparisonExpected, "expected a comparison after 'products', found \(describe(v.peek))", v.here,
                      [.help("write 'products >= 2' (the number of products the customer holds)")])
                v.i = v.terms.count
                return nil
            }
            v.i += 1
            guard let (n, _) = integer(&v, "the product count", min: 0, max: 64) else { v.i = v.terms.count; return nil }
            return .products(op, n)
        case "passed", "converted", "contacted":
            v.i += 1
            var campaign: String?, stage: String?
            var range = t.range
            if let ct = v.peek, let cw = ct.word, !Self.isConnective(ct), cw != "within" {
                v.i += 1
                range = ct.range
                if w == "passed" {
                    guard let dot = cw.firstIndex(of: ".") else {
                        error(.filterStageExpected, "expected 'CAMPAIGN.STAGE' after 'passed', found '\(cw)'", ct.range,
                              [.help("write 'passed \(cw).STAGE' with one of its funnel stages, or 'converted \(cw)' for its whole funnel")])
                        return nil
                    }
                    campaign = String(cw[..<dot])
                    stage = String(cw[cw.index(after: dot)...])
                } else {
                    if cw.contains(".") {
                        error(.filterStageNotAllowed, "'\(w)' takes a campaign, not a stage: found '\(cw)'", ct.range,
                              [.help("write 'passed \(cw)' for a stage, or '\(w) \(cw.prefix { $0 != "." })'")])
                        return nil
                    }
                    campaign = cw
                }
            } else if w != "contacted" {
                error(.filterCampaignExpected, "expected a campaign after '\(w)' in \(v.what), found \(describe(v.peek))", v.here,
                      [.help(w == "passed" ? "write 'passed CAMPAIGN.STAGE within 2 weeks'" : "write 'converted CAMPAIGN within 3 months'")])
                v.i = v.terms.count
                return nil
            }
            guard let window = optionalWindow(&v) else { return nil }
            if let campaign {
                handoffs.append(HandoffReference(owner: owner, campaign: campaign, stage: stage, range: range, positive: positive))
            }
            let event: CustomerEvent
            switch w {
            case "passed": event = .passed(campaign: campaign!, stage: stage!)
            case "converted": event = .converted(campaign: campaign!)
            default: event = .contacted(campaign: campaign)
            }
            return .event(event, within: window.duration)
        case "new", "upgraded", "downgraded":
            v.i += 1
            guard let window = optionalWindow(&v) else { return nil }
            if w == "new" && window.duration == nil {
                error(.filterWindowExpected, "expected 'within DURATION' after 'new'", v.here,
                      [.help("write 'new within 3 months' (customers who joined in the last 3 months)")])
                v.i = v.terms.count
                return nil
            }
            if w == "new" { usesNew = usesNew ?? t.range }
            return .event(w == "new" ? .joined : w == "upgraded" ? .upgraded : .downgraded, within: window.duration)
        default:
            guard let (s, _) = reference(&v, kind: "segment", in: segmentTable) else { v.i = v.terms.count; return nil }
            return .segment(s)
        }
    }

    /// `within DURATION` if it follows; `nil` on a bad one (reported).
    private func optionalWindow(_ v: inout Values) -> (duration: CalendarDuration?, Void)? {
        guard v.take("within") else { return (nil, ()) }
        let at = v.here
        guard let d = calendar(&v) else { v.i = v.terms.count; return nil }
        if d > LanguageDefaults.horizonMaximum {
            error(.filterWindowTooLong, "the window must be at most \(LanguageDefaults.horizonMaximum), found \(d)", at,
                  [.help("leave out 'within' for any time in the run")])
            return nil
        }
        return (d, ())
    }

    private static func isConnective(_ t: Term) -> Bool {
        t.word == "and" || t.word == "or" || t.isSymbol(.closeParen) || t.isSymbol(.openParen)
    }

    private static func endsCondition(_ t: Term?) -> Bool {
        guard let t else { return true }
        return t.word == "and" || t.word == "or" || t.isSymbol(.closeParen)
    }

    /// `rank by gap | balance [desc|asc] | last_contact`.
    func ranking(_ v: inout Values) -> Ranking? {
        guard v.take("by") else {
            error(.rankByExpected, "expected 'by' after 'rank', found \(describe(v.peek))", v.here, [.help("write 'rank by gap', 'rank by balance desc' or 'rank by last_contact'")])
            v.i = v.terms.count
            return nil
        }
        let t = v.next()
        switch t?.word {
        case "gap": return .gap
        case "last_contact": return .lastContact
        case "balance":
            if v.take("asc") { return .balance(descending: false) }
            _ = v.take("desc")
            return .balance(descending: true)
        default:
            error(.rankUnknown, "unknown ranking \(describe(t)): rank by gap, balance desc, balance asc or last_contact", t?.range ?? v.here,
                  (t?.word).map { Suggest.notes(for: $0, in: ConditionWords.rankings) } ?? [])
            v.i = v.terms.count
            return nil
        }
    }

    /// Hand-offs checked against every campaign (sources may come later in the file): unknown
    /// campaigns and stages, and cycles of hand-offs. A campaign the variant being built drops
    /// is allowed: the hand-off is then never true.
    func checkHandoffs(_ s: Scenario, _ decls: [Statement]) {
        let byName = Dictionary(s.campaigns.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let campaignNames = s.campaigns.map(\.name)
        var edges: [String: [(String, SourceRange)]] = [:]
        for h in handoffs {
            guard let ci = byName[h.campaign] else {
                if droppedCampaigns.contains(h.campaign) { continue }
                var notes = Suggest.notes(for: h.campaign, in: campaignNames)
                if notes.isEmpty { notes = [.note("campaigns: " + campaignNames.joined(separator: ", "))] }
                error(.filterCampaignUnknown, "unknown campaign '\(h.campaign)' in the 'where' of campaign '\(h.owner)'", h.range, notes)
                continue
            }
            if let stage = h.stage {
                let stages = s.campaigns[ci].funnel.map(\.name)
                if !stages.contains(stage) {
                    var notes = Suggest.notes(for: stage, in: stages)
                    if stage == "contacts" { notes = [.help("write 'contacted \(h.campaign)' for its contacts")] }
                    if notes.isEmpty {
                        notes = stages.isEmpty ? [.help("campaign '\(h.campaign)' has no funnel: write 'contacted \(h.campaign)' or 'converted \(h.campaign)'")]
                            : [.note("stages of '\(h.campaign)': " + stages.joined(separator: ", "))]
                    }
                    error(.filterStageUnknown, "campaign '\(h.campaign)' has no funnel stage '\(stage)' to hand off from", h.range, notes)
                    continue
                }
            }
            if h.positive && h.owner != h.campaign { edges[h.owner, default: []].append((h.campaign, h.range)) }
        }
        // Cycles of hand-offs: campaigns run in declaration order within a step, so in a cycle
        // one of them always sees the other's customers a step late.
        var state: [String: Int] = [:]  // 1: on the path, 2: done
        var path: [String] = []
        var reported: Set<String> = []
        func visit(_ n: String) {
            state[n] = 1
            path.append(n)
            for (m, r) in edges[n] ?? [] {
                if state[m] == 1, let i = path.lastIndex(of: m) {
                    let cycle = Array(path[i...]) + [m]
                    let key = Set(cycle).sorted().joined(separator: ",")
                    if reported.insert(key).inserted {
                        let text = zip(cycle, cycle.dropFirst()).map { "'\($0)' takes from '\($1)'" }.joined(separator: ", ")
                        error(.filterHandoffCycle, "hand-offs form a cycle: \(text)", r,
                              [.note("within a step campaigns run in the order they are declared, so one of them would see the other's customers a step late"),
                               .help("remove one of the hand-offs ('not passed' and 'not contacted' are not hand-offs)")])
                    }
                } else if state[m] == nil {
                    visit(m)
                }
            }
            path.removeLast()
            state[n] = 2
        }
        for c in s.campaigns where state[c.name] == nil { visit(c.name) }
        if let r = usesNew, !s.campaigns.contains(where: { ($0.referrals?.probability ?? 0) > 0 }) {
            warning(.filterNewWithoutJoiners, "no campaign brings new customers: 'new within' is never true", r,
                    [.note("starting customers are not new; customers join through 'referrals P new TIER'")])
        }
        for c in s.campaigns where c.rank != nil && c.contacts == .all && c.capacity == nil {
            let st = decls.first { $0.kind == .campaign && $0.name == c.name }
            warning(.rankWithoutChoice, "campaign '\(c.name)' contacts all its eligible customers: 'rank' chooses nothing", st?.property(CampaignKey.rank)?.range,
                    [.help("give 'contacts N' (or a 'capacity') for the ranking to choose who comes first")])
        }
    }
}

import BranchSimModel

extension ScenarioChecker {
    /// Checks one `campaign` against the scenario built so far.
    func campaign(_ s: Statement, in sc: Scenario) -> Campaign {
        let name = s.name ?? ""
        let tierNames = names("tier", sc.tiers.map(\.name))
        let roleNames = names("role", sc.roles.map(\.name)), branchNames = names("branch", sc.branches.map(\.name)).names
        var c = Campaign(name: name, hosts: [], targets: [], frequency: Rate(count: 0, per: .week), contacts: .count(0), funnel: [])
        var given: [CampaignKey: Property] = [:]
        var pendingCapacity: (Int, String, SourceRange)?
        var pendingEffortStages: [(Int, String, SourceRange)] = []
        /// Uncertain cost lines (index in `c.cost`, where written): one per unit.
        var uncertainCosts: [(Int, SourceRange)] = []
        var quotaRole: (RoleID, SourceRange)?
        var audienceRange: SourceRange?
        var hostsRange: SourceRange?
        for (key, p) in properties(s, as: CampaignKey.self) {
            given[key] = p
            if p.malformed { continue }  // its bad token is reported already
            var v = Values(p.values, what: "'\(p.key)' of campaign '\(name)'", anchor: p.keyRange)
            switch key {
            case .at:
                hostsRange = p.range
                c.hosts = hosts(&v, sc, p)
            case .audience:
                audienceRange = p.range
                let t = v.next()
                if let w = t?.word, let a = Audience(rawValue: w) { c.audience = a } else {
                    error(.audienceInvalid, "the audience must be 'own' or 'network', found \(describe(t))", t?.range ?? v.here,
                          t?.word.map { Suggest.notes(for: $0, in: ["own", "network"]) } ?? [])
                }
            case .channel:
                let t = v.next()
                if let w = t?.word, let ch = Channel(rawValue: w) { c.channel = ch } else {
                    error(.channelUnknown, "unknown channel \(describe(t))", t?.range ?? v.here,
                          (t?.word.map { Suggest.notes(for: $0, in: LanguageVocabulary.channels) } ?? [])
                          + [.note("channels: " + LanguageVocabulary.channels.joined(separator: ", "))])
                }
            case .target:
                (c.targets, c.filter, c.condition, c.weightedTargets) = targets(&v, sc, owner: name)
            case .frequency:
                if let r = rate(&v) {
                    if r.count <= 0 {
                        error(.frequencyNotPositive, "the frequency of campaign '\(name)' must be more than zero", p.range)
                    } else if r.perWeek > LanguageDefaults.frequencyMaximumPerWeek {
                        error(.frequencyTooHigh, "the frequency of campaign '\(name)' must be at most 100 per day (700 per week), found '\(r)'", p.range,
                              [.help("an occurrence contacts many customers at once: raise 'contacts' instead")])
                    } else {
                        c.frequency = r
                    }
                }
            case .contacts:
                if v.take("all") { c.contacts = .all } else if let (n, _) = integer(&v, min: 1) {
                    c.contacts = .count(n)
                    // `contacts 20 per wealth_manager`: a quota per FTE of the role at the host.
                    if v.take("per") {
                        if let (role, r) = reference(&v, kind: "role", in: roleNames) {
                            c.contacts = .perRole(n, role)
                            quotaRole = (role, r)
                        } else {
                            v.i = v.terms.count
                        }
                    }
                }
            case .funnel:
                c.funnel = funnel(&v)
            case .capacity:
                guard let (n, _) = integer(&v, min: 1) else { v.i = v.terms.count; break }
                guard v.take("at") else {
                    error(.capacityStageExpected, "expected 'at STAGE' after the capacity", v.here, [.help("write 'capacity \(n) at attend'")])
                    v.i = v.terms.count
                    break
                }
                if let t = v.next(), let w = t.word { pendingCapacity = (n, w, t.range) } else {
                    error(.capacityStageNameExpected, "expected a funnel stage after 'at'", v.here)
                }
            case .amount:
                if let (d, u) = uncertainAmount(&v, v.what) {
                    c.amount = d
                    c.amountUncertainty = u
                }
                if v.take("max") {
                    if v.take("offbank") { c.capByOffbank = true } else {
                        error(.offbankExpected, "expected 'offbank' after 'max'", v.here, [.help("write 'max offbank'")])
                        v.i = v.terms.count
                    }
                }
            case .buys:
                c.buys = buys(&v, sc, p)
            case .cooldown:
                c.cooldown = calendar(&v)
            case .referrals:
                guard let (prob, uncertainty) = uncertainValue(&v, v.what, money: false) else { v.i = v.terms.count; break }
                if prob == 0 && uncertainty == nil && v.atEnd { c.referrals = nil; break }
                guard v.take("new") else {
                    error(.referralTierExpected, "expected 'new TIER' after the referral probability", v.here, [.help("write 'referrals 10% new potential'")])
                    v.i = v.terms.count
                    break
                }
                if let (t, _) = reference(&v, kind: "tier", in: tierNames) {
                    c.referrals = Referrals(probability: prob, tier: t, uncertainty: uncertainty)
                }
            case .effort:
                let u = v.next()
                var unit: Effort.Unit?
                var stageRef: (String, SourceRange)?
                switch u?.word {
                case "occurrence": unit = .occurrence
                case "contact": unit = .contact
                case "conversion": unit = .conversion
                case "stage":
                    if let t = v.next(), let w = t.word { stageRef = (w, t.range); unit = .stage(0) } else {
                        error(.effortStageNameExpected, "expected a funnel stage after 'effort stage'", v.here)
                    }
                default:
                    error(.effortUnitExpected, "expected 'occurrence', 'contact', 'conversion' or 'stage STAGE' after 'effort', found \(describe(u))",
                          u?.range ?? v.here, (u?.word).map { Suggest.notes(for: $0, in: LanguageVocabulary.effortUnits) } ?? [])
                }
                guard let unit, let (role, _) = reference(&v, kind: "role", in: roleNames) else { v.i = v.terms.count; break }
                var people = 1.0
                if case .number(let n, .times, _, let r)? = v.peek {
                    v.i += 1
                    if n <= 0 { error(.staffCountNotPositive, "the number of staff must be more than zero", r) } else { people = n }
                } else if case .number = v.peek, v.peek(1)?.word == "x" {
                    people = amount(&v, "the number of staff") ?? 1
                    v.i += 1
                } else if case .word(let w, _)? = v.peek, lets[w] != nil, v.peek(1)?.word == "x" {
                    people = amount(&v, "the number of staff") ?? 1
                    v.i += 1
                }
                if let m = staffTime(&v) {
                    if let (w, r) = stageRef { pendingEffortStages.append((c.effort.count, w, r)) }
                    c.effort.append(Effort(unit: unit, role: role, people: people, minutes: m))
                }
            case .cost:
                guard let (x, uncertainty) = uncertainValue(&v, v.what, money: true) else { v.i = v.terms.count; break }
                if uncertainty != nil { uncertainCosts.append((c.cost.count, v.terms[v.i - 1].range)) }
                if v.take("once") { c.cost.append(Cost(amount: x, unit: .once, uncertainty: uncertainty)); break }
                guard v.take("per") else {
                    error(.costUnitExpected, "expected 'per occurrence', 'per contact', 'per conversion', 'per month' or 'once' after the cost", v.here)
                    v.i = v.terms.count
                    break
                }
                let u = v.next()
                if let w = u?.word, let unit = Cost.Unit(rawValue: w), unit != .once {
                    c.cost.append(Cost(amount: x, unit: unit, uncertainty: uncertainty))
                } else {
                    error(.costUnitUnknown, "expected 'occurrence', 'contact', 'conversion' or 'month' after 'per', found \(describe(u))", u?.range ?? v.here,
                          (u?.word).map { Suggest.notes(for: $0, in: LanguageVocabulary.costUnits) } ?? [])
                }
            case .starts:
                if let d = calendar(&v) { c.starts = d }
            case .ends:
                if let d = calendar(&v) { c.ends = d }
            case .rank:
                c.rank = ranking(&v)
            }
            if !v.atEnd { unexpectedRest(v, keys: CampaignKey.names) }
        }
        // Defaults and cross-checks.
        if given[.at] == nil {
            if sc.branches.count == 1 { c.hosts = [0] } else {
                error(.hostsMissing, "campaign '\(name)' needs 'at': there are \(sc.branches.count) branches", s.nameRange ?? s.keywordRange,
                      [.help("write 'at BRANCH', 'at all', 'at hub' or 'at satellites'")])
            }
        }
        c.hostNetworks = c.hosts.map { h in sc.networks.firstIndex { $0.members.contains(h) } }
        if c.audience == .network {
            if sc.networks.isEmpty {
                error(.audienceNeedsNetwork, "'audience network' needs a network", audienceRange,
                      [.help("declare 'network NAME { hub BRANCH  satellites B1, B2 }'")])
            } else {
                for (h, n) in zip(c.hosts, c.hostNetworks) where n == nil {
                    error(.audienceHostOutsideNetwork, "'audience network' needs every host in a network: branch '\(branchNames[h])' is in none", audienceRange ?? hostsRange)
                }
            }
        }
        let required: KeyValuePairs<CampaignKey, String> = [.target: "target potential", .frequency: "frequency 2 per week", .contacts: "contacts 40"]
        for (key, example) in required where given[key] == nil {
            error(.campaignPropertyMissing, "campaign '\(name)' needs '\(key.rawValue)'", s.nameRange ?? s.keywordRange, [.help("write '\(example)'")])
        }
        if let (role, r) = quotaRole, case .perRole(let n, _) = c.contacts {
            let roleName = sc.roles[role].name
            for h in c.hosts where sc.branches[h].staff(of: role) <= 0 {
                let b = sc.branches[h].name
                error(.quotaRoleAbsent, "campaign '\(name)' makes \(n) contacts per '\(roleName)', but branch '\(b)' has no '\(roleName)' on hand", r,
                      [.help("give branch '\(b)' 'staff \(roleName) N', host the campaign where there is one, or write a fixed count: 'contacts \(n)'")])
            }
        }
        let stages = c.funnel.map(\.name)
        if let (n, stage, r) = pendingCapacity {
            if let i = stages.firstIndex(of: stage) { c.capacity = StageCapacity(limit: n, stage: i) } else {
                error(.funnelStageUnknown, "campaign '\(name)' has no funnel stage '\(stage)'", r, stageNotes(stage, stages))
            }
        }
        for (index, stage, r) in pendingEffortStages {
            if let i = stages.firstIndex(of: stage) { c.effort[index].unit = .stage(i) } else {
                error(.funnelStageUnknown, "campaign '\(name)' has no funnel stage '\(stage)'", r, stageNotes(stage, stages))
            }
        }
        var uncertainCostUnits: Set<String> = []
        for (k, r) in uncertainCosts where k < c.cost.count {
            let unit = c.cost[k].unit.rawValue
            if !uncertainCostUnits.insert(unit).inserted {
                error(.inputPathTwice, "campaign '\(name)' has two uncertain costs \(unit == "once" ? "'once'" : "'per \(unit)'"): the input '\(Scenario.costInputPath(name, c.cost[k].unit))' would be drawn twice", r,
                      [.help("add the two into one cost line, or make one of them a number")])
            }
        }
        if c.amount == nil && given[.amount] == nil {
            warning(.amountMissing, "campaign '\(name)' has no 'amount': its conversions bring in no money", s.nameRange ?? s.keywordRange,
                    [.help("write 'amount lognormal(median 5万, p90 20万)' or 'amount share 30% of offbank'")])
        }
        if c.buys.isEmpty, let i = sc.products.firstIndex(where: { $0.name == "deposit" && !$0.flat }) ?? sc.products.firstIndex(where: { !$0.flat }) {
            c.buys = [ProductShare(product: i, share: 1)]
        }
        if let e = c.ends, e <= c.starts, let p = given[.ends] {
            error(e == c.starts ? .campaignEndsAtStart : .campaignEndsBeforeStart,
                  e == c.starts ? "campaign '\(name)' ends when it starts (\(e)): it would never run"
                                : "campaign '\(name)' ends (\(e)) before it starts (\(c.starts))", p.range,
                  [.help("'ends' is when the campaign stops; give a time after 'starts'")])
        }
        return c
    }

    private func stageNotes(_ stage: String, _ stages: [String]) -> [DiagnosticNote] {
        let n = Suggest.notes(for: stage, in: stages)
        if !n.isEmpty { return n }
        return stages.isEmpty ? [.help("add a 'funnel' with that stage")] : [.note("stages: " + stages.joined(separator: ", "))]
    }

    private func hosts(_ v: inout Values, _ sc: Scenario, _ p: Property) -> [BranchID] {
        let table = names("branch", sc.branches.map(\.name)), names = table.names
        if v.take("all") { return Array(names.indices) }
        if v.peekWord == "hub" || v.peekWord == "satellites", table.index[v.peekWord!] == nil {
            let w = v.next()!.word!
            guard !sc.networks.isEmpty else {
                error(.hostsNeedNetwork, "'at \(w)' needs a network", p.range, [.help("declare 'network NAME { hub BRANCH  satellites B1, B2 }'")])
                return []
            }
            return w == "hub" ? sc.networks.map(\.hub) : sc.networks.flatMap(\.satellites)
        }
        var out: [BranchID] = []
        for item in v.commaList() {
            var iv = Values(item, what: v.what, anchor: p.keyRange)
            if let (b, r) = reference(&iv, kind: "branch", in: table) {
                if out.contains(b) { error(.hostNamedTwice, "branch '\(names[b])' is named twice in 'at'", r) } else { out.append(b) }
            }
            if !iv.atEnd { unexpectedRest(iv) }
        }
        return out
    }

    /// The target tiers and their weights, the `where` filter and condition, and whether weights were written.
    private func targets(_ v: inout Values, _ sc: Scenario, owner: String) -> ([TargetWeight], TargetFilter?, Condition?, Bool) {
        let tierTable = names("tier", sc.tiers.map(\.name)), tierNames = tierTable.names
        // Split off `where ...`.
        var main: [Term] = []
        var filterTerms: [Term]?
        var whereRange: SourceRange?
        while let t = v.next() {
            if filterTerms != nil { filterTerms!.append(t) } else if t.word == "where" { filterTerms = []; whereRange = t.range } else { main.append(t) }
        }
        var out: [TargetWeight] = []
        var weighted = 0
        var mv = Values(main, what: v.what, anchor: v.anchor)
        if mv.peekWord == "all", main.count == 1 {
            out = tierNames.indices.map { TargetWeight(tier: $0, weight: 1) }
        } else {
            for item in mv.commaList() {
                var iv = Values(item, what: v.what, anchor: v.anchor)
                guard let (t, r) = reference(&iv, kind: "tier", in: tierTable) else { continue }
                var w = 1.0
                if !iv.atEnd {
                    weighted += 1
                    if let a = number(&iv, "the weight of tier '\(tierNames[t])'") {
                        w = a.value
                        if iv.takeSymbol(.slash), let b = number(&iv, "the weight of tier '\(tierNames[t])'") {
                            if b.value == 0 { error(.weightDivisionByZero, "division by zero in the weight of tier '\(tierNames[t])'", b.range); w = 0 } else { w = a.value / b.value }
                        }
                        if w <= 0 { error(.weightNotPositive, "the weight of tier '\(tierNames[t])' must be more than zero", a.range) }
                    }
                    if !iv.atEnd { unexpectedRest(iv) }
                }
                if out.contains(where: { $0.tier == t }) { error(.targetTierTwice, "tier '\(tierNames[t])' is targeted twice", r) } else {
                    out.append(TargetWeight(tier: t, weight: w))
                }
            }
            if weighted > 0 && weighted < out.count {
                error(.weightsPartial, "give a weight to every target tier or to none", v.anchor, [.help("write 'target potential 2/3, midhigh 1/3'")])
            }
        }
        let total = out.reduce(0) { $0 + $1.weight }
        if total > 0 { out = out.map { TargetWeight(tier: $0.tier, weight: $0.weight / total) } }
        guard let ft = filterTerms else { return (out, nil, nil, weighted > 0) }
        var fv = Values(ft, what: "'where' of \(v.what)", anchor: whereRange!)
        let (filter, condition) = whereClause(&fv, sc, owner: owner)
        return (out, filter, condition, weighted > 0)
    }

    private func funnel(_ v: inout Values) -> [FunnelStage] {
        var out: [FunnelStage] = []
        var first = true
        while !v.atEnd {
            if !first {
                guard v.takeSymbol(.arrow) else {
                    error(.funnelArrowExpected, "expected '->' between funnel stages, found \(describe(v.peek))", v.here,
                          [.help("write 'funnel reach 70% -> attend 35% -> convert 45%'")])
                    v.i = v.terms.count
                    return out
                }
            }
            first = false
            guard let t = v.next(), let name = t.word else {
                v.i -= 1
                error(.funnelStageNameExpected, "expected a stage name in \(v.what), found \(describe(v.peek))", v.here)
                v.i = v.terms.count
                return out
            }
            if ["contacts"].contains(name) {
                error(.funnelStageNameReserved, "'\(name)' is not allowed as a stage name (it is the funnel's first count)", t.range)
            }
            guard let (p, u) = uncertainProbability(&v, "stage '\(name)'") else { v.i = v.terms.count; return out }
            if out.contains(where: { $0.name == name }) { error(.funnelStageTwice, "funnel stage '\(name)' is given twice", t.range) }
            out.append(FunnelStage(name: name, probability: p, uncertainty: u))
        }
        return out
    }

    private func buys(_ v: inout Values, _ sc: Scenario, _ p: Property) -> [ProductShare] {
        var out: [ProductShare] = []
        for item in v.commaList() {
            var iv = Values(item, what: v.what, anchor: p.keyRange)
            guard let (prod, r) = reference(&iv, kind: "product", in: names("product", sc.products.map(\.name))) else { continue }
            guard let share = probability(&iv, "the share of product '\(sc.products[prod].name)'") else { continue }
            if !iv.atEnd { unexpectedRest(iv) }
            if out.contains(where: { $0.product == prod }) { error(.buysProductTwice, "product '\(sc.products[prod].name)' is named twice in 'buys'", r); continue }
            out.append(ProductShare(product: prod, share: share))
        }
        let nonFlat = out.filter { !sc.products[$0.product].flat }
        let sumNonFlat = nonFlat.reduce(0) { $0 + $1.share }
        let sumAll = out.reduce(0) { $0 + $1.share }
        if !out.isEmpty, abs(sumNonFlat - 1) > 1e-6, abs(sumAll - 1) > 1e-6 {
            warning(.buysSharesNotWhole, "'buys' shares add up to \(formatPercent(sumAll)) (\(formatPercent(sumNonFlat)) without flat products), not 100%", p.range,
                    [.note("the amount is split over the non-flat products in proportion to their shares")])
        }
        if !out.isEmpty && nonFlat.isEmpty {
            error(.buysNoMoneyProduct, "'buys' names no product that takes money", p.range, [.help("add a non-flat product such as 'deposit 100%'")])
        }
        return out
    }
}

import BranchSimModel
import Foundation

/// The playbook's default tiers ("Potential customers' upgrade"): used when a file declares none.
public enum LanguageDefaults {
    public static let tiers: [Tier] = [
        Tier(name: "longtail", low: 0, high: 50_000, share: 0.91),
        Tier(name: "potential", low: 50_000, high: 200_000, share: 0.06),
        Tier(name: "midhigh", low: 200_000, high: 6_000_000, share: 0.025),
        Tier(name: "private", low: 6_000_000, high: nil, share: 0.005),
    ]
    public static let products: [Product] = [Product(name: "deposit", points: 1.0)]
    public static let branchCustomers = 20_000
    /// The branch used when a file declares none.
    public static let branchName = "main"
    public static let runsUntilCap = 10_000
    /// The most replications one run may ask for. Memory no longer grows with `runs` (rows
    /// spill to a file past their budget; docs/performance.md, "Memory"): the limit is time,
    /// a million replications of a one-outlet plan are minutes, of a province hours, and a
    /// larger job is slices on a cluster (`--replications`, `branchsim merge`).
    public static let runsMaximum = 1_000_000
    static let runsMaximumHelp = "a million replications give quantiles to well under 0.1%; for more, run slices (--replications A..<B) and join them with `branchsim merge`"
    /// The longest horizon: plans run over months and years, and every step of every series is
    /// kept for up to `RunResult.seriesReplications` replications.
    public static let horizonMaximum = CalendarDuration.weeks(RunResult.maximumSteps)
    /// The most occurrences a campaign may have: 100 a day (700 a week).
    public static let frequencyMaximumPerWeek = 700.0
    /// The highest contact limit a `policy` may set: the engine keeps each customer's last
    /// `max` contact times.
    public static let policyMaximum = 100
}

extension ScenarioChecker {
    private func what(_ key: String, _ s: Statement) -> String {
        if s.kind == .scenario { return "'\(key)' of the scenario" }
        return "'\(key)' of \(s.kind.rawValue) '\(s.name ?? "")'"
    }

    /// Properties of `s` with their typed keys, reporting unknown keys and keys given twice
    /// (except `K.repeatable` ones). A malformed property is returned (it was given) with
    /// `failed` set: its bad token is reported already, and callers skip its value.
    func properties<K: PropertyKey>(_ s: Statement, as: K.Type) -> [(key: K, property: Property)] {
        var seen: [K: SourceRange] = [:]
        var out: [(key: K, property: Property)] = []
        for p in s.properties {
            guard let key = K(rawValue: p.key) else {
                var notes = Suggest.notes(for: p.key, in: K.names)
                if notes.isEmpty { notes = [.note("properties of \(s.kind.rawValue): " + K.names.joined(separator: ", "))] }
                error(.unknownProperty, "unknown property '\(p.key)' for \(s.kind.rawValue)" + (s.name.map { " '\($0)'" } ?? ""), p.keyRange, notes)
                continue
            }
            if !K.repeatable.contains(key), let first = seen[key] {
                error(.propertyGivenTwice, "'\(p.key)' is given twice for \(s.kind.rawValue)" + (s.name.map { " '\($0)'" } ?? ""), p.keyRange,
                      [sink.here("first given", first), .help("remove one of them")])
                continue
            }
            seen[key] = p.keyRange
            if p.malformed { failed = true }
            out.append((key, p))
        }
        return out
    }

    private func values(_ p: Property, _ s: Statement) -> Values { Values(p.values, what: what(p.key, s), anchor: p.keyRange) }

    private func finish(_ v: Values) {
        if !v.atEnd { unexpectedRest(v) }
    }

    // MARK: build

    /// Checks declarations into a scenario; `nil` when there was any error.
    func build(_ decls: [Statement]) -> Scenario? {
        failed = false
        resetNames()
        handoffs = []
        usesNew = nil
        // Later duplicates are reported by the program checker; build with the first only.
        var seenNames = Set<String>()
        let decls = decls.filter { s in
            guard s.kind.isNamedDeclaration, let n = s.name else { return true }
            return seenNames.insert("\(s.kind.rawValue) \(n)").inserted
        }
        func all(_ k: StatementKind) -> [Statement] { decls.filter { $0.kind == k } }
        for s in decls where s.kind == .let { defineLet(s) }

        var settings = RunSettings()
        var title = "Untitled scenario"
        for s in all(.scenario) {
            if let n = s.name { title = n }
            readSettings(s, &settings)
        }
        // Products and roles first: tiers and campaigns refer to them.
        var products = all(.product).map(product)
        if products.isEmpty { products = LanguageDefaults.products }
        let productNames = products.map(\.name)
        let roles = all(.role).map(role)
        let roleNames = roles.map(\.name)
        let tierStatements = all(.tier)
        var tiers = tierStatements.isEmpty ? LanguageDefaults.tiers : tierStatements.map { tier($0, productNames: productNames, roleNames: roleNames) }
        if !tierStatements.isEmpty { checkRanges(tierStatements, &tiers) }
        let tierNames = tiers.map(\.name)
        let segments = all(.segment).map { segment($0, tierNames: tierNames) }
        var branches = all(.branch).map { branch($0, tiers: tiers, roleNames: roleNames, productNames: productNames) }
        let declaredBranches = branches.count
        if let data {
            if !data.ok { failed = true }
            branches += importedBranches(data, tiers: tiers, roleNames: roleNames, schema: DataImports.schema(decls).roles)
            // Imported customers replace the drawn population of the outlets they name.
            if let im = data.customers {
                for b in branches.indices {
                    let n = im.count(at: branches[b].name)
                    if n > 0 { branches[b].customers = n }
                }
            }
        }
        if branches.isEmpty {
            branches = [Branch(name: LanguageDefaults.branchName, customers: LanguageDefaults.branchCustomers,
                               staff: [], tiers: tiers)]
        }
        let branchNames = branches.map(\.name)
        var networks = networksOf(all(.network), branchNames: branchNames)
        if let data {
            let inNetwork = Set(networks.flatMap(\.members))
            for n in data.networks {
                let members = [n.hub] + n.satellites
                if let m = members.first(where: { inNetwork.contains(declaredBranches + $0) }) {
                    error(.networkBranchTwice, "branch '\(branchNames[declaredBranches + m])' is already in network '\(networks.first { $0.members.contains(declaredBranches + m) }?.name ?? "")'",
                          n.statement.range, [.help("a branch belongs to at most one network")])
                }
                networks.append(Network(name: n.name, hub: declaredBranches + n.hub, satellites: n.satellites.map { declaredBranches + $0 }))
            }
        }
        var scenario = Scenario(title: title, settings: settings, tiers: tiers, segments: segments, products: products,
                                roles: roles, branches: branches, networks: networks)
        scenario.imported = data?.customers
        scenario.campaigns = all(.campaign).map { campaign($0, in: scenario) }
        for s in all(.policy) { scenario.policy = policy(s) }
        for s in all(.enforce) {
            var v = Values(s.args, what: "'enforce'", anchor: s.keywordRange)
            if v.take("staff"), v.atEnd { scenario.enforceStaff = true } else {
                error(.enforceStaffExpected, "expected 'enforce staff'", v.peek?.range ?? s.keywordRange, [.help("'enforce staff' is the only form")])
            }
        }
        scenario.derivedMetrics = namedMetrics(all(.metric), in: scenario)
        resolveUntil(&scenario)
        checkHandoffs(scenario, decls)
        crossChecks(scenario, decls)
        checkMemory(scenario, decls)
        return failed ? nil : scenario
    }

    // MARK: scenario

    private func readSettings(_ s: Statement, _ out: inout RunSettings) {
        for (key, p) in properties(s, as: ScenarioKey.self) where !p.malformed {
            var v = values(p, s)
            switch key {
            case .horizon:
                if let d = calendar(&v) {
                    if d.ticks <= 0 {
                        error(.horizonNotPositive, "the horizon must be longer than zero", p.range)
                    } else if d > LanguageDefaults.horizonMaximum {
                        error(.horizonTooLong, "the horizon must be at most \(LanguageDefaults.horizonMaximum), found \(d)", p.range,
                              [.help("plans run over months and years: write 'horizon 12 months' or 'horizon 5 years'")])
                    } else {
                        out.horizon = d
                        horizonRange = p.range
                    }
                }
            case .step:
                let t = v.next()
                if let w = t?.word, let u = StepUnit(rawValue: w.hasSuffix("s") ? String(w.dropLast()) : w) {
                    out.step = u
                    if horizonRange == nil { horizonRange = p.range }
                } else {
                    error(.stepUnknown, "the step must be 'week' or 'month', found \(describe(t))", t?.range ?? v.here)
                }
            case .runs:
                if v.take("until") {
                    guard let metric = v.next(), let m = metric.word else {
                        error(.untilMetricExpected, "expected a metric after 'runs until'", v.here, [.help("write 'runs until uplift within 1%'")])
                        break
                    }
                    guard v.take("within") else {
                        error(.untilWithinExpected, "expected 'within P%' after 'runs until \(m)'", v.here, [.help("write 'runs until \(m) within 1%'")])
                        break
                    }
                    guard let pct = probability(&v, "the precision of 'runs until'") else { break }
                    var cap = LanguageDefaults.runsUntilCap
                    if v.take("max") {
                        if let (n, _) = integer(&v, "the cap of 'runs until'", min: 2, max: LanguageDefaults.runsMaximum,
                                                why: LanguageDefaults.runsMaximumHelp) { cap = n }
                    }
                    if pct <= 0 { error(.untilPrecisionNotPositive, "the precision of 'runs until' must be more than 0%", p.range) }
                    pendingUntil = (m, metric.range, pct, cap)
                } else if let (n, _) = integer(&v, min: 1, max: LanguageDefaults.runsMaximum, why: LanguageDefaults.runsMaximumHelp) {
                    out.runs = .fixed(n)
                }
            case .seed:
                if let (n, _) = integer(&v, min: 0) { out.seed = UInt64(n) }
            case .threads:
                if let (n, r) = integer(&v, min: 1) { out.threads = n; threadsRange = r }
            }
            finish(v)
        }
    }

    private func resolveUntil(_ s: inout Scenario) {
        guard let u = pendingUntil else { return }
        pendingUntil = nil
        let keys = MetricCatalog.metrics(for: s).map(\.key)
        guard let path = MetricCatalog.resolve(u.metric, keys: Set(keys)), path.scope == .run else {
            error(.untilMetricUnknown, "unknown metric '\(u.metric)' in 'runs until'", u.range, Suggest.notes(for: u.metric, in: keys))
            return
        }
        s.settings.runs = .until(metric: path, relativeHalfWidth: u.within, cap: u.cap)
    }

    /// Warnings about combinations that are legal but almost surely not meant.
    private func crossChecks(_ s: Scenario, _ decls: [Statement]) {
        // The first declaration of each tier and campaign, found once (a search per campaign
        // was quadratic: 10,000 campaigns took 16 s to check).
        var first: [String: Int] = [:]
        for (i, d) in decls.enumerated() where d.kind == .tier || d.kind == .campaign {
            if let n = d.name, first["\(d.kind.rawValue) \(n)"] == nil { first["\(d.kind.rawValue) \(n)"] = i }
        }
        func statement(_ kind: StatementKind, _ name: String) -> Statement? { first["\(kind.rawValue) \(name)"].map { decls[$0] } }
        for t in s.tiers {
            guard let r = t.managedBy, s.roles[r].capacityCustomers == nil else { continue }
            let at = statement(.tier, t.name)?.property(TierKey.managed)?.range
            if at != nil {
                warning(.managingRoleWithoutCapacity, "tier '\(t.name)' is managed by role '\(s.roles[r].name)', which has no 'capacity': its managed FTE cannot be counted", at,
                        [.help("add 'capacity 600 customers' to role '\(s.roles[r].name)' (playbooks: 450 to 750)")])
            }
        }
        for c in s.campaigns {
            let st = statement(.campaign, c.name)
            if c.starts >= s.settings.horizon, let p = st?.property(CampaignKey.starts) {
                warning(.campaignStartsAfterHorizon, "campaign '\(c.name)' starts at \(c.starts), after the horizon (\(s.settings.horizon)): it never runs", p.range)
            } else if let p = st?.property(CampaignKey.frequency) {
                // Occurrences are whole and the fraction carries forward (MODEL.md), so a rate
                // below one per active window never comes due: `1 per month` in a one-month
                // horizon of weekly steps is 4 steps, 0.92 of an occurrence.
                let stepTicks = s.settings.step.duration.ticks
                let first = (c.starts.ticks + stepTicks - 1) / stepTicks
                let active = (first..<max(first, s.steps)).filter { $0 * stepTicks < (c.ends?.ticks ?? Int.max) }.count
                if active > 0 && c.frequency.cumulativeOccurrences(steps: active, step: s.settings.step.duration) == 0 {
                    let exact = c.frequency.count * Double(active * stepTicks) / Double(c.frequency.period.ticks)
                    let steps = "\(active) \(s.settings.step.rawValue)ly step\(active == 1 ? "" : "s")"
                    warning(.campaignNeverDue, "campaign '\(c.name)' never runs: \(c.frequency) over its \(steps) comes to "
                            + "\(String(format: "%.2f", exact)) occurrences, and only whole occurrences run", p.range,
                            [.help("raise the frequency or lengthen the horizon (\(s.settings.horizon) is \(s.steps) "
                                   + "\(s.settings.step.rawValue)ly step\(s.steps == 1 ? "" : "s"); a month is 52/12 weeks)")])
                }
            }
            guard s.enforceStaff else { continue }
            for role in Set(c.effort.map(\.role)).sorted() {
                for h in c.hosts where s.branches[h].staff(of: role) == 0 {
                    warning(.campaignNeverStaffed, "with 'enforce staff', campaign '\(c.name)' never runs at branch '\(s.branches[h].name)': it has no '\(s.roles[role].name)' staff",
                            st?.nameRange ?? st?.keywordRange,
                            [.help("add 'staff \(s.roles[role].name) 1' to branch '\(s.branches[h].name)'")])
                }
            }
        }
    }

    /// What the run needs in memory (`MemoryModel`, the engine's own), with the file's
    /// `threads` or else `MemoryModel.checkThreads`: the same verdict on every machine.
    private func checkMemory(_ s: Scenario, _ decls: [Statement]) {
        let threads = s.settings.threads ?? MemoryModel.checkThreads
        let customers = Double(s.totalCustomers)
        // The rows every run keeps (the horizon is at most 100 years, so this stays in range).
        let runs = s.settings.runs.maximum
        let rows = RunResult.rowBytes(s, runs: runs)
        if rows > MemoryModel.limit {
            error(.resultsTooLarge, "results too large for memory: \(s.steps) steps of \(MetricCatalog.series(for: s).count) series "
                  + "for \(min(runs, RunResult.seriesReplications)) replications need about \(MemoryModel.gib(rows)) GiB (limit 4 GiB)",
                  horizonRange ?? decls.first?.range,
                  [.help("shorten 'horizon', use 'step month', or lower 'runs'")])
            return
        }
        let bytes = MemoryModel.bytes(s, runs: runs, threads: threads)
        guard bytes > MemoryModel.limit else { return }
        // Point at the largest branch's 'customers'.
        var where_: SourceRange? = threadsRange
        var largest = -1
        for d in decls where d.kind == .branch {
            if let p = d.property(BranchKey.customers),
               let b = s.branches.first(where: { $0.name == d.name }), b.customers > largest {
                largest = b.customers
                where_ = p.range
            }
        }
        error(.populationTooLarge, "population too large for memory: \(formatPlain(customers)) customers need about \(MemoryModel.gib(bytes)) GiB with \(threads) thread\(threads == 1 ? "" : "s") (limit 4 GiB)",
              where_ ?? decls.first?.range,
              [.note("about \(MemoryModel.bytesPerCustomer(s)) bytes per customer per thread"),
               .help(threads > 1 ? "lower 'customers', or 'threads' in the scenario block" : "lower 'customers'")])
    }

    // MARK: products, roles

    private func product(_ s: Statement) -> Product {
        var out = Product(name: s.name ?? "", points: 1)
        var sawRetain: SourceRange?
        for (key, p) in properties(s, as: ProductKey.self) where !p.malformed {
            var v = values(p, s)
            switch key {
            case .points:
                if let n = amount(&v) { out.points = n }
            case .flat: out.flat = true
            case .term:
                if let d = calendar(&v) {
                    if d.ticks == 0 { error(.productTermNotPositive, "the term of product '\(out.name)' must be longer than zero", p.range) } else { out.term = d }
                }
            case .retain:
                sawRetain = p.keyRange
                if let (x, d) = uncertainValue(&v, v.what, money: false) {
                    out.retain = x
                    out.retainUncertainty = d
                }
            case .margin:
                // `margin 0.8% per year` (or `per month`): income on the balance bought.
                guard let (x, uncertainty) = uncertainValue(&v, v.what, money: false) else { break }
                if v.take("per"), let w = v.peekWord, w == "year" || w == "month" {
                    v.i += 1
                    out.marginPerYear = w == "year" ? x : x * 12
                    out.marginUncertainty = uncertainty
                    out.marginUncertaintyPerMonth = w == "month"
                } else {
                    error(.productMarginPeriodExpected, "expected 'per year' after the margin of product '\(out.name)'", v.here,
                          [.help("write 'margin \(formatPercent(x)) per year'")])
                    v.i = v.terms.count
                }
            case .fee:
                // `fee 1% on purchase`: income on the amount bought, once.
                if let (x, uncertainty) = uncertainValue(&v, v.what, money: false) {
                    out.feeOnPurchase = x
                    out.feeUncertainty = uncertainty
                }
                if v.take("on") && !v.take("purchase") {
                    error(.productFeeOnPurchaseExpected, "expected 'on purchase' after the fee of product '\(out.name)'", v.here)
                    v.i = v.terms.count
                }
            }
            finish(v)
        }
        if s.property(ProductKey.points) == nil {
            error(.productPointsMissing, "product '\(out.name)' needs 'points'", s.nameRange ?? s.keywordRange,
                  [.help("write 'product \(out.name) points 1.0' (a coefficient) or 'points 5000 flat'")])
        }
        if let r = sawRetain, out.term == nil {
            warning(.productRetainWithoutTerm, "'retain' has no effect without a 'term' on product '\(out.name)'", r, [.help("add 'term 1 year'")])
        }
        return out
    }

    private func role(_ s: Statement) -> Role {
        var out = Role(name: s.name ?? "", hoursPerWeek: 40)
        for (key, p) in properties(s, as: RoleKey.self) where !p.malformed {
            var v = values(p, s)
            switch key {
            case .hours:
                guard let h = amount(&v) else { break }
                var perWeek = h
                if v.take("per") {
                    switch v.next()?.word {
                    case "week": break
                    case "day", "workday": perWeek = h * 5
                    case "month": perWeek = h * 12 / 52
                    default:
                        v.i -= 1
                        error(.rolePeriodUnknown, "expected 'week', 'workday' or 'month' after 'per' in \(v.what)", v.here)
                        v.i = v.terms.count
                    }
                }
                if perWeek <= 0 { error(.roleHoursNotPositive, "role '\(out.name)' must work more than zero hours", p.range) } else { out.hoursPerWeek = perWeek }
            case .capacity:
                if let (k, _) = integer(&v, min: 1) { out.capacityCustomers = k }
                _ = v.take("customers")
            case .cost:
                // `cost 150 per hour`: what an hour of the role's campaign work costs.
                guard let x = amount(&v) else { break }
                if v.take("per") && v.take("hour") { out.costPerHour = x } else {
                    error(.roleCostPeriodExpected, "expected 'per hour' after the cost of role '\(out.name)'", v.here,
                          [.help("write 'cost \(formatAmount(x)) per hour'")])
                    v.i = v.terms.count
                }
            }
            finish(v)
        }
        if s.property(RoleKey.hours) == nil {
            error(.roleHoursMissing, "role '\(out.name)' needs 'hours'", s.nameRange ?? s.keywordRange, [.help("write 'role \(out.name) hours 40 per week'")])
        }
        return out
    }

    // MARK: tiers

    private struct TierRange { var low: Double?; var high: Double?; var below: Bool; var range: SourceRange }
    private static var rangeKey: String { "tier-range" }

    private func holds(_ v: inout Values, productNames: [String]) -> [ProductShare] {
        var out: [ProductShare] = []
        for item in v.commaList() {
            var iv = Values(item, what: v.what, anchor: v.anchor)
            var product: Int?
            var share: Double?
            if case .word = iv.peek {
                product = reference(&iv, kind: "product", in: names("product", productNames))?.0
                share = probability(&iv)
            } else {
                share = probability(&iv)
                product = reference(&iv, kind: "product", in: names("product", productNames))?.0
            }
            finish(iv)
            if let product, let share { out.append(ProductShare(product: product, share: share)) }
        }
        return out
    }

    /// - Parameter atBranch: the property is a branch's override (`branch B { tier T ... }`):
    ///   an uncertain rate is then the input `B.T.KIND`, not the tier's.
    private func tierProperty(_ key: TierKey, _ p: Property, _ v: inout Values, _ t: inout Tier, productNames: [String], roleNames: [String],
                              atBranch: Bool = false) {
        switch key {
        case .share, .reachable:
            // Either may be uncertain (docs/language.md, "Uncertain inputs").
            let kind: TierInputKind = key == .share ? .share : .reachable
            guard let (x, d) = uncertainValue(&v, v.what, money: false) else { return }
            if key == .share { t.share = x } else { t.reachable = x }
            t.uncertain[kind] = d.map { TierInput(distribution: $0, atBranch: atBranch) }
        case .offbank: if let x = multiplier(&v) { t.offbank = x }
        case .aum: if let d = distribution(&v) { t.aum = d }
        case .holds:
            t.holds = holds(&v, productNames: productNames)
            let sum = t.holds.reduce(0) { $0 + $1.share }
            if !t.holds.isEmpty, abs(sum - 1) > 1e-6 {
                error(.holdsSharesNotWhole, "'holds' shares of tier '\(t.name)' add up to \(formatPercent(sum)), not 100%", p.range)
            }
        case .managed:
            guard v.take("by") else {
                error(.managedByExpected, "expected 'by' after 'managed'", v.here, [.help("write 'managed by ROLE'")])
                v.i = v.terms.count
                return
            }
            if let (r, _) = reference(&v, kind: "role", in: names("role", roleNames)) { t.managedBy = r }
        case .attrition, .growth:
            let neg = key == .growth
            if atInputDistribution(v) {
                uncertainTierRate(key == .growth ? .growth : .attrition, &v, &t, atBranch: atBranch)
                return
            }
            guard let n = number(&v) else { return }
            if !n.computed && n.suffix != .percent {
                error(.percentageExpected, "\(v.what) must be a percentage, found '\(n.text)'", n.range, [.help("write '\(n.text)% per month'")])
                return
            }
            // The period first, so that a value out of range is the only error the line gives.
            guard let perYear = ratePeriod(&v) else { return }
            if !neg && (n.value < 0 || n.value > 1) { error(.percentageOutOfRange, "\(v.what) is \(formatPercent(n.value)), outside 0..100%", n.range); return }
            if neg && n.value < -1 {
                // (1 + g) would be negative: no balance can shrink by more than all of itself.
                error(.percentageBelowMinus100, "\(v.what) is \(formatPercent(n.value)), below -100%", n.range,
                      [.help("a balance can shrink by at most all of itself: use -100% or more")])
                return
            }
            var perMonth = n.value
            if perYear {
                perMonth = neg ? pow(1 + n.value, 1.0 / 12) - 1 : 1 - pow(1 - n.value, 1.0 / 12)
            }
            if key == .growth { t.growthPerMonth = perMonth } else { t.attritionPerMonth = perMonth }
            t.uncertain[key == .growth ? .growth : .attrition] = nil
        case .below, .from:
            break  // the range: read by `tier(_:)`, not overridable at a branch
        }
    }

    private func tier(_ s: Statement, productNames: [String], roleNames: [String]) -> Tier {
        var t = Tier(name: s.name ?? "", low: 0, high: nil, share: 0)
        for (key, p) in properties(s, as: TierKey.self) where !p.malformed {
            var v = values(p, s)
            switch key {
            case .below:
                if let x = amount(&v) { t.low = 0; t.high = x }
            case .from:
                if let x = amount(&v) { t.low = x; t.high = nil }
                if v.take("to"), let y = amount(&v) { t.high = y }
            case .share, .reachable, .offbank, .aum, .holds, .managed, .attrition, .growth:
                tierProperty(key, p, &v, &t, productNames: productNames, roleNames: roleNames)
            }
            finish(v)
        }
        if s.property(TierKey.share) == nil {
            error(.tierShareMissing, "tier '\(t.name)' needs a 'share'", s.nameRange ?? s.keywordRange,
                  [.help("write 'share P' (the tier's part of a branch's customers)")])
        }
        return t
    }

    private func checkRanges(_ stmts: [Statement], _ tiers: inout [Tier]) {
        func rangeProp(_ s: Statement) -> Property? { s.properties.first { TierKey(rawValue: $0.key) == .below || TierKey(rawValue: $0.key) == .from } }
        var ok = true
        for (i, s) in stmts.enumerated() {
            guard let p = rangeProp(s) else {
                error(.tierRangeMissing, "tier '\(tiers[i].name)' needs a range", s.nameRange ?? s.keywordRange,
                      [.help("write 'below X', 'from X to Y' or 'from X' (upgrade points)")])
                ok = false
                continue
            }
            let t = tiers[i]
            if let h = t.high, h <= t.low {
                error(.tierRangeReversed, "the range of tier '\(t.name)' is reversed: \(formatAmount(h)) is not above \(formatAmount(t.low))", p.range,
                      [.help("write 'from \(formatAmount(h)) to \(formatAmount(t.low))'")])
                ok = false
            }
        }
        for s in stmts {
            if s.property(TierKey.below) != nil, let p = s.property(TierKey.from) {
                error(.tierBelowAndFrom, "tier '\(s.name ?? "")' has both 'below' and 'from'", p.keyRange,
                      [.help("write 'below X' for the lowest tier, 'from X to Y' or 'from X' for the others")])
                ok = false
            }
        }
        guard ok else { return }
        for i in tiers.indices {
            let t = tiers[i], r = rangeProp(stmts[i])!.range
            if i == 0 {
                if t.low > 0 {
                    error(.tierLowestStartsAbove, "the lowest tier '\(t.name)' starts at \(formatAmount(t.low)): customers below it have no tier", r,
                          [.help("write 'below \(formatAmount(t.high ?? t.low))' or start at 0")])
                }
            } else {
                let prev = tiers[i - 1]
                guard let ph = prev.high else {
                    error(.tierAfterOpenTop, "tier '\(t.name)' follows tier '\(prev.name)', which has no upper bound", r,
                          [.help("declare tiers lowest first; only the top tier is written 'from X'")])
                    continue
                }
                if t.low < prev.low {
                    error(.tierOrder, "tiers must be declared lowest first: tier '\(t.name)' starts below tier '\(prev.name)'", r)
                } else if t.low < ph {
                    error(.tierOverlap, "tier '\(t.name)' overlaps tier '\(prev.name)': \(formatAmount(t.low)) is below \(formatAmount(ph))", r,
                          [.help("start tier '\(t.name)' at \(formatAmount(ph))")])
                } else if t.low > ph {
                    error(.tierGap, "gap between tier '\(prev.name)' (up to \(formatAmount(ph))) and tier '\(t.name)' (from \(formatAmount(t.low)))", r,
                          [.help("start tier '\(t.name)' at \(formatAmount(ph))")])
                }
            }
            if i == tiers.count - 1, let h = t.high {
                unfinished(.tierTopClosed, "the top tier '\(t.name)' ends at \(formatAmount(h)): customers above it have no tier", r,
                      [.help("write 'from \(formatAmount(t.low))' for the top tier")])
            }
        }
        let sum = tiers.reduce(0) { $0 + $1.share }
        let sharesMissing = stmts.contains { !$0.properties.contains { TierKey(rawValue: $0.key) == .share && !$0.malformed } }
        if abs(sum - 1) > 1e-6, !sharesMissing {
            let at = stmts.last!.property(TierKey.share)?.range ?? stmts.last!.range
            // Short of 100%: more tiers may follow at the prompt; over 100% is wrong as typed.
            (sum < 1 ? unfinished : error)(.tierSharesNotWhole, "tier shares add up to \(formatPercent(sum)), not 100%", at,
                  [.note(tiers.map { "\($0.name) \(formatPercent($0.share))" }.joined(separator: ", "))])
        }
        if let last = tiers.lastIndex(where: { $0.uncertain[.share] != nil }) {
            checkUncertainShares(tiers, stmts[last].property(TierKey.share)?.range ?? stmts[last].range, branch: nil)
        }
    }

    // MARK: segments, branches, networks

    private func segment(_ s: Statement, tierNames: [String]) -> Segment {
        var share: Double?
        var inTiers: [Int]?
        for (key, p) in properties(s, as: SegmentKey.self) where !p.malformed {
            var v = values(p, s)
            switch key {
            case .share: share = probability(&v)
            case .`in`:
                var list: [Int] = []
                for item in v.commaList() {
                    var iv = Values(item, what: v.what, anchor: p.keyRange)
                    if let (t, _) = reference(&iv, kind: "tier", in: names("tier", tierNames)) { list.append(t) }
                    finish(iv)
                }
                inTiers = list
            }
            finish(v)
        }
        if share == nil && s.property(SegmentKey.share) == nil {
            error(.segmentShareMissing, "segment '\(s.name ?? "")' needs a 'share'", s.nameRange ?? s.keywordRange, [.help("write 'segment \(s.name ?? "NAME") share 25%'")])
        }
        let p = share ?? 0
        let by = tierNames.indices.map { i in inTiers.map { $0.contains(i) ? p : 0 } ?? p }
        return Segment(name: s.name ?? "", shareByTier: by)
    }

    private func branch(_ s: Statement, tiers: [Tier], roleNames: [String], productNames: [String]) -> Branch {
        var b = Branch(name: s.name ?? "", customers: LanguageDefaults.branchCustomers,
                       staff: [], tiers: tiers)
        var overridden = false
        var shareRange: SourceRange?
        for (key, p) in properties(s, as: BranchKey.self) where !p.malformed {
            var v = values(p, s)
            switch key {
            case .customers:
                if let (n, _) = integer(&v, min: 1) { b.customers = n }
            case .offbank:
                if let x = multiplier(&v) { for i in b.tiers.indices { b.tiers[i].offbank = x } }
            case .staff:
                for item in v.commaList() {
                    var iv = Values(item, what: v.what, anchor: p.keyRange)
                    guard let (r, _) = reference(&iv, kind: "role", in: names("role", roleNames)) else { continue }
                    if let n = amount(&iv, "staff of role '\(roleNames[r])'") { b.setStaff(n, role: r) }
                    finish(iv)
                }
            case .tier:
                guard let (t, _) = reference(&v, kind: "tier", in: names("tier", tiers.map(\.name))) else { v.i = v.terms.count; break }
                // Split the rest into tier properties.
                var i = v.i
                let keys = Set(LanguageVocabulary.branchTierProperties)
                while i < v.terms.count {
                    guard let word = v.terms[i].word else {
                        error(.branchTierPropertyExpected, "expected a tier property, found \(describe(v.terms[i]))", v.terms[i].range)
                        break
                    }
                    guard let key = TierKey(rawValue: word), TierKey.branchOverridable.contains(key) else {
                        error(.branchTierPropertyFixed, "'\(word)' cannot be overridden at a branch", v.terms[i].range,
                              Suggest.notes(for: word, in: LanguageVocabulary.branchTierProperties)
                              + [.note("a branch may override: " + LanguageVocabulary.branchTierProperties.joined(separator: ", "))])
                        break
                    }
                    var j = i + 1
                    while j < v.terms.count {
                        if let w = v.terms[j].word, keys.contains(w), !(v.terms[j - 1].isSymbol(.comma)) { break }
                        j += 1
                    }
                    let sub = Property(key: word, keyRange: v.terms[i].range, values: Array(v.terms[(i + 1)..<j]))
                    var sv = Values(sub.values, what: "'\(word)' of tier '\(tiers[t].name)' at branch '\(b.name)'", anchor: sub.keyRange)
                    tierProperty(key, sub, &sv, &b.tiers[t], productNames: productNames, roleNames: roleNames, atBranch: true)
                    finish(sv)
                    if key == .share { overridden = true; shareRange = sub.range }
                    i = j
                }
                v.i = v.terms.count
            }
            finish(v)
        }
        if overridden {
            let sum = b.tiers.reduce(0) { $0 + $1.share }
            if abs(sum - 1) > 1e-6 {
                error(.branchTierSharesNotWhole, "tier shares at branch '\(b.name)' add up to \(formatPercent(sum)), not 100%", shareRange,
                      [.note(b.tiers.map { "\($0.name) \(formatPercent($0.share))" }.joined(separator: ", ")),
                       .help("override the other tiers' shares at this branch too")])
            }
            checkUncertainShares(b.tiers, shareRange, branch: b.name)
        }
        return b
    }

    private func networksOf(_ stmts: [Statement], branchNames: [String]) -> [Network] {
        var out: [Network] = []
        var member: [Int: String] = [:]
        for s in stmts {
            var hub: (Int, SourceRange)?
            var sats: [(Int, SourceRange)] = []
            for (key, p) in properties(s, as: NetworkKey.self) where !p.malformed {
                var v = values(p, s)
                switch key {
                case .hub: hub = reference(&v, kind: "branch", in: names("branch", branchNames))
                case .satellites:
                    for item in v.commaList() {
                        var iv = Values(item, what: v.what, anchor: p.keyRange)
                        if let r = reference(&iv, kind: "branch", in: names("branch", branchNames)) { sats.append(r) }
                        finish(iv)
                    }
                }
                finish(v)
            }
            let name = s.name ?? ""
            guard let hub else {
                if s.property(NetworkKey.hub) == nil {
                    error(.networkHubMissing, "network '\(name)' needs a 'hub'", s.nameRange ?? s.keywordRange, [.help("write 'hub BRANCH'")])
                }
                continue
            }
            for (b, r) in [hub] + sats {
                if let other = member[b] {
                    error(.networkBranchTwice, "branch '\(branchNames[b])' is already in network '\(other)'", r,
                          [.help("a branch belongs to at most one network")])
                } else {
                    member[b] = name
                }
            }
            out.append(Network(name: name, hub: hub.0, satellites: sats.map(\.0).filter { $0 != hub.0 }))
        }
        return out
    }

    // MARK: policy

    private func policy(_ s: Statement) -> ContactPolicy? {
        var v = Values(s.args, what: "'policy'", anchor: s.keywordRange)
        let help = DiagnosticNote.help("write 'policy max 2 contacts per month'")
        guard v.take("max") else { error(.policyMaxExpected, "expected 'max' after 'policy'", v.here, [help]); return nil }
        guard let (n, _) = integer(&v, "the contact limit", min: 1, max: LanguageDefaults.policyMaximum,
                                   why: "a customer is contacted at most this often; for no limit, leave 'policy' out") else { return nil }
        guard v.take("contacts") || v.take("contact") else { error(.policyContactsExpected, "expected 'contacts' after the limit", v.here, [help]); return nil }
        guard v.take("per") else { error(.policyPeriodExpected, "expected 'per PERIOD' in 'policy'", v.here, [help]); return nil }
        var period: CalendarDuration?
        if let w = v.peekWord, let d = Self.calendarUnits[w] { v.i += 1; period = d } else { period = calendar(&v, "the policy period") }
        if v.take("per") && !v.take("customer") {
            error(.policyPerCustomerExpected, "expected 'per customer'", v.here)
            v.i = v.terms.count
        }
        finish(v)
        guard let period else { return nil }
        return ContactPolicy(maxContacts: n, period: period)
    }
}

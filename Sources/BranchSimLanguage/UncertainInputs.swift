import BranchSimModel

extension ScenarioChecker {
    /// The names of the distributions an uncertain rate may take.
    static let inputDistributions = ["uncertain", "triangular", "beta"]

    /// A rate that may be uncertain: a percentage, or `uncertain(A..B)`,
    /// `triangular(LOW, MODE, HIGH)`, `beta(mean M, sd S)` (docs/language.md, "Uncertain
    /// inputs"). Returns the rate (the distribution's mean when uncertain) and the distribution.
    func uncertainProbability(_ v: inout Values, _ what: String) -> (Double, InputDistribution?)? {
        uncertainValue(&v, what, money: false)
    }

    /// A rate (`money: false`) or an amount (`money: true`) that may be uncertain: a number,
    /// or one of the input distributions over numbers of that kind (`uncertain(3万..5万)`,
    /// `triangular(3万, 4万, 6万)`; `beta` is for rates only).
    /// - Parameter signed: a rate that may be negative down to -100% (growth), not a probability.
    func uncertainValue(_ v: inout Values, _ what: String, money: Bool, signed: Bool = false) -> (Double, InputDistribution?)? {
        guard case .call(let name, let args, let r)? = v.peek, Self.inputDistributions.contains(name) else {
            return (money ? amount(&v, what) : signed ? signedRate(&v, what) : probability(&v, what)).map { ($0, nil) }
        }
        v.i += 1
        let label = "'\(name)' of \(what)"
        let shapes = money
            ? ["uncertain": "uncertain(3万..5万)", "triangular": "triangular(3万, 4万, 6万)", "beta": "beta(mean 40%, sd 5%)"]
            : ["uncertain": "uncertain(35%..45%)", "triangular": "triangular(30%, 40%, 55%)", "beta": "beta(mean 40%, sd 5%)"]
        if money && name == "beta" {
            error(.inputBetaNotAmount, "'beta' is for rates, not for \(what), an amount", r,
                  [.help("write 'uncertain(3万..5万)' or 'triangular(3万, 4万, 6万)'")])
            return nil
        }
        func malformed(_ at: SourceRange) -> (Double, InputDistribution?)? {
            error(.inputArgumentsExpected, "expected \(shapes[name]!) in \(what)", at, [.help("write '\(shapes[name]!)'")])
            return nil
        }
        func percent(_ terms: [Term], after word: String? = nil) -> Double? {
            var av = Values(terms, what: word.map { "'\($0)' of '\(name)' in \(what)" } ?? "'\(name)' in \(what)", anchor: r)
            if let word, !av.take(word) { return nil }
            guard let p = money ? amount(&av, av.what) : signed ? signedRate(&av, av.what) : probability(&av, av.what) else { return nil }
            if !av.atEnd { unexpectedRest(av); return nil }
            return p
        }
        let d: InputDistribution
        switch name {
        case "uncertain":
            guard args.count == 1, let dots = args[0].firstIndex(where: { $0.isSymbol(.range) }) else { return malformed(r) }
            guard let a = percent(Array(args[0][..<dots])), let b = percent(Array(args[0][(dots + 1)...])) else { return nil }
            d = .uniform(low: a, high: b)
        case "triangular":
            guard args.count == 3 else { return malformed(r) }
            guard let a = percent(args[0]), let m = percent(args[1]), let b = percent(args[2]) else { return nil }
            d = .triangular(low: a, mode: m, high: b)
        default:
            guard args.count == 2, args[0].first?.word == "mean", args[1].first?.word == "sd" else { return malformed(r) }
            guard let m = percent(args[0], after: "mean"), let s = percent(args[1], after: "sd") else { return nil }
            d = .beta(mean: m, sd: s)
        }
        if let problem = d.problem {
            switch d {
            case .beta:
                error(.inputBetaTooWide, "\(label): \(problem)", r, [.help("narrow the sd, or move the mean away from 0% and 100%")])
            case .uniform, .triangular:
                let order = name == "uncertain" ? "the low end is above the high end" : "it needs LOW <= MODE <= HIGH and LOW < HIGH"
                error(.inputOrder, "\(label) is out of order: \(order)", r,
                      [.help("write the lowest value first, e.g. '\(shapes[name]!)'")])
            }
            return nil
        }
        return (d.mean, d)
    }
}

extension ScenarioChecker {
    /// Whether the next value is an input distribution (`uncertain(...)`, `triangular(...)`,
    /// `beta(...)`).
    func atInputDistribution(_ v: Values) -> Bool {
        if case .call(let name, _, _)? = v.peek { return Self.inputDistributions.contains(name) }
        return false
    }

    /// A percentage that may be negative, down to -100% (a growth rate).
    func signedRate(_ v: inout Values, _ what: String) -> Double? {
        guard let n = number(&v, what) else { return nil }
        if !n.computed && n.suffix != .percent {
            error(.percentageExpected, "\(what) must be a percentage, found '\(n.text)'", n.range, [.help("write '\(n.text)%'")])
            return nil
        }
        if n.value < -1 {
            error(.percentageBelowMinus100, "\(what) is \(formatPercent(n.value)), below -100%", n.range,
                  [.help("a balance can shrink by at most all of itself: use -100% or more")])
            return nil
        }
        return n.value
    }

    /// A campaign's `amount`, whose scale may be uncertain: `fixed uncertain(3万..5万)`,
    /// `share uncertain(20%..40%) of offbank`, `lognormal(median triangular(3万, 4万, 6万), p90
    /// 20万)`, `pareto(min uncertain(1万..2万), alpha 1.5)` (docs/language.md, "Uncertain
    /// inputs"). Returns the distribution (at the input's mean) and the input's distribution.
    func uncertainAmount(_ v: inout Values, _ what: String) -> (Distribution, InputDistribution?)? {
        func isInput(_ t: Term?) -> Bool {
            if case .call(let name, _, _)? = t { return Self.inputDistributions.contains(name) }
            return false
        }
        switch v.peek {
        case .word("fixed", _)? where isInput(v.peek(1)):
            v.i += 1
            return uncertainValue(&v, "'fixed' in \(what)", money: true).map { (.fixed($0.0), $0.1) }
        case .word("share", let r)? where isInput(v.peek(1)):
            v.i += 1
            guard let (p, d) = uncertainValue(&v, "'share' in \(what)", money: false) else { return nil }
            guard v.take("of"), v.take("offbank") else {
                error(.shareOfOffbankExpected, "expected 'of offbank' after the share in \(what)", v.here.union(r), [.help("write 'share 30% of offbank'")])
                return nil
            }
            return (.shareOfOffbank(p), d)
        case .call(let name, let args, let r)? where (name == "lognormal" || name == "pareto") && args.count == 2
                && args[0].count == 2 && args[0][0].word == (name == "lognormal" ? "median" : "min") && isInput(args[0][1]):
            v.i += 1
            let word = args[0][0].word!
            var av = Values(Array(args[0].dropFirst()), what: "'\(word)' of '\(name)' in \(what)", anchor: r)
            guard let (x, d) = uncertainValue(&av, av.what, money: true) else { return nil }
            guard let d else { return nil }
            if x <= 0 || d.quantile(0) <= 0 {
                error(name == "lognormal" ? .lognormalMedianNotPositive : .paretoMinNotPositive,
                      "the \(word) of '\(name)' must be more than zero", r)
                return nil
            }
            // The other argument as written, through the usual checks, at the input's mean.
            var rest = Values([.call(name, args: [[.word(word, args[0][0].range), .number(x, nil, text: formatAmount(x), args[0][1].range)], args[1]], r)],
                              what: v.what, anchor: r)
            guard let dist = distribution(&rest, what) else { return nil }
            if case .lognormal(_, let q) = dist, q <= d.quantile(1) {
                error(.lognormalP90NotAboveMedian, "the p90 of 'lognormal' (\(formatAmount(q))) must be above its median (\(formatAmount(d.quantile(1))))", r,
                      [.help("the 90th percentile of a right-skewed amount lies above the median; the uncertain median reaches \(formatAmount(d.quantile(1)))")])
                return nil
            }
            return (dist, d)
        default:
            return distribution(&v, what).map { ($0, nil) }
        }
    }
}

extension ScenarioChecker {
    /// A tier's `attrition` or `growth` written as an uncertain input, with its period:
    /// `attrition uncertain(0%..2%) per month`, `growth triangular(-1%, 1%, 4%) per year`
    /// (docs/language.md, "Uncertain inputs"). The tier's rate per month is then the mean's.
    func uncertainTierRate(_ kind: TierInputKind, _ v: inout Values, _ t: inout Tier, atBranch: Bool) {
        guard let (x, d) = uncertainValue(&v, v.what, money: false, signed: kind == .growth), let d else { return }
        guard let perYear = ratePeriod(&v) else { return }
        let perMonth = TierInput.perMonth(x, kind: kind, perYear: perYear)
        if kind == .growth { t.growthPerMonth = perMonth } else { t.attritionPerMonth = perMonth }
        t.uncertain[kind] = TierInput(distribution: d, atBranch: atBranch, perYear: perYear)
    }

    /// The period of a tier's attrition or growth: `per month` (also when none is written)
    /// gives false, `per year` true; anything else is an error (nil, the line consumed).
    func ratePeriod(_ v: inout Values) -> Bool? {
        guard v.take("per") else { return false }
        switch v.next()?.word {
        case "month": return false
        case "year": return true
        default:
            v.i -= 1
            error(.ratePeriodUnknown, "expected 'month' or 'year' after 'per' in \(v.what)", v.here)
            v.i = v.terms.count
            return nil
        }
    }

    /// Uncertain tier shares must leave a tier to take up the rest, and cannot add up to more
    /// than 100% without it (docs/language.md, "Uncertain inputs"): in each replication the
    /// lowest tier whose share is a number takes 100% minus the others' (drawn) shares.
    /// - Parameters:
    ///   - tiers: the tiers of the scenario, or as a branch sees them.
    ///   - range: where to point (an uncertain share, or the branch's share override).
    ///   - branch: the branch whose overrides these are, or `nil` for the tier statements.
    func checkUncertainShares(_ tiers: [Tier], _ range: SourceRange?, branch: String?) {
        guard tiers.contains(where: { $0.uncertain[.share] != nil }) else { return }
        let at = branch.map { " at branch '\($0)'" } ?? ""
        guard let rest = tiers.firstIndex(where: { $0.uncertain[.share] == nil }) else {
            error(.inputSharesNoRemainder, "every tier's share\(at) is uncertain: no tier takes up what the drawn shares leave", range,
                  [.help("give one tier a number for its share (the long tail, say): in each run it takes 100% minus the others")])
            return
        }
        var most = 0.0
        for (i, tier) in tiers.enumerated() where i != rest {
            most += tier.uncertain[.share]?.distribution.quantile(1) ?? tier.share
        }
        if most > 1 + 1e-9 {
            error(.inputSharesExceed,
                  "the tier shares\(at) other than tier '\(tiers[rest].name)' can add up to \(formatPercent(most)), more than 100%", range,
                  [.note("tier '\(tiers[rest].name)' takes 100% minus the other tiers' shares in each run, so it would be left \(formatPercent(1 - most))"),
                   .help("narrow the uncertain shares, or lower the others, so that at their highest they add up to 100% or less")])
        }
    }
}

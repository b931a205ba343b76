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
    func uncertainValue(_ v: inout Values, _ what: String, money: Bool) -> (Double, InputDistribution?)? {
        guard case .call(let name, let args, let r)? = v.peek, Self.inputDistributions.contains(name) else {
            return (money ? amount(&v, what) : probability(&v, what)).map { ($0, nil) }
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
            guard let p = money ? amount(&av, av.what) : probability(&av, av.what) else { return nil }
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

import BranchSimModel

extension ScenarioChecker {
    /// The names of the distributions an uncertain rate may take.
    static let inputDistributions = ["uncertain", "triangular", "beta"]

    /// A rate that may be uncertain: a percentage, or `uncertain(A..B)`,
    /// `triangular(LOW, MODE, HIGH)`, `beta(mean M, sd S)` (docs/language.md, "Uncertain
    /// inputs"). Returns the rate (the distribution's mean when uncertain) and the distribution.
    func uncertainProbability(_ v: inout Values, _ what: String) -> (Double, InputDistribution?)? {
        guard case .call(let name, let args, let r)? = v.peek, Self.inputDistributions.contains(name) else {
            return probability(&v, what).map { ($0, nil) }
        }
        v.i += 1
        let label = "'\(name)' of \(what)"
        let shapes = ["uncertain": "uncertain(35%..45%)", "triangular": "triangular(30%, 40%, 55%)",
                      "beta": "beta(mean 40%, sd 5%)"]
        func malformed(_ at: SourceRange) -> (Double, InputDistribution?)? {
            error(.inputArgumentsExpected, "expected \(shapes[name]!) in \(what)", at, [.help("write '\(shapes[name]!)'")])
            return nil
        }
        func percent(_ terms: [Term], after word: String? = nil) -> Double? {
            var av = Values(terms, what: word.map { "'\($0)' of '\(name)' in \(what)" } ?? "'\(name)' in \(what)", anchor: r)
            if let word, !av.take(word) { return nil }
            guard let p = probability(&av, av.what) else { return nil }
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

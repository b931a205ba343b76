import Foundation

/// How unsure the analyst is of an input (a rate or an amount): the distribution it is drawn from,
/// once per replication (docs/model.md, "Uncertain inputs").
///
/// Draws go through `quantile`, the inverse of the distribution function, from one uniform:
/// so the same uniform gives the same point of the distribution, the 5% and 95% points are
/// exact (for the tornado's low and high), and the draw is a single keyed number.
public enum InputDistribution: Sendable, Hashable, CustomStringConvertible {
    /// `uncertain(A..B)`: uniform over `[low, high]`.
    case uniform(low: Double, high: Double)
    /// `triangular(A, M, B)`: the triangle from `low` to `high` peaking at `mode`.
    case triangular(low: Double, mode: Double, high: Double)
    /// `beta(mean M, sd S)`: the beta distribution on [0, 1] with that mean and standard deviation.
    case beta(mean: Double, sd: Double)

    public var mean: Double {
        switch self {
        case .uniform(let a, let b): return (a + b) / 2
        case .triangular(let a, let m, let b): return (a + m + b) / 3
        case .beta(let m, _): return m
        }
    }

    /// The shape parameters `(alpha, beta)` of `.beta`, or `nil` when the sd is too wide for
    /// the mean (a beta needs `sd^2 < mean * (1 - mean)`).
    public static func betaShape(mean m: Double, sd s: Double) -> (alpha: Double, beta: Double)? {
        guard m > 0, m < 1, s > 0, s * s < m * (1 - m) else { return nil }
        let nu = m * (1 - m) / (s * s) - 1
        return (m * nu, (1 - m) * nu)
    }

    /// What is wrong with the parameters, or `nil`.
    public var problem: String? {
        switch self {
        case .uniform(let a, let b):
            return a <= b ? nil : "the range is reversed: \(a) is above \(b)"
        case .triangular(let a, let m, let b):
            return a <= m && m <= b && a < b ? nil : "triangular(LOW, MODE, HIGH) needs LOW <= MODE <= HIGH and LOW < HIGH"
        case .beta(let m, let s):
            return Self.betaShape(mean: m, sd: s) == nil
                ? "beta(mean M, sd S) needs M strictly between 0% and 100% and S above 0 and below sqrt(M * (1 - M))" : nil
        }
    }

    /// The value below which a share `u` (in [0, 1]) of the distribution lies.
    public func quantile(_ u: Double) -> Double {
        let u = min(1, max(0, u))
        switch self {
        case .uniform(let a, let b):
            return a + (b - a) * u
        case .triangular(let a, let m, let b):
            guard b > a else { return a }
            let f = (m - a) / (b - a)
            return u < f ? a + ((b - a) * (m - a) * u).squareRoot() : b - ((b - a) * (b - m) * (1 - u)).squareRoot()
        case .beta(let m, let s):
            guard let (p, q) = Self.betaShape(mean: m, sd: s) else { return m }
            if u <= 0 { return 0 }
            if u >= 1 { return 1 }
            // Bisection on the regularised incomplete beta: 60 halvings reach below 1e-17.
            var lo = 0.0, hi = 1.0
            for _ in 0..<60 {
                let mid = (lo + hi) / 2
                if Self.regularizedBeta(mid, p, q) < u { lo = mid } else { hi = mid }
            }
            return (lo + hi) / 2
        }
    }

    /// `I_x(a, b)`, the beta distribution function (the continued fraction `StudentT` uses).
    public static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        StudentT.regularizedIncompleteBeta(x: x, oneMinusX: 1 - x, a: a, b: b)
    }

    /// As written in a scenario file (percentages).
    public var description: String { written(asPercent: true) }

    /// As written in a scenario file: percentages for a rate, plain yuan for an amount.
    public func written(asPercent: Bool) -> String {
        func p(_ x: Double) -> String {
            let v = ((asPercent ? x * 100 : x) * 1e6).rounded() / 1e6
            return (v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)) + (asPercent ? "%" : "")
        }
        switch self {
        case .uniform(let a, let b): return "uncertain(\(p(a))..\(p(b)))"
        case .triangular(let a, let m, let b): return "triangular(\(p(a)), \(p(m)), \(p(b)))"
        case .beta(let m, let s): return "beta(mean \(p(m)), sd \(p(s)))"
        }
    }
}

extension TierInput {
    /// The rate per month of a rate drawn as written (`perYear`: compounded down to a month).
    public static func perMonth(_ x: Double, kind: TierInputKind, perYear: Bool) -> Double {
        guard perYear else { return x }
        switch kind {
        case .attrition: return 1 - pow(1 - x, 1.0 / 12)
        case .growth: return pow(1 + x, 1.0 / 12) - 1
        case .share, .reachable: return x
        }
    }
}

/// What an uncertain input sets in a replication (docs/language.md, "Uncertain inputs").
public enum InputTarget: Sendable, Hashable {
    /// A funnel stage's rate: `CAMPAIGN.STAGE`.
    case stage(campaign: Int, stage: Int)
    /// The scale of a campaign's amount (`fixed X`, a lognormal's median, the share of
    /// offbank, a pareto's min): `CAMPAIGN.amount`.
    case amount(campaign: Int)
    /// A campaign's referral probability: `CAMPAIGN.referrals`.
    case referrals(campaign: Int)
    /// One cost line of a campaign (its index in `Campaign.cost`): `CAMPAIGN.cost.UNIT`.
    case cost(campaign: Int, index: Int)
    /// A product's fee on purchase: `PRODUCT.fee`.
    case fee(product: Int)
    /// A product's margin as written (`perYear`: 1 for `per year`, 12 for `per month`):
    /// `PRODUCT.margin`.
    case margin(product: Int, perYear: Double)
    /// A product's retention at maturity: `PRODUCT.retain`.
    case retain(product: Int)
    /// A tier's share, reachable share, attrition or growth at the branches that take it
    /// (`TIER.KIND` from the tier statement, at every branch that does not override it;
    /// `BRANCH.TIER.KIND` from a branch's override). `perYear`: the draw is a rate per year,
    /// compounded down to a month (`TierInput.perMonth`).
    case tier(kind: TierInputKind, tier: Int, branches: [Int], perYear: Bool)
}

/// An uncertain input of a scenario: where it was declared and how it is drawn.
public struct UncertainInput: Sendable, Hashable {
    /// The declaration path, `CAMPAIGN.STAGE` (`meet.convert`), `CAMPAIGN.amount`,
    /// `CAMPAIGN.referrals` or `CAMPAIGN.cost.UNIT`: the input's name in reports
    /// (`input.meet.convert`) and the source of its random key.
    public var path: String
    public var distribution: InputDistribution
    public var target: InputTarget
    /// `.share` for a rate (printed as a percentage), `.money` for an amount.
    public var unit: MetricUnit

    public init(path: String, distribution: InputDistribution, target: InputTarget, unit: MetricUnit = .share) {
        self.path = path
        self.distribution = distribution
        self.target = target
        self.unit = unit
    }

    /// A funnel stage's rate.
    public init(path: String, distribution: InputDistribution, campaign: Int, stage: Int) {
        self.init(path: path, distribution: distribution, target: .stage(campaign: campaign, stage: stage))
    }
}

extension Scenario {
    /// The uncertain inputs, in declaration order: campaign by campaign, its funnel stages,
    /// then its amount, referrals and cost lines; then product by product, its fee and margin.
    public var uncertainInputs: [UncertainInput] {
        var out: [UncertainInput] = []
        for (ci, c) in campaigns.enumerated() {
            for (si, st) in c.funnel.enumerated() {
                if let d = st.uncertainty {
                    out.append(UncertainInput(path: "\(c.name).\(st.name)", distribution: d, campaign: ci, stage: si))
                }
            }
            if let d = c.amountUncertainty {
                var unit = MetricUnit.money
                if case .shareOfOffbank? = c.amount { unit = .share }
                out.append(UncertainInput(path: "\(c.name).amount", distribution: d, target: .amount(campaign: ci), unit: unit))
            }
            if let d = c.referrals?.uncertainty {
                out.append(UncertainInput(path: "\(c.name).referrals", distribution: d, target: .referrals(campaign: ci)))
            }
            for (k, cost) in c.cost.enumerated() {
                if let d = cost.uncertainty {
                    out.append(UncertainInput(path: Self.costInputPath(c.name, cost.unit), distribution: d,
                                              target: .cost(campaign: ci, index: k), unit: .money))
                }
            }
        }
        for (pi, p) in products.enumerated() {
            if let d = p.feeUncertainty {
                out.append(UncertainInput(path: "\(p.name).fee", distribution: d, target: .fee(product: pi)))
            }
            if let d = p.marginUncertainty {
                out.append(UncertainInput(path: "\(p.name).margin", distribution: d,
                                          target: .margin(product: pi, perYear: p.marginUncertaintyPerMonth ? 12 : 1)))
            }
            if let d = p.retainUncertainty {
                out.append(UncertainInput(path: "\(p.name).retain", distribution: d, target: .retain(product: pi)))
            }
        }
        out += tierInputs
        return out
    }

    /// The tiers' uncertain rates: tier by tier those of the tier statements (each at the
    /// branches that do not override it), then branch by branch its overrides; each in the
    /// order share, reachable, attrition, growth.
    var tierInputs: [UncertainInput] {
        var out: [UncertainInput] = []
        for (t, tier) in tiers.enumerated() where !tier.uncertain.isEmpty {
            for kind in TierInputKind.allCases {
                guard let input = tier.uncertain[kind] else { continue }
                let at = branches.indices.filter { b in
                    t < branches[b].tiers.count && branches[b].tiers[t].uncertain[kind].map { !$0.atBranch } == true
                }
                guard !at.isEmpty else { continue }
                out.append(UncertainInput(path: "\(tier.name).\(kind.rawValue)", distribution: input.distribution,
                                          target: .tier(kind: kind, tier: t, branches: at, perYear: input.perYear)))
            }
        }
        for (b, branch) in branches.enumerated() {
            // A province has thousands of outlets: one test per tier when nothing is uncertain.
            for (t, tier) in branch.tiers.enumerated() where !tier.uncertain.isEmpty {
                for kind in TierInputKind.allCases {
                    guard let input = tier.uncertain[kind], input.atBranch else { continue }
                    out.append(UncertainInput(path: "\(branch.name).\(tier.name).\(kind.rawValue)", distribution: input.distribution,
                                              target: .tier(kind: kind, tier: t, branches: [b], perYear: input.perYear)))
                }
            }
        }
        return out
    }

    /// Per branch, the tier that takes up what its drawn tier shares leave (docs/language.md,
    /// "Uncertain inputs"): the lowest tier whose share at the branch is a number; -1 when no
    /// share at the branch is uncertain (or every one is, which the checker rejects).
    public var remainderTiers: [Int] {
        branches.map { b in
            guard b.tiers.contains(where: { $0.uncertain[.share] != nil }) else { return -1 }
            return b.tiers.firstIndex { $0.uncertain[.share] == nil } ?? -1
        }
    }

    /// The path of an uncertain cost line: `CAMPAIGN.cost.UNIT` (`meet.cost.contact`,
    /// `meet.cost.once`).
    public static func costInputPath(_ campaign: String, _ unit: Cost.Unit) -> String { "\(campaign).cost.\(unit.rawValue)" }

    /// The metric key an input's drawn value is reported under.
    public static func inputMetricKey(_ path: String) -> String { "input." + path }
}

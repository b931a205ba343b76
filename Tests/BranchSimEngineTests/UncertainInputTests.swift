import BranchSimModel
import Foundation
import Testing
@testable import BranchSimEngine

/// Uncertain inputs (docs/model.md, "Uncertain inputs"): drawn once per replication, keyed by
/// their declaration path, reported as `input.PATH`.
@Suite struct UncertainInputTests {
    /// A small scenario whose campaign `c` converts with an uncertain rate (and `d` its second campaign).
    static func scenario(_ convert: InputDistribution?, attend: InputDistribution? = nil, second: Bool = false,
                         runs: Int = 200) -> Scenario {
        var c = Fixtures.campaign("c", contacts: .count(20), funnel: [("attend", 0.5), ("convert", 0.4)], amount: .fixed(10_000))
        c.funnel[0].uncertainty = attend
        c.funnel[1].uncertainty = convert
        if let convert { c.funnel[1].probability = convert.mean }
        var campaigns = [c]
        if second { campaigns.insert(Fixtures.campaign("d", contacts: .count(5), amount: .fixed(5_000)), at: 0) }
        return Fixtures.small(customers: 400, campaigns: campaigns, horizon: .weeks(6), runs: runs)
    }

    @Test func eachInputIsDrawnOncePerReplicationFromItsDistribution() throws {
        let r = try run(Self.scenario(.uniform(low: 0.3, high: 0.5), runs: 400))
        let drawn = r.all("input.c.convert")
        #expect(drawn.count == 400)
        #expect(drawn.allSatisfy { $0 >= 0.3 && $0 <= 0.5 })
        #expect(abs(drawn.reduce(0, +) / 400 - 0.4) < 0.01)
        // Uniform on [0.3, 0.5]: sd 0.2 / sqrt(12) = 0.0577.
        #expect(abs(r.summary(of: "input.c.convert")!.sd - 0.0577) < 0.006)
        #expect(Set(drawn).count == 400)
    }

    @Test func theDrawnRateDrivesTheFunnel() throws {
        // Conversions per attendee follow the replication's drawn rate: their correlation is strong.
        let r = try run(Self.scenario(.uniform(low: 0.05, high: 0.95), runs: 200))
        let x = r.all("input.c.convert"), a = r.all("funnel.c.attend"), y = r.all("funnel.c.convert")
        let ratio = zip(y, a).map { $0 / max(1, $1) }
        #expect(correlation(x, ratio) > 0.9)
    }

    @Test func keysFollowThePathNotThePosition() throws {
        let alone = try run(Self.scenario(.uniform(low: 0.3, high: 0.5)))
        // Another input, and another campaign declared before, leave this input's draws as they were.
        let more = try run(Self.scenario(.uniform(low: 0.3, high: 0.5), attend: .beta(mean: 0.5, sd: 0.1), second: true))
        #expect(alone.all("input.c.convert") == more.all("input.c.convert"))
        #expect(more.all("input.c.attend") != more.all("input.c.convert"))
    }

    @Test func variantsShareTheirInputDraws() throws {
        // Common random numbers: a variant with more contacts draws the same rates.
        let base = Self.scenario(.triangular(low: 0.3, mode: 0.4, high: 0.55))
        var busy = base
        busy.campaigns[0].contacts = .count(30)
        let a = try run(base), b = try run(busy)
        #expect(a.all("input.c.convert") == b.all("input.c.convert"))
        // Independent streams (`compare ... independent`) draw other rates.
        let c = try run(busy, salt: 99)
        #expect(a.all("input.c.convert") != c.all("input.c.convert"))
    }

    @Test func aFixedInputHoldsItsValueAndTheOthersStillDraw() throws {
        var options = RunOptions(threads: 2)
        options.fixedInputs = ["c.convert": 0.45]
        let s = Self.scenario(.uniform(low: 0.3, high: 0.5), attend: .uniform(low: 0.4, high: 0.6))
        let fixed = try Engine.run(s, label: "base", options: options)
        let free = try run(s)
        #expect(fixed.all("input.c.convert").allSatisfy { $0 == 0.45 })
        #expect(fixed.all("input.c.attend") == free.all("input.c.attend"))
        options.fixedInputs = ["c.nothing": 0.45]
        #expect(throws: EngineError.self) { try Engine.run(s, label: "base", options: options) }
    }

    @Test func aNoiseSaltKeepsTheInputsAndRedrawsTheRest() throws {
        let s = Self.scenario(.uniform(low: 0.3, high: 0.5))
        var options = RunOptions(threads: 2)
        options.noiseSalt = 7
        let twin = try Engine.run(s, label: "base", options: options)
        let first = try run(s)
        #expect(twin.all("input.c.convert") == first.all("input.c.convert"))
        #expect(twin.all("funnel.c.attend") != first.all("funnel.c.attend"))
    }

    @Test func resultsDoNotDependOnThreads() throws {
        let s = Self.scenario(.beta(mean: 0.4, sd: 0.05))
        #expect(try run(s, threads: 1).replications == run(s, threads: 3).replications)
    }

    @Test func quantilesMatchTheDistributions() {
        let u = InputDistribution.uniform(low: 0.35, high: 0.45)
        #expect(abs(u.quantile(0.5) - 0.4) < 1e-12)
        let t = InputDistribution.triangular(low: 0.3, mode: 0.4, high: 0.55)
        // The mode's share of the triangle: (0.4 - 0.3) / (0.55 - 0.3) = 0.4.
        #expect(abs(t.quantile(0.4) - 0.4) < 1e-12)
        #expect(abs(t.mean - 0.41666666666666667) < 1e-12)
        // Beta(mean 40%, sd 5%): a = 37.999..., b = 56.999...; the mean and sd of its quantiles.
        let b = InputDistribution.beta(mean: 0.4, sd: 0.05)
        let n = 4000
        let xs = (0..<n).map { b.quantile((Double($0) + 0.5) / Double(n)) }
        let m = xs.reduce(0, +) / Double(n)
        let sd = (xs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(n)).squareRoot()
        #expect(abs(m - 0.4) < 1e-3)
        #expect(abs(sd - 0.05) < 1e-3)
        // Beta(2, 2) (mean 50%, sd sqrt(1/20)) is symmetric: I_0.5 = 0.5, and I_0.25 = 0.15625.
        #expect(abs(InputDistribution.regularizedBeta(0.25, 2, 2) - 0.15625) < 1e-12)
        #expect(InputDistribution.beta(mean: 0.4, sd: 0.5).problem != nil)
        #expect(InputDistribution.triangular(low: 0.5, mode: 0.4, high: 0.55).problem != nil)
    }

    func correlation(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
        return sxy / (sxx * syy).squareRoot()
    }
}

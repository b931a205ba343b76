import Foundation
import Testing
@testable import BranchSimEngine

/// Goodness-of-fit tests at fixed seeds: Kolmogorov-Smirnov for continuous samplers
/// (critical value at alpha = 0.01: 1.628 / sqrt(n)), chi-square for discrete ones
/// (0.999 quantile by Wilson-Hilferty).
@Suite struct SamplerTests {
    static func ksStatistic(_ xs: [Double], cdf: (Double) -> Double) -> Double {
        let s = xs.sorted()
        let n = Double(s.count)
        var d = 0.0
        for (i, x) in s.enumerated() {
            let f = cdf(x)
            d = max(d, abs(f - Double(i) / n), abs(Double(i + 1) / n - f))
        }
        return d
    }

    static func ksCritical(_ n: Int) -> Double { 1.628 / Double(n).squareRoot() }

    static func chiSquareCritical999(df: Int) -> Double {
        let k = Double(df), z = 3.090232306167813
        let a = 2 / (9 * k)
        return k * pow(1 - a + z * a.squareRoot(), 3)
    }

    /// Chi-square of observed counts against expected probabilities; bins with expected
    /// count under 5 are pooled into a tail bin.
    static func chiSquare(observed: [Int], probabilities: [Double], n: Int) -> (stat: Double, df: Int) {
        var stat = 0.0, bins = 0, restO = 0.0, restE = 0.0
        for (o, p) in zip(observed, probabilities) {
            let e = p * Double(n)
            if e < 5 { restO += Double(o); restE += e; continue }
            stat += (Double(o) - e) * (Double(o) - e) / e
            bins += 1
        }
        let tailO = restO + Double(n - observed.reduce(0, +))
        let tailE = restE + Double(n) * max(0, 1 - probabilities.reduce(0, +))
        if tailE > 0 { stat += (tailO - tailE) * (tailO - tailE) / tailE; bins += 1 }
        return (stat, bins - 1)
    }

    static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    @Test func uniformPassesKS() {
        var g = Xoshiro256PlusPlus(key: 1)
        let xs = (0..<20_000).map { _ in Sampler.unit(using: &g) }
        #expect(xs.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(Self.ksStatistic(xs) { min(max($0, 0), 1) } < Self.ksCritical(xs.count))
    }

    @Test func keyedDrawsAreUniform() {
        // Consecutive keys (replication i, customer j) must look independent and uniform.
        let xs = (0..<20_000).map { RandomKey.unit(RandomKey.finalize(RandomKey.mix(RandomKey.mix(7, UInt64($0 / 100)), UInt64($0 % 100)))) }
        #expect(Self.ksStatistic(xs) { min(max($0, 0), 1) } < Self.ksCritical(xs.count))
        // Lag-1 correlation near 0.
        let m = xs.reduce(0, +) / Double(xs.count)
        var num = 0.0, den = 0.0
        for i in 0..<(xs.count - 1) { num += (xs[i] - m) * (xs[i + 1] - m) }
        for x in xs { den += (x - m) * (x - m) }
        #expect(abs(num / den) < 0.03)
    }

    @Test func normalPassesKS() {
        var g = SplitMix64(key: 2)
        let xs = (0..<20_000).map { _ in Sampler.normal(using: &g) }
        #expect(Self.ksStatistic(xs, cdf: Self.normalCDF) < Self.ksCritical(xs.count))
    }

    @Test func lognormalMatchesMedianAndP90() {
        var g = Xoshiro256PlusPlus(key: 3)
        let xs = (0..<20_000).map { _ in Sampler.lognormal(median: 60_000, p90: 200_000, using: &g) }
        let sigma = log(200_000.0 / 60_000) / Sampler.z90
        let d = Self.ksStatistic(xs) { Self.normalCDF((log($0) - log(60_000)) / sigma) }
        #expect(d < Self.ksCritical(xs.count))
        let s = xs.sorted()
        #expect(abs(s[10_000] / 60_000 - 1) < 0.05)
        #expect(abs(s[18_000] / 200_000 - 1) < 0.06)
    }

    @Test func paretoPassesKS() {
        var g = Xoshiro256PlusPlus(key: 4)
        let xs = (0..<20_000).map { _ in Sampler.pareto(min: 6_000_000, alpha: 1.5, using: &g) }
        #expect(xs.allSatisfy { $0 >= 6_000_000 })
        #expect(Self.ksStatistic(xs) { 1 - pow(6_000_000 / $0, 1.5) } < Self.ksCritical(xs.count))
    }

    @Test func logUniformPassesKS() {
        var g = Xoshiro256PlusPlus(key: 5)
        let xs = (0..<20_000).map { _ in Sampler.logUniform(low: 50_000, high: 200_000, using: &g) }
        #expect(xs.allSatisfy { $0 >= 50_000 && $0 < 200_000 })
        #expect(Self.ksStatistic(xs) { log($0 / 50_000) / log(4.0) } < Self.ksCritical(xs.count))
    }

    static func binomialPMF(_ k: Int, _ n: Int, _ p: Double) -> Double {
        let nd = Double(n), kd = Double(k)
        let logChoose: Double = lgamma(nd + 1) - lgamma(kd + 1) - lgamma(nd - kd + 1)
        let logP: Double = kd * log(p) + (nd - kd) * log(1 - p)
        return exp(logChoose + logP)
    }

    @Test(arguments: [(20, 0.3), (200, 0.01), (1000, 0.4), (5000, 0.93), (100_000, 0.002)])
    func binomialPassesChiSquare(n: Int, p: Double) {
        var g = Xoshiro256PlusPlus(key: UInt64(n) &* 31 &+ UInt64(p * 1000))
        let draws = 20_000
        let mean = Double(n) * p, sd = (mean * (1 - p)).squareRoot()
        let lo = max(0, Int(mean - 6 * sd)), hi = min(n, Int(mean + 6 * sd) + 1)
        var observed = Array(repeating: 0, count: hi - lo + 1)
        var outside = 0
        for _ in 0..<draws {
            let k = Sampler.binomial(n: n, p: p, using: &g)
            #expect(k >= 0 && k <= n)
            if k >= lo && k <= hi { observed[k - lo] += 1 } else { outside += 1 }
        }
        let probs = (lo...hi).map { Self.binomialPMF($0, n, p) }
        let (stat, df) = Self.chiSquare(observed: observed, probabilities: probs, n: draws)
        #expect(df > 0)
        #expect(stat < Self.chiSquareCritical999(df: df), "n \(n) p \(p): chi2 \(stat) df \(df)")
        #expect(outside < 5)
    }

    @Test func indexBelowIsUniform() {
        var g = SplitMix64(key: 9)
        var counts = Array(repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[Sampler.index(below: 7, using: &g)] += 1 }
        let (stat, df) = Self.chiSquare(observed: counts, probabilities: Array(repeating: 1.0 / 7, count: 7), n: 70_000)
        #expect(stat < Self.chiSquareCritical999(df: df))
    }

    @Test func samplingWithoutReplacementIsUniformAndDistinct() {
        var g = Xoshiro256PlusPlus(key: 10)
        var counts = Array(repeating: 0, count: 50)
        var firsts = Array(repeating: 0, count: 50)
        // The sampler the engine uses (without a copy), over members 0..<50.
        let members = (0..<50).map { Int32($0) }
        var table: [Int64] = []
        var buf: [Int32] = []
        let trials = 20_000
        for _ in 0..<trials {
            buf.removeAll(keepingCapacity: true)
            members.withUnsafeBufferPointer { m in
                Sampler.sampleWithoutReplacement(from: m.baseAddress!, count: 50, k: 10, into: &buf, table: &table, using: &g)
            }
            #expect(buf.count == 10 && Set(buf).count == 10)
            for x in buf { counts[Int(x)] += 1 }
            firsts[Int(buf[0])] += 1
        }
        // Each element is included with probability 10/50.
        let (stat, df) = Self.chiSquare(observed: counts, probabilities: Array(repeating: 0.2 / 10, count: 50), n: trials * 10)
        #expect(stat < Self.chiSquareCritical999(df: df))
        let (s2, d2) = Self.chiSquare(observed: firsts, probabilities: Array(repeating: 1.0 / 50, count: 50), n: trials)
        #expect(s2 < Self.chiSquareCritical999(df: d2))
    }

    /// The sampler without a copy gives what the one on a copy gives: the same values in
    /// the same order from the same draws, for k from 1 to beyond the count (sets of 1 to
    /// 20,000 members, and tables reused between calls).
    @Test func samplingWithoutACopyMatchesSamplingACopy() {
        var sizes = SplitMix64(key: 99)
        var table: [Int64] = []
        for trial in 0..<400 {
            let count = 1 + Int(sizes.next() % (trial % 10 == 0 ? 20_000 : 300))
            let k = 1 + Int(sizes.next() % UInt64(min(count + 5, trial % 3 == 0 ? count + 5 : 60)))
            let members = (0..<count).map { _ in Int32(truncatingIfNeeded: sizes.next() % 1_000_000) }
            var copy = members
            var dense = Xoshiro256PlusPlus(key: UInt64(trial)), sparse = Xoshiro256PlusPlus(key: UInt64(trial))
            Sampler.sampleWithoutReplacement(&copy, count: count, k: k, using: &dense)
            var out: [Int32] = []
            members.withUnsafeBufferPointer { m in
                Sampler.sampleWithoutReplacement(from: m.baseAddress!, count: count, k: k, into: &out, table: &table, using: &sparse)
            }
            #expect(out == Array(copy[0..<min(k, count)]), "trial \(trial): count \(count), k \(k)")
            #expect(dense.draws == sparse.draws)
        }
    }

    @Test func amountDistributions() {
        var g = SplitMix64(key: 11)
        #expect(Sampler.amount(.fixed(5), offbank: 0, using: &g) == 5)
        #expect(Sampler.amount(.shareOfOffbank(0.3), offbank: 1000, using: &g) == 300)
        let u = (0..<1000).map { _ in Sampler.amount(.uniform(10, 20), offbank: 0, using: &g) }
        #expect(u.allSatisfy { $0 >= 10 && $0 < 20 })
    }
}

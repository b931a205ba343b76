import Foundation
import CBranchSimKernels
import Testing
@testable import BranchSimEngine

/// The selection kernel: the dispatched loop (AVX-512 where the processor has it) must give
/// exactly the scalar loop's values, in the same order, and the scalar loop must be the
/// priority the engine defines (`mix(key, tag)` high 32 bits | customer).
@Suite struct KernelTests {
    @Test func dispatchedLoopEqualsScalarLoopAndTheDefinition() {
        var g = Xoshiro256PlusPlus(key: 11)
        for trial in 0..<400 {
            let n = Int(g.next() % (trial % 5 == 1 ? 3000 : 300))   // tails of every length below 8
            let keys = (0..<n).map { _ in g.next() }
            let ids = (0..<n).map { _ in Int32(truncatingIfNeeded: g.next() % 1_000_000) }
            let tag = g.next()
            let add = (tag &+ 1) &* RandomKey.golden
            // .max, any value, and below 2^57 (the kernel's loop for few passing values).
            let threshold: UInt64 = trial % 5 == 0 ? .max : trial % 5 == 1 ? g.next() >> (7 + g.next() % 4) : g.next()
            var fast = [UInt64](repeating: 0, count: max(1, n)), slow = fast
            let a = bs_collect_priorities(keys, ids, n, add, threshold, &fast)
            let b = bs_collect_priorities_scalar(keys, ids, n, add, threshold, &slow)
            #expect(a == b)
            #expect(Array(fast.prefix(a)) == Array(slow.prefix(b)), "trial \(trial), n \(n)")
            let expected = (0..<n).map { i in
                (RandomKey.mix(keys[i], tag) & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(bitPattern: ids[i]))
            }.filter { $0 < threshold }
            #expect(Array(slow.prefix(b)) == expected)
        }
        print("selection kernel uses AVX-512: \(bs_collect_priorities_simd() == 1)")
    }
}

/// The keyed-draw kernels (eight customers at a time where the processor has AVX-512): each
/// value they produce must be bit for bit what the engine's Swift code computes for one
/// customer, so results never depend on which path made them.
@Suite struct DrawKernelTests {
    @Test func logUniformBalancesMatchTheSwiftFormula() {
        var g = Xoshiro256PlusPlus(key: 3)
        var handledAny = false
        for trial in 0..<300 {
            let n = Int(g.next() % 90)
            let base = g.next(), first = g.next() % 100_000
            // Real tier ranges, clipped and not, and ranges that leave (-700, 700).
            let (a, span): (Double, Double) = switch trial % 4 {
            case 0: (log(1000), log(50_000) - log(1000))
            case 1: (log(50_000 / 1.2), log(200_000 / 1.2) - log(50_000 / 1.2))
            case 2: (690, 20)
            default: (-720, 30)
            }
            let lo = trial % 3 == 0 ? exp(a + span / 3) : exp(a)
            let hiClip = trial % 5 == 0 ? exp(a + span / 2) : exp(a + span) * (1 - 1e-12)
            var keys = [UInt64](repeating: 0, count: max(1, n)), out = [Double](repeating: 0, count: max(1, n))
            let handled = bs_log_uniform_balances(base, first, n, a, span, lo, hiClip, FastMath.exp2Table, &keys, &out)
            #expect(handled % 8 == 0 && handled <= n)
            if bs_collect_priorities_simd() == 1 && trial % 4 < 2 { #expect(handled == n - n % 8) }
            handledAny = handledAny || handled > 0
            for i in 0..<handled {
                let key = RandomKey.mix(base, first + UInt64(i))
                var x = FastMath.exp(a + span * RandomKey.unit(RandomKey.mix(key, 1)))
                x = max(x, lo, 0)
                x = min(x, hiClip)
                #expect(keys[i] == key)
                #expect(out[i].bitPattern == x.bitPattern, "trial \(trial) i \(i): \(out[i]) vs \(x)")
            }
        }
        #expect(handledAny == (bs_collect_priorities_simd() == 1))
    }

    @Test func keyedBelowMatchesTheSwiftDraw() {
        var g = Xoshiro256PlusPlus(key: 4)
        for trial in 0..<300 {
            let n = Int(g.next() % 70)
            let keys = (0..<n).map { _ in g.next() }
            let tag = g.next() % 50, p = trial % 7 == 0 ? 1.0 : Double(g.next() % 1000) / 1000
            var out = [UInt8](repeating: 9, count: max(1, n))
            let handled = bs_keyed_below(keys, n, tag, p, &out)
            #expect(handled % 8 == 0 && handled <= n)
            for i in 0..<handled {
                let below = RandomKey.unit(RandomKey.finalize(RandomKey.mix(keys[i], tag))) < p
                #expect(out[i] == (below ? 1 : 0), "trial \(trial) i \(i)")
            }
        }
    }

    @Test func stageFilterKeepsWhatTheSwiftLoopKeeps() {
        var g = Xoshiro256PlusPlus(key: 5)
        for trial in 0..<300 {
            let n = Int(g.next() % 70)
            var ids = (0..<n).map { _ in Int32(truncatingIfNeeded: g.next() % 50_000) }
            var bases = (0..<n).map { _ in g.next() }
            let sk = g.next(), p = trial % 9 == 0 ? 0.999 : Double(g.next() % 1000) / 1000
            let expected = (0..<n).filter { RandomKey.unit(RandomKey.finalize(RandomKey.mix(bases[$0], sk))) < p }
            let before = (ids, bases)
            var kept = -1
            let handled = bs_stage_filter(&ids, &bases, n, sk, p, &kept)
            #expect(handled % 8 == 0 && handled <= n)
            let keptIndices = expected.filter { $0 < handled }
            #expect(kept == keptIndices.count, "trial \(trial)")
            for (j, i) in keptIndices.enumerated() where j < kept {
                #expect(ids[j] == before.0[i] && bases[j] == before.1[i], "trial \(trial) kept \(j)")
            }
            // Values not yet handled are untouched.
            #expect(Array(ids[handled...]) == Array(before.0[handled...]))
            #expect(Array(bases[handled...]) == Array(before.1[handled...]))
        }
    }
}

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

import CBranchSimKernels
import Testing
@testable import BranchSimEngine

/// `PartialSort.smallestFirst` against the standard library's sort: the first `k` positions
/// must equal the sorted array's first `k`, and the whole must stay a permutation.
@Suite struct PartialSortTests {
    @Test func prefixEqualsTheSortedPrefix() {
        var g = Xoshiro256PlusPlus(key: 99)
        for trial in 0..<3000 {
            let n = Int(g.next() % 400)
            // Small value ranges give many duplicates (and runs equal to the pivot).
            let range: UInt64 = trial % 3 == 0 ? 4 : (trial % 3 == 1 ? 1000 : .max)
            var xs = (0..<n).map { _ in range == .max ? g.next() : g.next() % range }
            if trial % 7 == 0 { xs.sort() }
            if trial % 11 == 0 { xs.sort(by: >) }
            let k = n == 0 ? 0 : Int(g.next() % UInt64(n + 3))
            let sorted = xs.sorted()
            var ys = xs
            ys.withUnsafeMutableBufferPointer { PartialSort.smallestFirst($0.baseAddress!, count: n, k: k) }
            let m = min(k, n)
            #expect(Array(ys.prefix(m)) == Array(sorted.prefix(m)), "n \(n) k \(k) trial \(trial)")
            #expect(ys.sorted() == sorted)
        }
    }
}

extension PartialSortTests {
    /// `sortSpread` sorts whatever the values, spread evenly below the bound or not.
    @Test func spreadSortSortsAnything() {
        var g = Xoshiro256PlusPlus(key: 7)
        for trial in 0..<3000 {
            let n = Int(g.next() % 300)
            let bound: UInt64 = trial % 4 == 0 ? .max : 1 + g.next() % (1 << 40)
            var xs = (0..<n).map { _ -> UInt64 in
                switch trial % 3 {
                case 0: return g.next() % bound          // spread as in selection
                case 1: return g.next() % 5               // heavy duplicates, all in one bucket
                default: return g.next()                  // above the bound: clamped buckets
                }
            }
            let sorted = xs.sorted()
            var scratch = [UInt64](repeating: 0, count: 2 * n + 1)
            xs.withUnsafeMutableBufferPointer { x in
                scratch.withUnsafeMutableBufferPointer { PartialSort.sortSpread(x.baseAddress!, count: n, bound: bound, scratch: $0.baseAddress!) }
            }
            #expect(xs == sorted, "n \(n) trial \(trial)")
        }
    }
}

extension PartialSortTests {
    /// `sortSmallest` (the AVX-512 network where the processor has it, up to 128 values):
    /// its first `min(k, n)` values are the sorted array's, for every length around the
    /// network's register and merge sizes, with duplicates, maximums (the padding value)
    /// and the bucket sort's fallback past its limits.
    @Test func sortSmallestGivesTheSortedPrefix() {
        var g = Xoshiro256PlusPlus(key: 21)
        var networkCalls = 0
        for trial in 0..<6000 {
            let n = trial < 200 ? trial : Int(g.next() % 160)
            let k = n == 0 ? 0 : 1 + Int(g.next() % UInt64(trial % 2 == 0 ? 64 : n + 8))
            let bound: UInt64 = trial % 4 == 0 ? .max : 1 + g.next() % (1 << 40)
            let xs = (0..<n).map { _ -> UInt64 in
                switch trial % 4 {
                case 0: return g.next() % bound
                case 1: return g.next() % 5
                case 2: return .max - g.next() % 3
                default: return g.next()
                }
            }
            let sorted = xs.sorted()
            var ys = xs
            var scratch = [UInt64](repeating: 0, count: 2 * n + 1)
            ys.withUnsafeMutableBufferPointer { y in
                scratch.withUnsafeMutableBufferPointer {
                    PartialSort.sortSmallest(y.baseAddress!, count: n, k: k, bound: bound, scratch: $0.baseAddress!)
                }
            }
            let m = min(k, n)
            #expect(Array(ys.prefix(m)) == Array(sorted.prefix(m)), "n \(n) k \(k) trial \(trial)")
            if n <= 128 && (n <= 64 || k <= 64) { networkCalls += 1 }
        }
        #expect(networkCalls > 3000)
        print("sorting network in use: \(bs_collect_priorities_simd() == 1)")
    }

    /// The network's contract: it declines (and leaves the values alone) past 128 values, or
    /// past 64 when more than 64 are asked for; below, all of up to 64 values come out sorted.
    @Test func networkDeclinesWhatItCannotSort() {
        guard bs_collect_priorities_simd() == 1 else { return }
        var g = Xoshiro256PlusPlus(key: 5)
        var big = (0..<129).map { _ in g.next() }
        let before = big
        #expect(bs_sort_smallest(&big, 129, 10) == 0)
        #expect(big == before)
        var mid = (0..<100).map { _ in g.next() }
        let midBefore = mid
        #expect(bs_sort_smallest(&mid, 100, 65) == 0)
        #expect(mid == midBefore)
        var small = (0..<64).map { _ in g.next() }
        let sorted = small.sorted()
        #expect(bs_sort_smallest(&small, 64, 3) == 1)
        #expect(small == sorted)
    }
}

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

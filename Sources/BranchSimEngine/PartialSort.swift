import BranchSimModel
import CBranchSimKernels

/// Ordering contact priorities: the k smallest of a buffer in ascending order, in place.
enum PartialSort {
    /// Puts the `min(k, n)` smallest values of `p[0..<n]` first, ascending; the positions after
    /// them hold unspecified values of `p`. A sorting network in AVX-512 registers where the
    /// processor has it and n <= 128 (k <= 64 past 64 values: a selection takes 40 or so of
    /// about 70 survivors), else `sortSpread`. The first `min(k, n)` values are the same either
    /// way: a sorted prefix is unique. `scratch` as for `sortSpread`.
    static func sortSmallest(_ p: UnsafeMutablePointer<UInt64>, count n: Int, k: Int, bound: UInt64,
                             scratch: UnsafeMutablePointer<UInt64>) {
        if bs_sort_smallest(p, n, min(k, n)) != 0 { return }
        sortSpread(p, count: n, bound: bound, scratch: scratch)
    }

    /// Sorts `p[0..<n]` ascending when its values are spread about evenly over `0..<bound`
    /// (keyed priorities below a threshold): a counting sort into `n` buckets by value, then
    /// an insertion sort that only fixes order within buckets. Correct for any values; the
    /// spread only makes it fast (few branches the processor cannot predict, unlike
    /// quicksort's comparisons of random values).
    /// `scratch` has room for at least `2n + 1` values.
    static func sortSpread(_ p: UnsafeMutablePointer<UInt64>, count n: Int, bound: UInt64,
                           scratch: UnsafeMutablePointer<UInt64>) {
        guard n > 1 else { return }
        // Bucket of v: (v's top 32 bits) x n / (bound's top 32 bits + 1), by a multiply with a
        // fixed-point reciprocal (monotone in v, no division, no float conversion).
        let scale = (UInt64(n) << 32) / ((bound >> 32) &+ 1)
        let last = UInt64(n - 1)
        @inline(__always) func bucket(_ v: UInt64) -> Int { Int(min(last, ((v >> 32) &* scale) >> 32)) }
        let counts = scratch, tmp = scratch + (n + 1)
        counts.update(repeating: 0, count: n + 1)
        for i in 0..<n { counts[bucket(p[i]) &+ 1] &+= 1 }
        for b in 0..<n { counts[b &+ 1] &+= counts[b] }
        for i in 0..<n {
            let v = p[i]
            let b = bucket(v)
            tmp[Int(counts[b])] = v
            counts[b] &+= 1
        }
        p.update(from: tmp, count: n)
        insertionSort(p, 0, n - 1)
    }

    /// Rearranges `p[0..<n]` so that `p[0..<k]` holds its `k` smallest values in ascending order
    /// (the rest in some order): a selection of the k-th, then a sort of the first k.
    static func smallestFirst(_ p: UnsafeMutablePointer<UInt64>, count n: Int, k: Int) {
        let k = min(k, n)
        guard n > 1, k > 0 else { return }
        OrderStatistics.select(p, 0, n - 1, k - 1)
        var first = UnsafeMutableBufferPointer(start: p, count: k)
        first.sort()
    }

    @inline(__always)
    private static func insertionSort(_ p: UnsafeMutablePointer<UInt64>, _ lo: Int, _ hi: Int) {
        guard hi > lo else { return }
        for i in (lo + 1)...hi {
            let x = p[i]
            var j = i - 1
            while j >= lo && p[j] > x {
                p[j + 1] = p[j]
                j -= 1
            }
            p[j + 1] = x
        }
    }
}

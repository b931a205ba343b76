/// The `k` smallest of a buffer of distinct-or-not `UInt64` values, in ascending order, in
/// place: a quicksort that only recurses into the part that overlaps the first `k` positions
/// (O(n + k log k) expected), with insertion sort for short ranges. Contact selection calls it
/// on every occurrence, where the generic standard-library sort of the whole candidate list
/// was a tenth of a replication.
enum PartialSort {
    /// Rearranges `p[0..<n]` so that `p[0..<k]` holds its `k` smallest values in ascending order
    /// (the rest in some order).
    static func smallestFirst(_ p: UnsafeMutablePointer<UInt64>, count n: Int, k: Int) {
        guard n > 1, k > 0 else { return }
        var lo = 0, hi = n - 1
        let want = min(k, n) - 1  // the last position that must hold its sorted value
        // Iterative on the side holding `want`, recursive (shorter) on the other side when
        // that side also lies within the first k positions.
        while hi - lo > 16 {
            let pivot = median3(p[lo], p[lo + (hi - lo) / 2], p[hi])
            var i = lo, j = hi
            while i <= j {
                while p[i] < pivot { i += 1 }
                while p[j] > pivot { j -= 1 }
                if i <= j {
                    let t = p[i]; p[i] = p[j]; p[j] = t
                    i += 1
                    j -= 1
                }
            }
            // Now p[lo...j] <= pivot <= p[i...hi], and p[j+1..<i] == pivot.
            if want <= j {
                hi = j
            } else if want < i {
                // The boundary falls in the pivot run: the left part must be sorted, the right not.
                smallestFirst(p + lo, count: j - lo + 1, k: j - lo + 1)
                return
            } else {
                smallestFirst(p + lo, count: j - lo + 1, k: j - lo + 1)
                lo = i
            }
        }
        insertionSort(p, lo, hi)
    }

    @inline(__always)
    private static func median3(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        max(min(a, b), min(max(a, b), c))
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

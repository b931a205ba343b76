import BranchSimModel

/// The split of a network's picks over its pool's (branch, tier) sets: `k` distinct positions
/// of `0..<total` drawn by Floyd's algorithm from a keyed stream, counted per set by the
/// sets' running sums. A uniform `k`-subset of the union's positions, so the counts per set
/// follow the multivariate hypergeometric law; the positions depend only on `(k, total)` and
/// the key, so two variants whose sets hold as many eligible customers split alike, and a
/// small change of one set's count moves only the picks near its boundaries (common random
/// numbers). Cost O(k log k + sets), whatever the sets hold.
struct PoolSplit {
    /// Floyd's positions (sorted after the draw), and an open-addressing table of them while
    /// they are drawn (`value + 1`, 0 empty; then the sort's scratch). Kept across occurrences.
    var positions = Column<UInt64>()
    var table = Column<UInt64>()

    /// Draws `k` distinct positions of `0..<total` (`0 < k < total`) from the stream of `key`,
    /// into `positions`, ascending. Returns the draws taken.
    mutating func draw(k: Int, total: Int, key: UInt64) -> Int {
        precondition(k > 0 && k < total)
        var size = 16
        while size < 2 * k + 1 { size <<= 1 }
        table.removeAll()
        table.append(repeating: 0, count: size)
        positions.removeAll()
        positions.reserveCapacity(k)
        let mask = UInt64(size - 1), slots = table.base
        // Inserts v when absent; says whether it was.
        @inline(__always) func insert(_ v: UInt64) -> Bool {
            var i = RandomKey.finalize(v) & mask
            while true {
                let e = slots[Int(i)]
                if e == 0 { slots[Int(i)] = v &+ 1; return true }
                if e == v &+ 1 { return false }
                i = (i &+ 1) & mask
            }
        }
        var g = SplitMix64(key: key)
        for j in (total - k)..<total {
            let t = UInt64(Sampler.index(below: j + 1, using: &g))
            let v = insert(t) ? t : UInt64(j)
            if v != t { _ = insert(v) }
            // In the high half while sorted: the counting sort buckets by the top 32 bits.
            positions.append(v << 32)
        }
        // Spread evenly over `0..<total`: the counting sort's case (distinct values, so the
        // order is the one any sort gives).
        PartialSort.sortSmallest(positions.base, count: k, k: k, bound: UInt64(total - 1) << 32, scratch: table.base)
        for i in 0..<k { positions[i] >>= 32 }
        return g.draws
    }
}

extension Replicator {
    /// `selectFromReady` for a pool of several outlets (`audience network`): the same law (a
    /// uniform sample without replacement of `min(k, pool)` eligible customers, in a uniform
    /// random order) at a cost that follows `k`, not the network. The `k` picks are split over
    /// the pool's sets (`PoolSplit`, keyed by the occurrence); each set that receives `k_s`
    /// picks gives its `k_s` customers of smallest keyed priority (`mix(ck, occ + 20)`, as any
    /// selection); the picks are then ordered by a second keyed priority `mix(ck, occ + 22)`
    /// (a set's picks are its smallest priorities, so the first priorities would put the
    /// picks of large sets first). Only the sets that receive picks are hashed. When `k`
    /// covers the pool, every eligible customer is contacted and the plain selection (whose
    /// cost is the pool's anyway) orders them. docs/model.md, "Contacts across a network".
    mutating func selectAcrossOutlets(k: Int, sets list: [Int], slot: Int, occTag: UInt64) {
        var total = 0
        for set in list { total += ready.ids[slot * setCount + set].count }
        guard total > 0 else { return }
        if k >= total {
            selectFromReady(k: k, sets: list, slot: slot, occTag: occTag)
            return
        }
        // The occurrence's tag is the same in every replication (customers' keys carry the
        // replication into the priorities): the split's key takes the replication's key too,
        // and the tier of the pool's first set, so that the tiers of a weighted target (one
        // selection each, at the same occurrence) split independently, as their pools'
        // priorities are independent in the whole-pool selection.
        let key = RandomKey.mix(RandomKey.mix(RandomKey.mix(repKey, Purpose.split), occTag), UInt64(list[0] % tiers))
        draws &+= split.draw(k: k, total: total, key: key)
        let before = occurrence.contacts.count
        let positions = split.positions.base
        var next = 0, end = 0
        for set in list {
            end += ready.ids[slot * setCount + set].count
            let first = next
            while next < k && positions[next] < UInt64(end) { next += 1 }
            if next > first { selectFromReady(k: next - first, sets: CollectionOfOne(set), slot: slot, occTag: occTag) }
            if next == k { break }
        }
        // The order: `(mix(ck, occ + 22) high 32 bits) | id`, ascending.
        let n = occurrence.contacts.count - before
        occurrence.priorities.removeAll()
        occurrence.priorities.reserveCapacity(n)
        let keys = customers.key.base, add = (occTag &+ Purpose.order &+ 1) &* RandomKey.golden
        for i in before..<(before + n) {
            occurrence.priorities.append(Self.selectionPriority(keys, add, occurrence.contacts[i]))
        }
        draws &+= n
        occurrence.sortScratch.reserveCapacity(2 * n + 1)
        let order = occurrence.priorities.base
        PartialSort.sortSmallest(order, count: n, k: n, bound: .max, scratch: occurrence.sortScratch.base)
        for i in 0..<n { occurrence.contacts[before + i] = Int32(bitPattern: UInt32(truncatingIfNeeded: order[i])) }
    }
}

import BranchSimModel

/// A ranked candidate: its ranking value, then its keyed priority (ties, and the customer).
struct RankEntry: BitwiseCopyable {
    var value: Double
    var priority: UInt64
}

/// Journeys: campaigns whose `where` is a condition over holdings and history (hand-offs,
/// life cycle, `and`/`or`/`not`), or who `rank` their contacts. Their candidates come from
/// the driving hand-off's log of recent events (`History.recent`) when the condition has
/// one, else from a scan of the pool's sets; each candidate is checked as every campaign's
/// are (`eligible`: cooldown, plain filter) and by the condition (`admits`). The contacts are
/// the `k` with the smallest keyed priorities (a uniform sample, the same draw in every
/// variant where the customer is eligible), or with `rank`, the `k` best ranked, ties by
/// that priority.
extension Replicator {
    mutating func selectJourney(_ ref: CampaignRef, campaign ci: Int, host h: Int, occTag: UInt64) {
        if ref.plan.contactsAll || ref.plan.unionPool {
            gatherJourney(k: ref.plan.contactsAll ? Int.max : ref.plan.hostContacts[h], sets: ref.plan.unionSets[h], ref, campaign: ci, occTag: occTag)
        } else {
            for j in 0..<ref.plan.targetTiers.count where ref.plan.perTierContacts[h][j] > 0 {
                gatherJourney(k: ref.plan.perTierContacts[h][j], sets: ref.plan.tierSets[h][j], ref, campaign: ci, occTag: occTag)
            }
        }
    }

    /// Appends to `occurrence.contacts` the `k` chosen among the eligible customers of `list`.
    /// - Complexity: O(e + n log n) for a hand-off, e the events in its window and n the
    ///   candidates; O(m + n log n) for a scan, m the members of the pool's sets.
    mutating func gatherJourney(k: Int, sets list: [Int], _ cp: CampaignRef, campaign ci: Int, occTag: UInt64) {
        guard k > 0, cp.plan.driverSlot != -2 else { return }
        let add = Self.selectionAdd(occTag), keys = customers.key.base
        var found = Column<UInt64>()
        swap(&found, &occurrence.priorities)
        found.removeAll()
        @inline(__always) func priority(_ c32: Int32) -> UInt64 { Self.selectionPriority(keys, add, c32) }
        let filter = eligibility[ci]
        let slot = cp.plan.driverSlot
        if slot >= 0 {
            for (r, set) in list.enumerated() { occurrence.setRank[set] = Int32(truncatingIfNeeded: r) }
            history.stamp &+= 1
            let stamp = history.stamp
            let window = cp.plan.driverWindow
            let from = window == Int.max ? Int.min : now &- window
            // Only the logs of the pool's own outlets (each once): the cost follows the pool's
            // events, not every outlet's. The order the candidates are found in does not
            // matter: they are sorted by priority (or rank) below.
            gatherPoolBranches(list)
            for pb in occurrence.poolBranches {
                let (log, range) = history.recent(slot: slot, branch: Int(pb), from: from, now: now)
                let ids = history.logIds[log].base, seen = history.seen.base
                let alive = customers.alive.base, rank = occurrence.setRank.base
                handOffVisits &+= range.count
                for i in range {
                    let c32 = ids[i], c = Int(c32)
                    // Logged twice in the window: taken once.
                    if seen[c] == stamp { continue }
                    seen[c] = stamp
                    guard alive[c], rank[setOf(c)] >= 0, eligible(c, cp, filter: filter), admits(c, cp) else { continue }
                    found.append(priority(c32))
                }
            }
            for set in list { occurrence.setRank[set] = -1 }
        } else {
            for set in list {
                let members = cp.plan.bandSlot >= 0 ? bands.members(band: cp.plan.bandSlot, set: set) : sets.members[set]
                for c32 in members where eligible(Int(c32), cp, filter: filter) && admits(Int(c32), cp) { found.append(priority(c32)) }
            }
        }
        draws &+= found.count
        let n = found.count, taken = min(k, n)
        if cp.plan.rankCode == 0 {
            PartialSort.smallestFirst(found.base, count: n, k: taken)
            for i in 0..<taken { occurrence.contacts.append(Int32(bitPattern: UInt32(truncatingIfNeeded: found[i]))) }
        } else {
            var ranked = Column<RankEntry>()
            swap(&ranked, &occurrence.ranked)
            ranked.removeAll()
            ranked.reserveCapacity(n)
            for i in 0..<n {
                let c = Int(UInt32(truncatingIfNeeded: found[i]))
                ranked.append(RankEntry(value: rankValue(c, cp), priority: found[i]))
            }
            Self.smallestRanked(ranked.base, count: n, k: taken)
            for i in 0..<taken { occurrence.contacts.append(Int32(bitPattern: UInt32(truncatingIfNeeded: ranked[i].priority))) }
            swap(&ranked, &occurrence.ranked)
            ranked.free()  // the placeholder swapped in above
        }
        swap(&found, &occurrence.priorities)
        found.free()  // the placeholder swapped in above
    }

    /// Puts the `k` smallest of `entries` (by value, then priority: a total order, as the
    /// priorities hold the customer) first, in order: a bounded max-heap, O(n log k).
    static func smallestRanked(_ e: UnsafeMutablePointer<RankEntry>, count n: Int, k: Int) {
        @inline(__always) func less(_ a: RankEntry, _ b: RankEntry) -> Bool {
            a.value != b.value ? a.value < b.value : a.priority < b.priority
        }
        guard k > 0 else { return }
        if k < n {
            func siftDown(_ start: Int) {
                var i = start
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = i
                    if l < k && less(e[m], e[l]) { m = l }
                    if r < k && less(e[m], e[r]) { m = r }
                    if m == i { return }
                    let t = e[i]; e[i] = e[m]; e[m] = t
                    i = m
                }
            }
            for i in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(i) }
            for j in k..<n where less(e[j], e[0]) {
                e[0] = e[j]
                siftDown(0)
            }
        }
        var buffer = UnsafeMutableBufferPointer(start: e, count: k)
        buffer.sort(by: less)
    }

    /// Customer `c`'s place under campaign `cp`'s `rank` (smaller first).
    @inline(__always)
    func rankValue(_ c: Int, _ cp: CampaignRef) -> Double {
        switch cp.plan.rankCode {
        case 1:
            // Points still missing to the next tier; the top tier has none above it.
            let t = Int(customers.tier[c])
            return t + 1 < tiers ? plan.tierLow[t + 1] - customers.points[c] : .infinity
        case 2: return -customers.total[c]
        case 3: return customers.total[c]
        default:
            // Longest since the last contact first; never contacted before anyone.
            return Double(history.last[c &* history.slots &+ cp.plan.rankSlot])
        }
    }

    /// Whether customer `c` meets campaign `cp`'s condition (true without one): its postfix
    /// steps over a stack of bits.
    @inline(__always)
    func admits(_ c: Int, _ cp: CampaignRef) -> Bool {
        let count = cp.plan.condition.count
        if count == 0 { return true }
        return cp.plan.condition.withUnsafeBufferPointer { ops in
            var stack: UInt64 = 0
            for op in ops {
                var bit: UInt64
                switch op.code {
                case .segment: bit = customers.segments[c] & UInt64(UInt(bitPattern: op.int)) != 0 ? 1 : 0
                case .balance:
                    let x = customers.total[c]
                    bit = x >= op.low && x < op.high ? 1 : 0
                case .maturing: bit = isMaturing(c, product: op.int, within: op.window) ? 1 : 0
                case .holdsMoney: bit = customers.balance[c &* products &+ op.int] > 0 ? 1 : 0
                case .holdsFlat: bit = customers.flatHeld[c] & (1 << UInt64(op.int)) != 0 ? 1 : 0
                case .products: bit = op.comparison.holds(productsHeld(c), op.int) ? 1 : 0
                case .event: bit = history.within(c, slot: op.int, window: op.window, now: now) ? 1 : 0
                case .never: bit = 0
                case .and, .or:
                    let b = stack & 1, a = (stack >> 1) & 1
                    stack >>= 2
                    bit = op.code == .and ? a & b : a | b
                case .not:
                    bit = (stack & 1) ^ 1
                    stack >>= 1
                }
                stack = stack << 1 | bit
            }
            return stack & 1 == 1
        }
    }

    /// The products customer `c` holds: money products with a balance, and flat ones taken.
    @inline(__always)
    func productsHeld(_ c: Int) -> Int {
        var n = customers.flatHeld[c].nonzeroBitCount
        let base = c &* products
        for p in 0..<products where customers.balance[base &+ p] > 0 { n += 1 }
        return n
    }

    /// Writes an occurrence's events that some condition or ranking reads: its contacts, those
    /// past each named stage (`occurrence.pending*`, gathered by the funnel) and its
    /// conversions.
    mutating func recordEvents(_ ref: CampaignRef) {
        for slot in ref.plan.contactSlots {
            for i in 0..<occurrence.contacts.count { recordEvent(occurrence.contacts[i], slot: slot) }
        }
        for i in 0..<occurrence.pendingIds.count {
            recordEvent(occurrence.pendingIds[i], slot: Int(occurrence.pendingSlots[i]))
        }
        let slot = ref.plan.convertSlot
        if slot >= 0 {
            for i in 0..<occurrence.passing.count { recordEvent(occurrence.passing[i], slot: slot) }
        }
    }

    /// Records an event of `slot` for customer `c32` now, in its outlet's log.
    @inline(__always)
    mutating func recordEvent(_ c32: Int32, slot: Int) {
        history.record(c32, branch: Int(customers.branch[Int(c32)]), slot: slot, now: now)
    }

    /// Notes who passed funnel stage `s` (the first `kept` of `occurrence.passing`) when a
    /// condition names that stage; written if the occurrence runs (`recordEvents`).
    @inline(__always)
    mutating func notePassed(stage s: Int, kept: Int, _ ref: CampaignRef) {
        let slot = ref.plan.stageSlots[s]
        guard slot >= 0 else { return }
        for i in 0..<kept {
            occurrence.pendingIds.append(occurrence.passing[i])
            occurrence.pendingSlots.append(Int32(truncatingIfNeeded: slot))
        }
    }
}

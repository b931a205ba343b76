/// Where a customer stands for one campaign's ready lists: `list` is the set whose ready list
/// holds it (at position `pos`), -1 for none, or `cooling` while a contact's cooldown runs
/// (then in no list).
struct ReadyEntry: BitwiseCopyable {
    static let cooling: Int32 = -2
    var list: Int32 = -1
    var pos: Int32 = -1
}

/// Ready lists: for each campaign whose eligibility does not depend on the clock (every
/// filter but `maturing`), and each (branch, tier) set its pools draw from, the customers
/// eligible right now, with their keys beside them, so a selection reads one contiguous list
/// and checks nothing. Kept current in O(1) per change by `update` (from `reevaluate`: tier,
/// balance or liveness changed) and by the cooldown queues (`Cooldowns`: a contact leaves the
/// list; it comes back when its cooldown ends). Results do not depend on the lists' order.
struct ReadyLists {
    /// Per campaign, its ready-list slot or -1 (`maturing` filter: scan the sets instead).
    let slot: [Int]
    /// Campaign of each slot.
    let campaign: [Int]
    /// Each slot's filter, and its campaign's cooldown in ticks (0: none).
    let filters: Column<Eligibility>
    let cooldown: [Int]
    /// `inPool[slot * setCount + set]`: whether any of the campaign's pools holds the set.
    let inPool: Column<Bool>
    /// Slots.
    let count: Int
    let setCount: Int
    /// `ids[slot * setCount + set]` and the keys of the same customers.
    var ids: Column<Column<Int32>>
    var keys: Column<Column<UInt64>>
    /// `entries[c * count + slot]`: where customer `c` stands for the slot's campaign (one
    /// entry, one cache line, for what a contact and a cooldown's end both read and write).
    var entries = Column<ReadyEntry>()

    init(_ plan: SimulationPlan) {
        let setCount = plan.scenario.branches.count * plan.tierCount
        var rSlot: [Int] = [], rCampaign: [Int] = [], rFilter: [Eligibility] = [], rCool: [Int] = [], rPool: [Bool] = []
        for (ci, cp) in plan.campaigns.enumerated() {
            if case .maturing = cp.filter {
                rSlot.append(-1)
                continue
            }
            // Journeys (a condition or a ranking) select through `selectJourney`.
            if cp.journey {
                rSlot.append(-1)
                continue
            }
            rSlot.append(rCampaign.count)
            rCampaign.append(ci)
            rFilter.append(Eligibility(cp.filter))
            rCool.append(cp.cooldownSlot >= 0 ? cp.cooldownTicks : 0)
            var inPool = Array(repeating: false, count: setCount)
            for pools in cp.poolBranches {
                for b in pools { for t in cp.targetTiers { inPool[b * plan.tierCount + t] = true } }
            }
            rPool += inPool
        }
        slot = rSlot
        campaign = rCampaign
        filters = Column(rFilter)
        cooldown = rCool
        inPool = Column(rPool)
        count = rCampaign.count
        self.setCount = setCount
        ids = Column()
        keys = Column()
        for _ in 0..<count * setCount {
            ids.append(Column())
            keys.append(Column())
        }
    }

    /// A slot's test for a live customer not cooling down: its set in the campaign's pools,
    /// then the campaign's `Eligibility`.
    struct Filter {
        let pool: UnsafeMutablePointer<Bool>
        let eligibility: Eligibility

        @inline(__always)
        func admits(set k: Int, balance x: Double, segments seg: UInt64) -> Bool {
            (pool[k] ? 1 : 0) & eligibility.passes(balance: x, segments: seg) != 0
        }
    }

    @inline(__always)
    func filter(_ slot: Int) -> Filter {
        Filter(pool: inPool.base + slot &* setCount, eligibility: filters[slot])
    }

    /// The set whose ready list of `slot` a live customer not cooling down belongs in (set `k`
    /// when the campaign's pools hold it and its filter passes), or -1.
    @inline(__always)
    func list(slot: Int, set k: Int, balance x: Double, segments seg: UInt64) -> Int32 {
        filter(slot).admits(set: k, balance: x, segments: seg) ? Int32(k) : -1
    }

    /// Adds `n` customers, in no list and cooling down for nothing.
    mutating func grow(by n: Int) { entries.append(repeating: ReadyEntry(), count: n * count) }

    /// Puts customer `c` (just added: in no list yet, cooling down for nothing) in the lists
    /// its set, balance and segments call for.
    @inline(__always)
    mutating func place(_ c: Int, key: UInt64, set k: Int, balance x: Double, segments seg: UInt64) {
        for slot in 0..<count {
            let want = list(slot: slot, set: k, balance: x, segments: seg)
            if want >= 0 { insert(c, key: key, slot: slot, set: want) }
        }
    }

    /// Puts customer `c` in the lists its set, balance, segments, liveness and cooldowns call
    /// for (O(1) per campaign).
    @inline(__always)
    mutating func update(_ c: Int, key: UInt64, live: Bool, set k: Int, balance x: Double, segments seg: UInt64) {
        for slot in 0..<count {
            let j = c * count + slot
            let have = entries[j].list
            // Cooling down: out of the lists until its cooldown ends (`Cooldowns.end`).
            if have == ReadyEntry.cooling { continue }
            let want = live ? list(slot: slot, set: k, balance: x, segments: seg) : -1
            if have == want { continue }
            if have >= 0 { remove(c, slot: slot, list: slot * setCount + Int(have)) }
            if want >= 0 { insert(c, key: key, slot: slot, set: want) }
        }
    }

    /// Appends customer `c` (in no list of `slot`) to the ready list of `slot` and `set`.
    @inline(__always)
    mutating func insert(_ c: Int, key: UInt64, slot: Int, set: Int32) {
        // Through `base`: the lists change in place, not copied out and back.
        let list = slot &* setCount &+ Int(set)
        let j = c &* count &+ slot
        entries[j] = ReadyEntry(list: set, pos: Int32(truncatingIfNeeded: ids.base[list].count))
        ids.base[list].append(Int32(truncatingIfNeeded: c))
        keys.base[list].append(key)
    }

    /// Takes customer `c` out of ready list `list` of `slot` (swap with the last; O(1)).
    @inline(__always)
    mutating func remove(_ c: Int, slot: Int, list: Int) {
        var n = ids.base[list].count
        Self.swapOut(c, slot: slot, ids: ids.base[list].base, keys: keys.base[list].base,
                     count: &n, entries: entries.base, readyCount: count)
        ids.base[list].setCount(n)
        keys.base[list].setCount(n)
        entries[c * count + slot].list = -1
    }

    /// Removes customer `c` from the ready list of `slot` held in `ids`/`keys` (`count` long):
    /// the list's last customer takes its place, and `count` shrinks by one.
    @inline(__always)
    static func swapOut(_ c: Int, slot: Int, ids: UnsafeMutablePointer<Int32>, keys: UnsafeMutablePointer<UInt64>,
                        count: inout Int, entries: UnsafeMutablePointer<ReadyEntry>, readyCount rc: Int) {
        // Wrapping index arithmetic: indices of existing customers cannot overflow, and the
        // checks would cost registers in the loops this is inlined into.
        let at = Int(entries[c &* rc &+ slot].pos)
        count &-= 1
        let last = ids[count]
        if Int(last) != c {
            ids[at] = last
            keys[at] = keys[count]
            entries[Int(last) &* rc &+ slot].pos = Int32(truncatingIfNeeded: at)
        }
    }

    /// `insert` for each of customers `first..<first + n` of set `k` (live, cooling down for
    /// nothing, in no list of `slot`) that `slot`'s filter lets in, in order.
    mutating func append(slot: Int, set k: Int, first c0: Int, count n: Int, balances xs: UnsafePointer<Double>,
                         segments seg: UnsafePointer<UInt64>, keys customerKeys: UnsafePointer<UInt64>) {
        let l = slot * setCount + k
        let at = ids.base[l].count
        ids.base[l].reserveCapacity(at + n)
        keys.base[l].reserveCapacity(at + n)
        let listIds = ids.base[l].base + at, listKeys = keys.base[l].base + at
        let entries = self.entries.base, rc = count, filter = filter(slot)
        var m = 0
        for i in 0..<n {
            guard filter.admits(set: k, balance: xs[i], segments: seg[i]) else { continue }
            let c = c0 + i
            entries[c * rc + slot] = ReadyEntry(list: Int32(k), pos: Int32(truncatingIfNeeded: at + m))
            listIds[m] = Int32(truncatingIfNeeded: c)
            listKeys[m] = customerKeys[c]
            m += 1
        }
        ids.base[l].setCount(at + m)
        keys.base[l].setCount(at + m)
    }

    mutating func removeAll() {
        for i in ids.indices {
            ids[i].removeAll()
            keys[i].removeAll()
        }
        entries.removeAll()
    }

    func free() {
        for l in ids { l.free() }
        for l in keys { l.free() }
        ids.free(); keys.free(); entries.free(); filters.free(); inPool.free()
    }
}

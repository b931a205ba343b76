/// Customers' history for campaign conditions and rankings (`HistoryPlan`): per customer and
/// history slot, the tick of its last such event; per logged slot and outlet, the recent
/// events of the outlet's customers in time order, from which a hand-off takes its candidates
/// (so a selection costs the events of its pool's outlets in its window, not a pass over the
/// pool, nor over every outlet's events).
struct History {
    let slots: Int
    let logged: [Bool]
    let keep: [Int]
    /// Outlets: the logs are `slot * branches + branch`.
    let branches: Int
    /// `last[c * slots + slot]`: tick of customer `c`'s last event of the slot, or `never`.
    var last = Column<Int>()
    /// Per (slot, outlet), the log's customers and ticks (nondecreasing), and the first entry
    /// kept.
    var logIds: Column<Column<Int32>>
    var logTicks: Column<Column<Int>>
    var head = Column<Int>()
    /// Per customer, the gathering that last took it (a customer logged twice is taken once).
    var seen = Column<UInt32>()
    var stamp: UInt32 = 0
    /// Whether any campaign selects through `selectJourney` (`seen` is needed).
    let journeys: Bool

    init(_ plan: SimulationPlan) {
        slots = plan.history.slots
        logged = plan.history.logged
        keep = plan.history.keep
        branches = plan.scenario.branches.count
        journeys = plan.campaigns.contains { $0.journey }
        logIds = Column()
        logTicks = Column()
        // Only logged slots get a log per outlet (the others stay empty, never grown).
        for slot in 0..<slots {
            for _ in 0..<branches {
                logIds.append(Column(capacity: logged[slot] ? 16 : 1))
                logTicks.append(Column(capacity: logged[slot] ? 16 : 1))
            }
        }
        head.append(repeating: 0, count: slots * branches)
    }

    /// Adds `n` customers, with no events.
    mutating func grow(by n: Int) {
        if slots > 0 { last.append(repeating: Replicator.never, count: n * slots) }
        if journeys { seen.append(repeating: 0, count: n) }
    }

    /// Records an event of `slot` for customer `c` of outlet `branch` at tick `now`.
    @inline(__always)
    mutating func record(_ c: Int32, branch: Int, slot: Int, now: Int) {
        last[Int(c) &* slots &+ slot] = now
        if logged[slot] {
            let l = slot &* branches &+ branch
            logIds.base[l].append(c)
            logTicks.base[l].append(now)
        }
    }

    /// Whether customer `c`'s last event of `slot` is within `window` ticks before `now`
    /// (`0 <= now - event <= window`; `Int.max`: any time in the run).
    @inline(__always)
    func within(_ c: Int, slot: Int, window: Int, now: Int) -> Bool {
        let t = last[c &* slots &+ slot]
        return t != Replicator.never && now &- t <= window
    }

    /// The log of `slot` at outlet `branch` (`log`: its index in `logIds`) from the first
    /// event at or after tick `from`, after dropping the events older than the slot's longest
    /// window.
    mutating func recent(slot: Int, branch: Int, from: Int, now: Int) -> (log: Int, range: Range<Int>) {
        let l = slot &* branches &+ branch
        return (l, recent(log: l, slot: slot, from: from, now: now))
    }

    private mutating func recent(log l: Int, slot: Int, from: Int, now: Int) -> Range<Int> {
        let ticks = logTicks.base[l], n = ticks.count
        var h = head[l]
        if keep[slot] != Int.max {
            while h < n && now &- ticks[h] > keep[slot] { h += 1 }
        }
        if h == n && n > 0 {
            logIds.base[l].removeAll()
            logTicks.base[l].removeAll()
            head[l] = 0
            return 0..<0
        }
        // Events before the head are kept no longer: move the rest down once they are
        // the larger part (amortised O(1) per event).
        if h > 4096 && 2 * h > n {
            let ids = logIds.base[l].base
            for i in h..<n { ids[i - h] = ids[i]; ticks.base[i - h] = ticks.base[i] }
            logIds.base[l].setCount(n - h)
            logTicks.base[l].setCount(n - h)
            head[l] = 0
            return recent(log: l, slot: slot, from: from, now: now)
        }
        head[l] = h
        // Binary search: the first entry at or after `from`.
        var lo = h, hi = n
        let t = ticks.base
        while lo < hi {
            let mid = (lo + hi) / 2
            if t[mid] < from { lo = mid + 1 } else { hi = mid }
        }
        return lo..<n
    }

    mutating func removeAll() {
        last.removeAll()
        seen.removeAll()
        stamp = 0
        for i in 0..<(slots * branches) {
            logIds[i].removeAll()
            logTicks[i].removeAll()
            head[i] = 0
        }
    }

    func free() {
        for l in logIds { l.free() }
        for l in logTicks { l.free() }
        logIds.free(); logTicks.free(); head.free(); last.free(); seen.free()
    }
}

/// The contact policy (`policy at most N contacts per W`): each customer's last `max` contact
/// ticks in a ring; a contact that would break the rolling-window cap is skipped.
struct ContactPolicy {
    /// Contacts a window allows (0: no policy), and the window in ticks.
    let max: Int
    let ticks: Int
    /// `times[c * max + i]`: the ring of customer `c`'s last contact ticks; `head[c]` its oldest.
    var times = Column<Int>()
    var head = Column<Int32>()

    init(_ plan: SimulationPlan) {
        max = plan.policyMax
        ticks = plan.policyTicks
    }

    var isActive: Bool { max > 0 }

    /// Adds `n` customers, never contacted.
    mutating func grow(by n: Int) {
        times.append(repeating: Replicator.never, count: n * max)
        head.append(repeating: 0, count: n)
    }

    /// Drops from `contacts`, in place and in order, those the policy does not allow at `now`;
    /// returns how many it dropped.
    mutating func filter(_ contacts: inout Column<Int32>, now: Int) -> Int {
        var skipped = 0, kept = 0
        for i in 0..<contacts.count {
            let c = Int(contacts[i])
            let oldest = times[c * max + Int(head[c])]
            if now - oldest < ticks {
                skipped += 1
            } else {
                contacts[kept] = contacts[i]
                kept += 1
            }
        }
        contacts.setCount(kept)
        return skipped
    }

    /// Records the contacts of an occurrence that ran, at `now`.
    mutating func record(_ contacts: Column<Int32>, now: Int) {
        for i in 0..<contacts.count {
            let c = Int(contacts[i])
            let h = Int(head[c])
            times[c * max + h] = now
            head[c] = Int32((h + 1) % max)
        }
    }

    mutating func removeAll() {
        times.removeAll()
        head.removeAll()
    }

    func free() { times.free(); head.free() }
}

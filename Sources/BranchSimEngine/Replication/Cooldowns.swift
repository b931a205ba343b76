/// Cooldowns: a customer contacted by a campaign with a `cooldown` is not eligible for it
/// again until the cooldown has passed.
///
/// A campaign with ready lists keeps its contacts out of them: each contact joins the slot's
/// queue (contacts in the order they happened, with their ticks; cooldowns end in that order,
/// so the queue's head is the next customer to come back). A campaign whose pools are scanned
/// (`where maturing`, or `contacts all` without seats) checks each member's last contact
/// instead (`lastContact`, `cooling`).
struct Cooldowns {
    /// Campaigns with a cooldown (columns of `lastContact`).
    let slots: Int
    /// `lastContact[c * slots + slot]`: tick of the last contact by that campaign. Written
    /// only for the campaigns whose scans read it (`scans`).
    var lastContact = Column<Int>()
    /// Per campaign: it has a cooldown and a scan (`Replicator.forEachEligible`) checks it.
    let scans: [Bool]
    /// Per ready slot, the queue of contacts cooling down, their ticks, and its head.
    var queueIds: Column<Column<Int32>>
    var queueTicks: Column<Column<Int>>
    var head = Column<Int>()

    init(_ plan: SimulationPlan, ready: ReadyLists) {
        slots = plan.cooldownSlots
        // The scans: `where maturing` pools, and `contacts all` without a capacity.
        scans = plan.campaigns.indices.map { ci in
            let cp = plan.campaigns[ci]
            return cp.cooldownSlot >= 0 && (ready.slot[ci] < 0 || (cp.contactsAll && cp.capacityStage < 0))
        }
        queueIds = Column()
        queueTicks = Column()
        for _ in 0..<ready.count {
            queueIds.append(Column())
            queueTicks.append(Column())
        }
        head.append(repeating: 0, count: ready.count)
    }

    /// Adds `n` customers, never contacted.
    mutating func grow(by n: Int) { lastContact.append(repeating: Replicator.never, count: n * slots) }

    /// Whether customer `c` is cooling down from a contact by the campaign with cooldown
    /// column `slot` (-1: none) and cooldown `ticks` (for the scans).
    @inline(__always)
    func cooling(_ c: Int, slot: Int, ticks: Int, now: Int) -> Bool { table.cooling(c, slot: slot, ticks: ticks, now: now) }

    /// The last contacts as a value a scan keeps in registers: the one cooldown test.
    struct Table {
        let lastContact: UnsafeMutablePointer<Int>
        let slots: Int

        @inline(__always)
        func cooling(_ c: Int, slot: Int, ticks: Int, now: Int) -> Bool {
            // Wrapping: `never` is far enough from any tick that nothing wraps.
            slot >= 0 && now &- lastContact[c &* slots &+ slot] < ticks
        }
    }

    var table: Table { Table(lastContact: lastContact.base, slots: slots) }

    /// Notes this occurrence's `contacts` at tick `now` for a scanned campaign's cooldown
    /// column `slot`.
    mutating func noteContacts(_ contacts: Column<Int32>, slot: Int, now: Int) {
        for i in 0..<contacts.count { lastContact[Int(contacts[i]) * slots + slot] = now }
    }

    /// Brings back to their lists the customers whose cooldown for ready slot `slot` has ended.
    mutating func end(slot: Int, now: Int, ready: inout ReadyLists, customers: borrowing Population, tiers: Int) {
        let cooldown = ready.cooldown[slot]
        var head = self.head[slot]
        let n = queueIds[slot].count
        // Columns and the slot's filter read into locals once: `insert` stores through
        // `ready`, which would otherwise make the compiler load each of them again every time.
        let ids = queueIds.base[slot].base, ticks = queueTicks.base[slot].base
        let entries = ready.entries.base, rc = ready.count
        let live = customers.alive.base, branches = customers.branch.base, tierOf = customers.tier.base
        let totals = customers.total.base, segs = customers.segments.base, keys = customers.key.base
        let perBranch = tiers
        let filter = ready.filter(slot)
        while head < n && ticks[head] &+ cooldown <= now {
            let c = Int(ids[head])
            head &+= 1
            entries[c &* rc &+ slot].list = -1
            // In no list of this slot while it cooled down (`ReadyLists.update` keeps it out).
            guard live[c] else { continue }
            let k = Int(branches[c]) &* perBranch &+ Int(tierOf[c])
            if filter.admits(set: k, balance: totals[c], segments: segs[c]) {
                ready.insert(c, key: keys[c], slot: slot, set: Int32(truncatingIfNeeded: k))
            }
        }
        if head == n {
            queueIds.base[slot].removeAll()
            queueTicks.base[slot].removeAll()
            head = 0
        }
        self.head[slot] = head
    }

    /// Takes this occurrence's `contacts` out of ready slot `rs`'s lists and puts them in its
    /// cooldown queue. A function of its own (not inlined into the occurrence), so that its
    /// pointers and counts stay in registers.
    @inline(never)
    mutating func start(slot rs: Int, contacts: Column<Int32>, now: Int, ready: inout ReadyLists) {
        let contactCount = contacts.count
        // Contacted customers leave the ready list until their cooldown ends, and join the
        // cooldown queue. The queue and the list they leave (most leave the same one) are
        // written through local pointers and their counts stored once: the same swaps,
        // positions and order as one `ReadyLists.remove` and two appends at a time.
        let q = queueIds.base[rs].count
        queueIds.base[rs].reserveCapacity(q + contactCount)
        queueTicks.base[rs].reserveCapacity(q + contactCount)
        let queue = queueIds.base[rs].base + q, ticks = queueTicks.base[rs].base + q
        let entries = ready.entries.base, rc = ready.count, ids = contacts.base, listBase = rs * ready.setCount
        var list = -1, count = 0
        var listIds = UnsafeMutablePointer<Int32>(bitPattern: 0), listKeys = UnsafeMutablePointer<UInt64>(bitPattern: 0)
        for i in 0..<contactCount {
            let c32 = ids[i], c = Int(c32)
            let j = c &* rc &+ rs
            let w = entries[j].list
            if w >= 0 {
                let l = listBase &+ Int(w)
                if l != list {
                    if list >= 0 {
                        ready.ids.base[list].setCount(count)
                        ready.keys.base[list].setCount(count)
                    }
                    list = l
                    count = ready.ids.base[l].count
                    listIds = ready.ids.base[l].base
                    listKeys = ready.keys.base[l].base
                }
                ReadyLists.swapOut(c, slot: rs, ids: listIds!, keys: listKeys!, count: &count, entries: entries, readyCount: rc)
            }
            entries[j].list = ReadyEntry.cooling
            queue[i] = c32
            ticks[i] = now
        }
        if list >= 0 {
            ready.ids.base[list].setCount(count)
            ready.keys.base[list].setCount(count)
        }
        queueIds.base[rs].setCount(q + contactCount)
        queueTicks.base[rs].setCount(q + contactCount)
    }

    mutating func removeAll() {
        lastContact.removeAll()
        for i in queueIds.indices {
            queueIds[i].removeAll()
            queueTicks[i].removeAll()
            head[i] = 0
        }
    }

    func free() {
        for l in queueIds { l.free() }
        for l in queueTicks { l.free() }
        queueIds.free(); queueTicks.free(); head.free(); lastContact.free()
    }
}

/// Set membership: the live customers of each (branch, tier) set, with O(1) moves, and each
/// set's in-bank balance sum, kept up to date on every change. A set `k` is
/// `branch * tiers + tier`.
struct TierSets {
    /// Members of each set: `members[k]`.
    var members: Column<Column<Int32>>
    /// Position of a customer in its set's `members`.
    var pos = Column<Int32>()
    /// In-bank balance of each set.
    var aum = Column<Double>()
    /// Starting customers of an untouched set that were counted, not materialised
    /// (`StartingCustomers`): they are in no `members` list.
    var staticCount = Column<Int>()

    init(count: Int) {
        members = Column()
        for _ in 0..<count { members.append(Column()) }
        aum.append(repeating: 0, count: count)
        staticCount.append(repeating: 0, count: count)
    }

    /// Customers in set `k`, materialised or counted.
    func size(_ k: Int) -> Int { members[k].count + staticCount[k] }

    /// Adds `n` customers' positions (written when they join a set).
    mutating func grow(by n: Int) { pos.extend(by: n) }

    /// Puts customer `c` (in no set) at the end of set `k`, with its balance `x`.
    @inline(__always)
    mutating func add(_ c: Int, to k: Int, balance x: Double) {
        pos[c] = Int32(members.base[k].count)
        members.base[k].append(Int32(c))
        aum[k] += x
    }

    /// Takes customer `c` out of set `k` (the last member takes its place; O(1)); the sum is
    /// the caller's.
    @inline(__always)
    mutating func remove(_ c: Int, from k: Int) {
        let i = Int(pos[c])
        let last = members.base[k].removeLast()
        if Int(last) != c {
            members.base[k][i] = last
            pos[Int(last)] = Int32(i)
        }
    }

    /// Moves customer `c`, with its balance `x`, from set `from` to set `to`.
    @inline(__always)
    mutating func move(_ c: Int, from ok: Int, to nk: Int, balance x: Double) {
        remove(c, from: ok)
        pos[c] = Int32(members.base[nk].count)
        members.base[nk].append(Int32(c))
        aum[ok] -= x
        aum[nk] += x
    }

    /// Appends customers `first..<first + n` to set `k` (whose tier their points give), with
    /// their positions, and adds their balances to its sum in order: `add` for each, at once.
    mutating func append(first c0: Int, count n: Int, to k: Int, balances xs: UnsafePointer<Double>) {
        let at = members.base[k].count
        members.base[k].reserveCapacity(at + n)
        let ids = members.base[k].base + at, position = pos.base + c0
        for i in 0..<n {
            ids[i] = Int32(truncatingIfNeeded: c0 + i)
            position[i] = Int32(truncatingIfNeeded: at + i)
        }
        members.base[k].setCount(at + n)
        var sum = aum[k]
        for i in 0..<n { sum += xs[i] }
        aum[k] = sum
    }

    mutating func removeAll() {
        pos.removeAll()
        for i in members.indices { members[i].removeAll() }
        for i in aum.indices { aum[i] = 0 }
        for i in staticCount.indices { staticCount[i] = 0 }
    }

    func free() {
        for s in members { s.free() }
        members.free(); pos.free(); aum.free(); staticCount.free()
    }
}

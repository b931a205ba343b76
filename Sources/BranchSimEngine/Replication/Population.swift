/// The customers of one replication as a structure of arrays: one column per field, indexed
/// by customer number, values stored inline (no object per customer, nothing to retain).
///
/// Only what a customer is lives here. What is derived from it (its tier's set, its band and
/// ready lists, its growth check, its maturities by step) lives in the index types beside it
/// and is brought in line by `Replicator.reevaluate`, the one fan-out of a customer change.
struct Population {
    /// Products per customer in `balance`.
    let products: Int

    /// The customer's random key: the root of every draw about it.
    var key = Column<UInt64>()
    var branch = Column<Int32>()
    var alive = Column<Bool>()
    /// The tier its points give (kept current by `reevaluate`), and the tier it started in.
    var tier = Column<Int32>()
    var startTier = Column<Int32>()
    var reachable = Column<Bool>()
    /// Segment memberships by bit.
    var segments = Column<UInt64>()
    /// Flat products held, by bit.
    var flatHeld = Column<UInt64>()
    /// In-bank balance (the sum of `balance` over products), and what it was at the start
    /// (0 for a customer who joined during the replication).
    var total = Column<Double>()
    var startTotal = Column<Double>()
    var offbank = Column<Double>()
    var points = Column<Double>()
    /// `balance[c * products + p]` (flat products keep 0).
    var balance = Column<Double>()

    /// Per branch, the local index of its next customer (a customer's key is the branch's key
    /// mixed with it).
    var nextLocal = Column<Int>()

    init(products: Int, branches: Int) {
        self.products = products
        nextLocal.append(repeating: 0, count: branches)
    }

    /// Customers so far.
    var count: Int { key.count }

    /// Adds `n` customers at the end of every column and returns the first's index: `balance`
    /// gets zeros (one fill for the batch), the others are left for the caller to write, by
    /// index (an append per column and customer costs a load and a store of the column's count).
    mutating func grow(by n: Int) -> Int {
        let c = key.count
        key.extend(by: n); branch.extend(by: n); alive.extend(by: n); tier.extend(by: n)
        startTier.extend(by: n); reachable.extend(by: n); segments.extend(by: n)
        flatHeld.extend(by: n); total.extend(by: n); startTotal.extend(by: n)
        offbank.extend(by: n); points.extend(by: n)
        balance.append(repeating: 0, count: n * products)
        return c
    }

    /// Makes room for `n` customers in every column.
    mutating func reserve(_ n: Int) {
        key.reserveCapacity(n); branch.reserveCapacity(n); alive.reserveCapacity(n); tier.reserveCapacity(n)
        startTier.reserveCapacity(n); reachable.reserveCapacity(n); segments.reserveCapacity(n)
        flatHeld.reserveCapacity(n); total.reserveCapacity(n); startTotal.reserveCapacity(n)
        offbank.reserveCapacity(n); points.reserveCapacity(n); balance.reserveCapacity(n * products)
    }

    mutating func removeAll() {
        key.removeAll(); branch.removeAll(); alive.removeAll(); tier.removeAll(); startTier.removeAll()
        reachable.removeAll(); segments.removeAll(); flatHeld.removeAll(); total.removeAll()
        startTotal.removeAll(); offbank.removeAll(); points.removeAll(); balance.removeAll()
        for i in nextLocal.indices { nextLocal[i] = 0 }
    }

    func free() {
        key.free(); branch.free(); alive.free(); tier.free(); startTier.free(); reachable.free()
        segments.free(); flatHeld.free(); total.free(); startTotal.free(); offbank.free(); points.free()
        balance.free(); nextLocal.free()
    }
}

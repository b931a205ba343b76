/// Balance bands: for each `where balance A..B` band and each (branch, tier) set, the members
/// whose in-bank balance lies in the band, so a pool scan of a balance-band campaign visits
/// only them. Kept current by `update` (from `reevaluate`) on every balance, tier or liveness
/// change.
struct BandLists {
    /// The plan's bands, in campaign order (`CampaignPlan.bandSlot`).
    let bands: [(low: Double, high: Double)]
    let count: Int
    let setCount: Int
    /// `candidates[band * setCount + set]`.
    var candidates: Column<Column<Int32>>
    /// `candSet[c * count + band]`: the set whose band list holds customer `c` (or -1), and
    /// `candPos` its position there.
    var candSet = Column<Int32>()
    var candPos = Column<Int32>()

    init(_ plan: SimulationPlan) {
        bands = plan.bands
        count = plan.bands.count
        setCount = plan.scenario.branches.count * plan.tierCount
        candidates = Column()
        for _ in 0..<count * setCount { candidates.append(Column()) }
    }

    /// Members of set `k` in band `band`.
    func members(band: Int, set k: Int) -> Column<Int32> { candidates[band * setCount + k] }

    /// Adds `n` customers, in no band list.
    mutating func grow(by n: Int) {
        candSet.append(repeating: -1, count: n * count)
        candPos.append(repeating: -1, count: n * count)
    }

    /// Puts customer `c` in the band lists its balance `x` and set (`-1` when it has left)
    /// call for (O(1) per band).
    @inline(__always)
    mutating func update(_ c: Int, set: Int32, balance x: Double) {
        for bi in 0..<count {
            let j = c * count + bi
            let band = bands[bi]
            let want: Int32 = set >= 0 && x >= band.low && x < band.high ? set : -1
            let have = candSet[j]
            if have == want { continue }
            if have >= 0 {
                let list = bi * setCount + Int(have)
                let i = Int(candPos[j])
                let last = candidates.base[list].removeLast()
                if Int(last) != c {
                    candidates.base[list][i] = last
                    candPos[Int(last) * count + bi] = Int32(i)
                }
            }
            if want >= 0 {
                let list = bi * setCount + Int(want)
                candPos[j] = Int32(candidates.base[list].count)
                candidates.base[list].append(Int32(c))
            }
            candSet[j] = want
        }
    }

    /// `update` for each of customers `first..<first + n`, just added to set `k` (alive, in no
    /// band list yet): a band at a time, each band's list gets those whose balance lies in it,
    /// in creation order, with their positions, as one customer at a time would give.
    mutating func append(set k: Int, first c0: Int, count n: Int, balances xs: UnsafePointer<Double>) {
        let bc = count, sets = candSet.base, positions = candPos.base
        for bi in 0..<bc {
            let low = bands[bi].low, high = bands[bi].high
            let list = bi &* setCount &+ k
            let at = candidates.base[list].count
            candidates.base[list].reserveCapacity(at + n)
            let ids = candidates.base[list].base + at
            var m = 0
            for i in 0..<n where xs[i] >= low && xs[i] < high {
                let j = (c0 &+ i) &* bc &+ bi
                ids[m] = Int32(truncatingIfNeeded: c0 &+ i)
                positions[j] = Int32(truncatingIfNeeded: at &+ m)
                sets[j] = Int32(truncatingIfNeeded: k)
                m &+= 1
            }
            candidates.base[list].setCount(at + m)
        }
    }

    mutating func removeAll() {
        for i in candidates.indices { candidates[i].removeAll() }
        candSet.removeAll()
        candPos.removeAll()
    }

    func free() {
        for s in candidates { s.free() }
        candidates.free(); candSet.free(); candPos.free()
    }
}

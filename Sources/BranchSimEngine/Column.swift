import Foundation
/// A growable column of plain values for the per-worker population (structure of arrays).
///
/// Unlike `Array`, reading, writing and appending never check uniqueness or retain storage:
/// a column belongs to exactly one `Replicator` (a noncopyable worker), which frees it in
/// its `deinit`. Capacity is kept across replications, so a warmed-up worker allocates nothing.
/// Indices are checked in debug builds only.
struct Column<Element: BitwiseCopyable>: Sequence {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = Swift.max(1, capacity)
        base = .allocate(capacity: self.capacity)
        #if DEBUG
        LiveColumns.add(1)
        #endif
    }

    /// A column over `count` elements of storage it does not own: never grown, never freed
    /// (a replicator's view of one outlet group's block, `GroupBlocks`).
    init(viewing base: UnsafeMutablePointer<Element>, count: Int) {
        self.base = base
        self.count = count
        capacity = count
    }

    /// A column holding `values`.
    init(_ values: [Element]) {
        self.init(capacity: values.count)
        for v in values { append(v) }
    }

    /// Releases the storage; the column must not be used afterwards.
    func free() {
        base.deallocate()
        #if DEBUG
        LiveColumns.add(-1)
        #endif
    }

    var isEmpty: Bool { count == 0 }
    /// Elements it has room for without growing.
    var reserved: Int { capacity }
    var indices: Range<Int> { 0..<count }

    @inline(__always)
    subscript(i: Int) -> Element {
        get {
            assert(i >= 0 && i < count, "column index out of range")
            return base[i]
        }
        nonmutating set {
            assert(i >= 0 && i < count, "column index out of range")
            base[i] = newValue
        }
    }

    @inline(__always)
    mutating func append(_ x: Element) {
        if count == capacity { grow(count + 1) }
        base[count] = x
        count &+= 1
    }

    @inline(__always)
    mutating func append(repeating x: Element, count n: Int) {
        guard n > 0 else { return }
        if count + n > capacity { grow(count + n) }
        // One fill (the compiler makes even a short loop of this a call to memset, so callers
        // fill many customers' slots at once: `Replicator.growCustomers`).
        (base + count).initialize(repeating: x, count: n)
        count &+= n
    }

    /// Adds `n` elements at the end, left for the caller to write (every one of them, before
    /// it is read).
    @inline(__always)
    mutating func extend(by n: Int) {
        if count + n > capacity { grow(count + n) }
        count &+= n
    }

    mutating func append(contentsOf other: Column<Element>) {
        guard other.count > 0 else { return }
        if count + other.count > capacity { grow(count + other.count) }
        (base + count).update(from: other.base, count: other.count)
        count &+= other.count
    }

    @inline(__always)
    mutating func removeLast() -> Element {
        assert(count > 0)
        count &-= 1
        return base[count]
    }

    mutating func removeAll(keepingCapacity: Bool = true) { count = 0 }

    /// Makes room for at least `n` elements without changing the contents.
    @inline(__always)
    mutating func reserveCapacity(_ n: Int) {
        if n > capacity { grow(n) }
    }

    /// Sets the count after the caller wrote elements `count..<n` through `base`
    /// (within the reserved capacity).
    @inline(__always)
    mutating func setCount(_ n: Int) {
        assert(n >= 0 && n <= capacity)
        count = n
    }

    private mutating func grow(_ needed: Int) {
        let newCapacity = Swift.max(needed, capacity * 2)
        let p = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        p.update(from: base, count: count)
        base.deallocate()
        base = p
        capacity = newCapacity
    }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    func makeIterator() -> UnsafeBufferPointer<Element>.Iterator {
        UnsafeBufferPointer(start: base, count: count).makeIterator()
    }
}

#if DEBUG
/// Columns allocated and not freed, on the calling thread (debug builds only): a column is
/// freed by hand (`free`), so tests count that a worker gives back every column it took
/// (a column made for a swap and dropped leaked 128 bytes an occurrence, 300 KB a
/// replication of a 20-outlet province, before 2026-12-03). Per thread, so that tests
/// running beside each other do not see each other's columns.
enum LiveColumns {
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    static var onThisThread: Int { Int(bitPattern: pthread_getspecific(key)) }

    static func add(_ d: Int) { pthread_setspecific(key, UnsafeRawPointer(bitPattern: onThisThread &+ d)) }
}
#endif

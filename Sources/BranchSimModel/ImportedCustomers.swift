/// Customers read from the bank's own data (`customers from "FILE"`): every replication
/// starts from these same customers at their outlets, in place of the customers it would
/// draw there (docs/data.md). Read once per check, shared (not copied) by the scenario, its
/// variants and every replication; the engine reads its columns, never changes them.
public final class ImportedCustomers: Sendable, Equatable, CustomStringConvertible {
    /// What the statement named (`customers.csv`, `crm.sqlite table customers`), for messages.
    public let source: String
    /// The outlet names `outlet` indexes.
    public let outlets: [String]
    /// The product names of `balances`' columns.
    public let products: [String]
    /// The segment names of `segments`' bits.
    public let segmentNames: [String]
    /// Index into `outlets`, per customer.
    public let outlet: [Int32]
    /// `count x products.count`, row by row: yuan in a money product; 1 or 0 for a flat one.
    public let balances: [Double]
    /// Off-bank assets in yuan, NaN where not given; empty when the source has no such column.
    public let offbank: [Double]
    /// 1 reachable, 0 not, -1 not given; empty when the source has no such column.
    public let reachable: [Int8]
    /// Segment bits per customer; `nil` when the source has no segments column (then drawn).
    public let segments: [UInt64]?
    /// A fingerprint of every value: two imports are equal when their fingerprints are.
    public let fingerprint: UInt64
    /// Customers per outlet (same count as `outlets`).
    public let perOutlet: [Int]

    public init(source: String, outlets: [String], products: [String], segmentNames: [String], outlet: [Int32],
                balances: [Double], offbank: [Double], reachable: [Int8], segments: [UInt64]?) {
        self.source = source
        self.outlets = outlets
        self.products = products
        self.segmentNames = segmentNames
        self.outlet = outlet
        self.balances = balances
        self.offbank = offbank
        self.reachable = reachable
        self.segments = segments
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ x: UInt64) { h = (h ^ x) &* 0x100_0000_01b3 }
        for s in outlets + products + segmentNames { for b in s.utf8 { mix(UInt64(b)) }; mix(0xff) }
        for o in outlet { mix(UInt64(UInt32(bitPattern: o))) }
        for b in balances { mix(b.bitPattern) }
        for o in offbank { mix(o.bitPattern) }
        for r in reachable { mix(UInt64(UInt8(bitPattern: r))) }
        mix(segments == nil ? 1 : 2)
        for s in segments ?? [] { mix(s) }
        fingerprint = h
        var n = [Int](repeating: 0, count: outlets.count)
        for o in outlet where o >= 0 && Int(o) < n.count { n[Int(o)] += 1 }
        perOutlet = n
    }

    public var count: Int { outlet.count }

    /// Customers per outlet name.
    public func count(at outletName: String) -> Int {
        guard let i = outlets.firstIndex(of: outletName) else { return 0 }
        return perOutlet[i]
    }

    /// Bytes the imported columns take (once per run, shared by its threads).
    public var bytes: Int {
        outlet.count * 4 + balances.count * 8 + offbank.count * 8 + reachable.count + (segments?.count ?? 0) * 8
    }

    public static func == (a: ImportedCustomers, b: ImportedCustomers) -> Bool {
        a === b || (a.fingerprint == b.fingerprint && a.count == b.count && a.source == b.source)
    }

    public var description: String { "\(count) customers from \(source)" }
}

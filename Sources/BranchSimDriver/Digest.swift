import BranchSimModel

/// SHA-256 (FIPS 180-4), for the digests that tie the slices of a run together: the checked
/// scenario's and each slice's rows' (`SavedResults`). Not for secrets: it detects slices of
/// another plan, and rows changed or lost, not an attacker.
public struct SHA256: Sendable {
    private var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    /// The block being filled, and how many of its 64 bytes are.
    private var block = [UInt8](repeating: 0, count: 64)
    private var filled = 0
    private var length: UInt64 = 0

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    public init() {}

    @inline(__always)
    private mutating func append(_ b: UInt8) {
        block[filled] = b
        filled += 1
        if filled == 64 {
            compress()
            filled = 0
        }
    }

    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for b in bytes {
            append(b)
            length &+= 1
        }
    }

    /// Eight bytes, least significant first.
    public mutating func update(_ value: UInt64) {
        for i in 0..<8 { append(UInt8(truncatingIfNeeded: value >> (UInt64(i) * 8))) }
        length &+= 8
    }

    public mutating func update(_ value: Double) { update(value.bitPattern) }
    public mutating func update(_ value: Int) { update(UInt64(bitPattern: Int64(value))) }

    /// A string with its length first, so that ("ab", "c") and ("a", "bc") differ.
    public mutating func update(_ value: String) {
        update(value.utf8.count)
        update(value.utf8)
    }

    public consuming func finish() -> [UInt8] {
        let bits = length &* 8
        append(0x80)
        while filled != 56 { append(0) }
        for i in (0..<8).reversed() { append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        return h.flatMap { w in (0..<4).reversed().map { UInt8(truncatingIfNeeded: w >> (UInt32($0) * 8)) } }
    }

    /// The digest as 64 lowercase hex digits.
    public consuming func hex() -> String {
        finish().map { b in String(b >> 4, radix: 16) + String(b & 15, radix: 16) }.joined()
    }

    private mutating func compress() {
        @inline(__always) func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { x >> n | x << (32 - n) }
        var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            block.withUnsafeBufferPointer { m in
                for t in 0..<16 {
                    w[t] = UInt32(m[4 * t]) << 24 | UInt32(m[4 * t + 1]) << 16 | UInt32(m[4 * t + 2]) << 8 | UInt32(m[4 * t + 3])
                }
            }
            for t in 16..<64 {
                let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            Self.k.withUnsafeBufferPointer { k in
                for t in 0..<64 {
                    let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = hh &+ s1 &+ ch &+ k[t] &+ w[t]
                    let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
                }
            }
        }
        h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d
        h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
    }
}

/// The digest of a checked program: every value the checker built (the base scenario, each
/// variant, each sweep point, the actions, with the data files' contents already read into
/// the branches and tiers) walked in a fixed order. Formatting and comments do not change it;
/// any number, name or line that changes what the run prints does. Source locations count by
/// file name, line and column (the expectation lines print them), not by the directory.
public enum ProgramDigest {
    public static func of(_ program: CheckedProgram, extra: [String] = []) -> String {
        var sha = SHA256()
        sha.update("branchsim.program/1 rows/\(RunResult.formatVersion)")
        feed(program, into: &sha)
        sha.update(extra.count)
        for e in extra { sha.update(e) }
        return sha.hex()
    }

    static func feed(_ value: Any, into sha: inout SHA256) {
        switch value {
        case let x as Double: sha.update("d"); sha.update(x)
        case let x as Int: sha.update("i"); sha.update(x)
        case let x as UInt64: sha.update("u"); sha.update(x)
        case let x as Bool: sha.update(x ? "T" : "F")
        case let x as String: sha.update("s"); sha.update(x)
        case let x as [Double]:
            sha.update("D"); sha.update(x.count)
            for v in x { sha.update(v) }
        case let x as SourceLocation:
            sha.update("@"); sha.update(x.file.split(separator: "/").last.map(String.init) ?? x.file)
            sha.update(x.line); sha.update(x.column)
        default:
            let m = Mirror(reflecting: value)
            switch m.displayStyle {
            case .dictionary, .set:
                // None in the model today; sorted so that hash order could not leak in.
                let parts = m.children.map { c -> String in
                    var s = SHA256()
                    feed(c.value, into: &s)
                    return s.hex()
                }.sorted()
                sha.update("{"); sha.update(parts.count)
                for p in parts { sha.update(p) }
            case .optional:
                if let some = m.children.first { sha.update("?"); feed(some.value, into: &sha) } else { sha.update("nil") }
            case .enum:
                sha.update("e")
                if let payload = m.children.first {
                    sha.update(payload.label ?? "")
                    feed(payload.value, into: &sha)
                } else {
                    sha.update(String(describing: value))
                }
            default:
                if m.children.isEmpty {
                    sha.update("x"); sha.update(String(describing: value))
                } else {
                    sha.update("("); sha.update(String(describing: m.subjectType)); sha.update(m.children.count)
                    for c in m.children {
                        sha.update(c.label ?? "")
                        feed(c.value, into: &sha)
                    }
                }
            }
        }
    }
}

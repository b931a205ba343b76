/// Counter-based keyed randomness.
///
/// Every random decision of a replication is keyed, never taken from a shared stream:
/// a key is derived from (seed, salt, replication, branch, customer, campaign, host,
/// occurrence, stage/purpose) by chaining `RandomKey.mix`, the SplitMix64 output function
/// applied to `a + (b + 1) * golden`. One keyed draw is one finaliser; a decision that
/// needs several draws seeds a local `SplitMix64` (or, for long selections,
/// `Xoshiro256PlusPlus`) from its key. Results of replication `i` therefore depend only on
/// `(seed, i)`, and a decision two variants both make gets the same draw
/// (common random numbers). See docs/model.md, "Randomness".
public enum RandomKey {
    public static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The SplitMix64 finaliser (Stafford's Mix13): a bijection on 64 bits with full avalanche.
    @inline(__always)
    public static func finalize(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Derives a child key: element `b` of the SplitMix64 sequence whose state starts at `a`.
    @inline(__always)
    public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        finalize(a &+ (b &+ 1) &* golden)
    }

    /// A uniform double in `[0, 1)` from the top 53 bits of a 64-bit value.
    @inline(__always)
    public static func unit(_ x: UInt64) -> Double {
        Double(x >> 11) * 0x1.0p-53
    }

    /// A uniform double in `(0, 1]` (safe for `log` and negative powers).
    @inline(__always)
    public static func openUnit(_ x: UInt64) -> Double {
        (Double(x >> 11) + 1) * 0x1.0p-53
    }

    /// A stable 64-bit hash of a name (FNV-1a over UTF-8, then finalised), so keys follow
    /// names, not indices: a variant that drops a branch or campaign keeps the others' draws.
    public static func hash(_ name: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in name.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return finalize(h)
    }
}

/// SplitMix64 as a value stream: cheap to seed from a key, for decisions that need a few draws.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    /// Draws taken from this generator (for the draw-count benchmark).
    public var draws: Int = 0

    @inline(__always)
    public init(key: UInt64) { state = key }

    @inline(__always)
    public mutating func next() -> UInt64 {
        draws &+= 1
        state &+= RandomKey.golden
        return RandomKey.finalize(state)
    }
}

/// xoshiro256++ (Blackman and Vigna), seeded from a key through SplitMix64, for long streams
/// (contact selection, attrition selection).
public struct Xoshiro256PlusPlus: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    public var draws: Int = 0

    public init(key: UInt64) {
        var sm = SplitMix64(key: key)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = RandomKey.golden }
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        draws &+= 1
        let result = rotl(s0 &+ s3, 23) &+ s0
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

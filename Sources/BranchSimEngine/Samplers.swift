import BranchSimModel
import Foundation

/// Samplers of the distributions the model uses. Every one takes the generator `inout`
/// as a generic (never an existential), so the inner loops stay free of dynamic dispatch.
public enum Sampler {
    /// Uniform in `[0, 1)` from 53 random bits.
    @inlinable @inline(__always)
    public static func unit(using g: inout some RandomNumberGenerator) -> Double {
        Double(g.next() >> 11) * 0x1.0p-53
    }

    /// Uniform in `(0, 1]` (safe for `log` and negative powers).
    @inlinable @inline(__always)
    public static func openUnit(using g: inout some RandomNumberGenerator) -> Double {
        (Double(g.next() >> 11) + 1) * 0x1.0p-53
    }

    /// Uniform integer in `0..<n` (Lemire's multiply-and-reject; unbiased).
    @inlinable
    public static func index(below n: Int, using g: inout some RandomNumberGenerator) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        var m = g.next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = g.next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Standard normal by Marsaglia's polar method (exact; two uniforms per attempt,
    /// acceptance pi/4; the second value of the pair is discarded so every call is
    /// self-contained, which keeps keyed decisions independent of call history).
    @inlinable
    public static func normal(using g: inout some RandomNumberGenerator) -> Double {
        while true {
            let u = 2 * unit(using: &g) - 1
            let v = 2 * unit(using: &g) - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * Foundation.log(s) / s).squareRoot()
            }
        }
    }

    /// The z-value of the 90th percentile of the standard normal.
    public static let z90 = 1.2815515655446004

    /// Log-normal given its median and 90th percentile: `exp(ln(median) + sigma * Z)` with
    /// `sigma = ln(p90 / median) / z90`.
    @inlinable
    public static func lognormal(median: Double, p90: Double, using g: inout some RandomNumberGenerator) -> Double {
        lognormal(median: median, sigma: lognormalSigma(median: median, p90: p90), using: &g)
    }

    /// `lognormal` with its `sigma` worked out beforehand (the same value, bit for bit).
    @inlinable @inline(__always)
    public static func lognormal(median: Double, sigma: Double, using g: inout some RandomNumberGenerator) -> Double {
        median * Foundation.exp(sigma * normal(using: &g))
    }

    /// `sigma = max(0, ln(p90 / median) / z90)`.
    @inlinable
    public static func lognormalSigma(median: Double, p90: Double) -> Double {
        Swift.max(0, Foundation.log(p90 / median) / z90)
    }

    /// Pareto (type I) by inversion: `min * U^(-1/alpha)`, `U` in `(0, 1]`.
    @inlinable
    public static func pareto(min: Double, alpha: Double, using g: inout some RandomNumberGenerator) -> Double {
        min * Foundation.pow(openUnit(using: &g), -1 / alpha)
    }

    /// Uniform in log space over `[low, high)`.
    @inlinable
    public static func logUniform(low: Double, high: Double, using g: inout some RandomNumberGenerator) -> Double {
        let a = Foundation.log(low), b = Foundation.log(high)
        return FastMath.exp(a + (b - a) * unit(using: &g))
    }

    /// `logUniform` with the logarithms of its bounds precomputed (the same value, bit for bit).
    @inlinable @inline(__always)
    public static func logUniform(logLow a: Double, logHigh b: Double, using g: inout some RandomNumberGenerator) -> Double {
        FastMath.exp(a + (b - a) * unit(using: &g))
    }

    /// Binomial(n, p), exact: inversion when `n * min(p, 1-p) <= 30`, else BTPE
    /// (Kachitvichyanukul and Schmeiser 1988), both as numpy implements them.
    public static func binomial(n: Int, p: Double, using g: inout some RandomNumberGenerator) -> Int {
        if n <= 0 || p <= 0 { return 0 }
        if p >= 1 { return n }
        let r = Swift.min(p, 1 - p)
        let y = Double(n) * r <= 30 ? binomialInversion(n: n, p: r, using: &g) : binomialBTPE(n: n, p: r, using: &g)
        return p > 0.5 ? n - y : y
    }

    static func binomialInversion(n: Int, p: Double, using g: inout some RandomNumberGenerator) -> Int {
        let q = 1 - p
        let qn = Foundation.exp(Double(n) * Foundation.log(q))
        let np = Double(n) * p
        let bound = Swift.min(Double(n), np + 10 * (np * q + 1).squareRoot())
        var x = 0
        var px = qn
        var u = unit(using: &g)
        while u > px {
            x += 1
            if Double(x) > bound {
                x = 0
                px = qn
                u = unit(using: &g)
            } else {
                u -= px
                px = (Double(n - x + 1) * p * px) / (Double(x) * q)
            }
        }
        return x
    }

    // swiftlint:disable:next function_body_length
    static func binomialBTPE(n: Int, p r: Double, using g: inout some RandomNumberGenerator) -> Int {
        let nd = Double(n)
        let q = 1 - r
        let fm = nd * r + r
        let m = Foundation.floor(fm)
        let p1 = Foundation.floor(2.195 * (nd * r * q).squareRoot() - 4.6 * q) + 0.5
        let xm = m + 0.5
        let xl = xm - p1
        let xr = xm + p1
        let c = 0.134 + 20.5 / (15.3 + m)
        var a = (fm - xl) / (fm - xl * r)
        let laml = a * (1 + a / 2)
        a = (xr - fm) / (xr * q)
        let lamr = a * (1 + a / 2)
        let p2 = p1 * (1 + 2 * c)
        let p3 = p2 + c / laml
        let p4 = p3 + c / lamr
        let nrq = nd * r * q

        while true {
            let u = unit(using: &g) * p4
            var v = unit(using: &g)
            var y: Double
            if u <= p1 {
                // Triangular region: accept at once.
                return Int(Foundation.floor(xm - p1 * v + u))
            } else if u <= p2 {
                let x = xl + (u - p1) / c
                v = v * c + 1 - abs(m - x + 0.5) / p1
                if v > 1 { continue }
                y = Foundation.floor(x)
            } else if u <= p3 {
                y = Foundation.floor(xl + Foundation.log(v) / laml)
                if y < 0 || v == 0 { continue }
                v = v * (u - p2) * laml
            } else {
                y = Foundation.floor(xr - Foundation.log(v) / lamr)
                if y > nd || v == 0 { continue }
                v = v * (u - p3) * lamr
            }
            let k = abs(y - m)
            if !(k > 20 && k < nrq / 2 - 1) {
                // Explicit evaluation of f(y) / f(m) by recursion.
                let s = r / q
                let aa = s * (nd + 1)
                var f = 1.0
                if m < y {
                    var i = m + 1
                    while i <= y { f *= (aa / i - s); i += 1 }
                } else if m > y {
                    var i = y + 1
                    while i <= m { f /= (aa / i - s); i += 1 }
                }
                if v > f { continue }
                return Int(y)
            }
            // Squeeze using the upper and lower bounds on log f(y).
            let rho = (k / nrq) * ((k * (k / 3 + 0.625) + 0.16666666666666666) / nrq + 0.5)
            let t = -k * k / (2 * nrq)
            let bigA = Foundation.log(v)
            if bigA < t - rho { return Int(y) }
            if bigA > t + rho { continue }
            let x1 = y + 1, f1 = m + 1, z = nd + 1 - m, w = nd - y + 1
            let x2 = x1 * x1, f2 = f1 * f1, z2 = z * z, w2 = w * w
            func stirling(_ v: Double, _ v2: Double) -> Double {
                (13680 - (462 - (132 - (99 - 140 / v2) / v2) / v2) / v2) / v / 166320
            }
            let bound = xm * Foundation.log(f1 / x1) + (nd - m + 0.5) * Foundation.log(z / w)
                + (y - m) * Foundation.log(w * r / (x1 * q))
                + stirling(f1, f2) + stirling(z, z2) + stirling(x1, x2) + stirling(w, w2)
            if bigA > bound { continue }
            return Int(y)
        }
    }

    /// Moves a uniform random sample of `k` elements of `buffer[0..<count]` (without
    /// replacement) to its front, in random order (partial Fisher-Yates). The definition the
    /// engine's sampler without a copy (below) follows draw for draw; tests compare them.
    /// - Complexity: O(k).
    @inlinable
    public static func sampleWithoutReplacement<T>(
        _ buffer: inout [T], count: Int, k: Int, using g: inout some RandomNumberGenerator
    ) {
        let k = Swift.min(k, count)
        var i = 0
        while i < k {
            let j = i + index(below: count - i, using: &g)
            if j != i { buffer.swapAt(i, j) }
            i += 1
        }
    }

    /// `sampleWithoutReplacement` on a copy of `members[0..<count]`, without the copy: the
    /// same draws give the same `k` values in the same order, appended to `out`. The partial
    /// Fisher-Yates runs over the members in place, the positions it has overwritten kept
    /// in `table` (open addressing, a quarter full at most; reused between calls), so the
    /// work is O(k), not O(count).
    public static func sampleWithoutReplacement(
        from members: UnsafePointer<Int32>, count: Int, k: Int, into out: inout [Int32],
        table: inout [Int64], using g: inout some RandomNumberGenerator
    ) {
        let k = Swift.min(k, count)
        guard k > 0 else { return }
        var capacity = 16
        while capacity < 4 * k { capacity <<= 1 }
        let shift = UInt32(32 - capacity.trailingZeroBitCount)
        // Each slot packs (position + 1) << 32 | value; 0 is empty.
        table.removeAll(keepingCapacity: true)
        table.append(contentsOf: repeatElement(0, count: capacity))
        table.withUnsafeMutableBufferPointer { t in
            let slots = t.baseAddress!, mask = capacity - 1
            @inline(__always) func find(_ p: Int) -> Int {
                var h = Int((UInt32(truncatingIfNeeded: p) &* 0x9E37_79B1) >> shift)
                while slots[h] != 0 && Int(slots[h] >> 32) != p + 1 { h = (h + 1) & mask }
                return h
            }
            @inline(__always) func value(at p: Int, slot h: Int) -> Int32 {
                slots[h] == 0 ? members[p] : Int32(truncatingIfNeeded: slots[h])
            }
            for i in 0..<k {
                let j = i + index(below: count - i, using: &g)
                let hi = find(i), vi = value(at: i, slot: hi)
                let hj = find(j), vj = value(at: j, slot: hj)
                out.append(vj)
                // Position i is never read again (later draws land at or after i + 1).
                if j != i { slots[hj] = Int64(j + 1) << 32 | Int64(UInt32(bitPattern: vi)) }
            }
        }
    }

    /// A draw of a money distribution; `offbank` is what the customer holds elsewhere now.
    @inlinable
    public static func amount(_ d: Distribution, offbank: Double, using g: inout some RandomNumberGenerator) -> Double {
        switch d {
        case .fixed(let x): return x
        case .uniform(let a, let b): return a + (b - a) * unit(using: &g)
        case .lognormal(let median, let p90): return lognormal(median: median, p90: p90, using: &g)
        case .shareOfOffbank(let s): return s * Swift.max(0, offbank)
        case .pareto(let m, let alpha): return pareto(min: m, alpha: alpha, using: &g)
        }
    }
}

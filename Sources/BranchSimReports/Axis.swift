import BranchSimModel
import Foundation

/// Axis scales with "nice" ticks (1, 2, 2.5 or 5 times a power of ten) and labels in the
/// metric's unit: money in 万 (or 亿) once values are large, counts grouped, FTE with decimals.
public struct Axis: Sendable, Equatable {
    public var low: Double
    public var high: Double
    public var ticks: [Double]
    public var step: Double

    /// A range that holds `min...max` with about `count` ticks on nice numbers.
    /// `includeZero` extends the range to 0 (bars must start at zero).
    public static func nice(_ min: Double, _ max: Double, count: Int = 5, includeZero: Bool = false) -> Axis {
        var lo = min.isFinite ? min : 0, hi = max.isFinite ? max : 1
        // Past 10^300 the range, its step and its rounded ends would overflow to infinity.
        lo = Swift.min(Swift.max(lo, -1e300), 1e300)
        hi = Swift.min(Swift.max(hi, -1e300), 1e300)
        if includeZero { lo = Swift.min(lo, 0); hi = Swift.max(hi, 0) }
        if lo > hi { swap(&lo, &hi) }
        if hi - lo < 1e-12 * Swift.max(1, abs(hi)) {
            // A flat range: widen around the value.
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo = includeZero && lo >= 0 ? 0 : lo - pad
            hi += pad
        }
        let step = niceStep((hi - lo) / Double(Swift.max(1, count)))
        let first = (lo / step).rounded(.down) * step
        let last = (hi / step).rounded(.up) * step
        var ticks: [Double] = []
        var i = 0
        while true {
            let t = first + Double(i) * step
            if t > last + step * 1e-9 || i > 100 { break }
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            i += 1
        }
        return Axis(low: first, high: last, ticks: ticks, step: step)
    }

    /// The smallest of 1, 2, 2.5, 5 x 10^k at least `raw`.
    public static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let mag = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2, 2.5, 5, 10] where m * mag >= raw * (1 - 1e-12) { return m * mag }
        return 10 * mag
    }

    /// Where `v` falls on a screen span (`from` at `low`, `to` at `high`).
    public func position(_ v: Double, from: Double, to: Double) -> Double {
        guard high > low else { return from }
        return from + (v - low) / (high - low) * (to - from)
    }

    /// Tick labels for this axis in `unit`, all with the same number of decimals.
    public func labels(unit: MetricUnit) -> [String] {
        ticks.map { Axis.label($0, unit: unit, step: step, largest: Swift.max(abs(low), abs(high))) }
    }

    /// One tick label. Money is shown in 万 from 10万 up and in 亿 from 10亿 up; a share as a
    /// percentage.
    public static func label(_ v: Double, unit: MetricUnit, step: Double, largest: Double) -> String {
        var scale = 1.0, suffix = ""
        if unit == .money {
            if largest >= 1e9 { scale = 1e8; suffix = "亿" } else if largest >= 1e5 { scale = 1e4; suffix = "万" }
        } else if unit == .share {
            scale = 0.01; suffix = "%"
        }
        let s = step / scale
        // As many decimals as the step needs (0.25 -> 2, 2.5 -> 1, 50 -> 0).
        var decimals = 0
        while decimals < 4 {
            let scaled = s * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) < 1e-6 * Swift.max(1, scaled) { break }
            decimals += 1
        }
        return NumberFormat.grouped(v / scale, decimals: decimals) + suffix
    }
}

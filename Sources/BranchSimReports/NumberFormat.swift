import BranchSimModel
import Foundation

/// How money is shown: whole yuan (`12,345,678`) or 万 (ten thousands, `1,234.57万`).
public enum MoneyUnits: String, Sendable, CaseIterable {
    case yuan
    case wan
}

/// Number formatting for reports people read: thousands separators, units, no scientific notation.
///
/// Not locale-dependent: the same value always gives the same text.
public enum NumberFormat {
    /// Text for a value that is not a finite number.
    public static let missing = "n/a"

    /// `value` with `decimals` digits after the point and `,` between thousands: `12,345.68`.
    public static func grouped(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return nonFinite(value) }
        var text = String(format: "%.\(max(0, decimals))f", value)
        var negative = false
        if text.hasPrefix("-") {
            negative = true
            text.removeFirst()
        }
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = Array(parts[0])
        var out = ""
        for (i, ch) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        if parts.count > 1 { out += "." + parts[1] }
        // "-0" and "-0.00" read as a sign error: print zero plainly.
        if negative && out.contains(where: { $0 != "0" && $0 != "." && $0 != "," }) { out = "-" + out }
        return out
    }

    /// Money: whole yuan with separators, or 万 with 2 decimals.
    public static func money(_ value: Double, units: MoneyUnits) -> String {
        switch units {
        case .yuan: return grouped(value, decimals: 0)
        case .wan: return value.isFinite ? grouped(value / 10_000, decimals: 2) + "万" : nonFinite(value)
        }
    }

    /// Counts: an integer when whole, else one decimal (a mean over replications).
    public static func count(_ value: Double) -> String {
        guard value.isFinite else { return nonFinite(value) }
        return value == value.rounded() ? grouped(value, decimals: 0) : grouped(value, decimals: 1)
    }

    /// Full-time equivalents: 2 decimals.
    public static func fte(_ value: Double) -> String { grouped(value, decimals: 2) }

    /// Hours: whole hours when large, else one decimal.
    public static func hours(_ value: Double) -> String {
        guard value.isFinite else { return nonFinite(value) }
        return abs(value) >= 1000 ? grouped(value, decimals: 0) : grouped(value, decimals: 1)
    }

    /// A ratio such as uplift per unit cost: 2 decimals.
    public static func ratio(_ value: Double) -> String { grouped(value, decimals: 2) }

    /// A share in `0...1` as a percentage: `0.4523` -> `45.2%`.
    public static func percent(_ share: Double, decimals: Int = 1) -> String {
        guard share.isFinite else { return nonFinite(share) }
        return grouped(share * 100, decimals: decimals) + "%"
    }

    /// A value in the unit a metric is measured in.
    public static func value(_ value: Double, unit: MetricUnit, units: MoneyUnits) -> String {
        switch unit {
        case .money: return money(value, units: units)
        case .count: return count(value)
        case .hours: return hours(value)
        case .fte: return fte(value)
        case .ratio: return ratio(value)
        case .share: return percent(value)
        }
    }

    /// A value of unknown unit: grouped integer when whole or large, else up to 3 decimals.
    public static func general(_ value: Double) -> String {
        guard value.isFinite else { return nonFinite(value) }
        if value == value.rounded() || abs(value) >= 1000 { return grouped(value, decimals: 0) }
        var s = grouped(value, decimals: abs(value) >= 1 ? 2 : 3)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// `low .. high` in a metric's unit.
    public static func interval(_ low: Double, _ high: Double, unit: MetricUnit, units: MoneyUnits) -> String {
        "\(value(low, unit: unit, units: units)) .. \(value(high, unit: unit, units: units))"
    }

    static func nonFinite(_ v: Double) -> String {
        v.isNaN ? missing : (v > 0 ? "inf" : "-inf")
    }
}

/// The unit of a metric key as `MetricCatalog` names them, for places that only have the key
/// (expectations, comparison paths). Prefer the `MetricDescriptor` where there is one.
public enum MetricUnits {
    public static func guess(_ key: String) -> MetricUnit {
        let parts = key.split(separator: ".").map(String.init)
        guard let head = parts.first else { return .count }
        switch head {
        case "aum", "uplift", "cost": return .money
        case "uplift_per_cost": return .ratio
        case "input": return .ratio
        case "staffing":
            return parts.last == "hours" ? .hours : .fte
        default: return .count
        }
    }

    /// The unit of `key` in `run`, else the guess from its name.
    static func unit(of key: String, in run: RunResult?) -> MetricUnit {
        if let run, let i = run.metricIndex(key) { return run.metrics[i].unit }
        return guess(key)
    }
}

/// One format for a table column. `NumberFormat.count` and `.hours` choose their decimals
/// value by value (a whole count as `1,324`, a mean as `1,447.0`; hours whole from 1,000), so
/// a column formatted cell by cell mixes the two. A column format fixes the decimals per unit
/// from every value of the column: counts get one decimal when any of them is fractional,
/// hours one decimal when any is below 1,000. Money, FTE and ratios already
/// have one format each.
public struct ColumnFormat: Sendable {
    public var units: MoneyUnits
    var countDecimals = 0
    var hoursDecimals = 0

    /// The format for a column holding `values` (each with its metric's unit).
    public init(units: MoneyUnits, values: [(value: Double, unit: MetricUnit)]) {
        self.units = units
        for (v, unit) in values where v.isFinite {
            switch unit {
            case .count: if v != v.rounded() { countDecimals = 1 }
            case .hours: if abs(v) < 1000 { hoursDecimals = 1 }
            case .money, .fte, .ratio, .share: break
            }
        }
    }

    public func value(_ v: Double, unit: MetricUnit) -> String {
        switch unit {
        case .count: return NumberFormat.grouped(v, decimals: countDecimals)
        case .hours: return NumberFormat.grouped(v, decimals: hoursDecimals)
        case .money, .fte, .ratio, .share: return NumberFormat.value(v, unit: unit, units: units)
        }
    }

    public func interval(_ low: Double, _ high: Double, unit: MetricUnit) -> String {
        "\(value(low, unit: unit)) .. \(value(high, unit: unit))"
    }
}

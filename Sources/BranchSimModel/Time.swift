/// Calendar arithmetic for scenarios.
///
/// MODEL.md's calendar: 1 year = 12 months = 52 weeks; 1 week = 7 days = 5 workdays;
/// 1 month = 52/12 weeks. Every calendar duration is a whole number of *ticks*, where
/// one week is 105 ticks (the least common multiple of 3, 5 and 7), so a month (455),
/// a day (15) and a workday (21) are exact and frequencies can carry their fraction
/// forward without rounding error.
public struct CalendarDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Ticks in one week.
    public static let ticksPerWeek = 105

    public var ticks: Int

    public init(ticks: Int) { self.ticks = ticks }

    public static func weeks(_ n: Int) -> CalendarDuration { .init(ticks: n * 105) }
    public static func months(_ n: Int) -> CalendarDuration { .init(ticks: n * 455) }
    public static func days(_ n: Int) -> CalendarDuration { .init(ticks: n * 15) }
    public static func workdays(_ n: Int) -> CalendarDuration { .init(ticks: n * 21) }
    public static func years(_ n: Int) -> CalendarDuration { .init(ticks: n * 5460) }

    public static let zero = CalendarDuration(ticks: 0)
    public static let week = CalendarDuration.weeks(1)
    public static let month = CalendarDuration.months(1)
    public static let day = CalendarDuration.days(1)
    public static let workday = CalendarDuration.workdays(1)
    public static let year = CalendarDuration.years(1)

    /// The duration in weeks (for display and for hours-per-step arithmetic).
    public var weeks: Double { Double(ticks) / Double(Self.ticksPerWeek) }

    public static func < (a: CalendarDuration, b: CalendarDuration) -> Bool { a.ticks < b.ticks }
    public static func + (a: CalendarDuration, b: CalendarDuration) -> CalendarDuration { .init(ticks: a.ticks + b.ticks) }
    public static func * (a: CalendarDuration, n: Int) -> CalendarDuration { .init(ticks: a.ticks * n) }

    public var description: String {
        if ticks % 5460 == 0 { return "\(ticks / 5460) year" + (ticks / 5460 == 1 ? "" : "s") }
        if ticks % 455 == 0 { return "\(ticks / 455) month" + (ticks / 455 == 1 ? "" : "s") }
        if ticks % 105 == 0 { return "\(ticks / 105) week" + (ticks / 105 == 1 ? "" : "s") }
        if ticks % 15 == 0 { return "\(ticks / 15) day" + (ticks / 15 == 1 ? "" : "s") }
        if ticks % 21 == 0 { return "\(ticks / 21) workday" + (ticks / 21 == 1 ? "" : "s") }
        return "\(ticks) ticks (\(weeks) weeks)"
    }
}

/// The length of one simulation step.
public enum StepUnit: String, Sendable, Hashable, CaseIterable {
    case week, month

    public var duration: CalendarDuration { self == .week ? .week : .month }
}

/// How often something happens: `count` occurrences per `period`.
///
/// Turned into occurrences per step by carrying the fraction forward: the number of
/// occurrences in steps `0..<k` is `floor(count * k * stepTicks / periodTicks)`, so
/// `1 per month` on weekly steps gives exactly 12 occurrences in 52 weeks.
public struct Rate: Hashable, Sendable, CustomStringConvertible {
    public var count: Double
    public var period: CalendarDuration

    public init(count: Double, per period: CalendarDuration) {
        self.count = count
        self.period = period
    }

    /// Occurrences per week (for display and estimates).
    public var perWeek: Double { count / period.weeks }

    /// Cumulative whole occurrences in the first `steps` steps of length `step`.
    public func cumulativeOccurrences(steps: Int, step: CalendarDuration) -> Int {
        let exact = count * Double(steps * step.ticks) / Double(period.ticks)
        // A tiny tolerance keeps exact rationals (12/52 * 52) from flooring to 11.
        return Int((exact + 1e-9).rounded(.down))
    }

    /// Occurrences falling in step `index` (0-based).
    public func occurrences(inStep index: Int, step: CalendarDuration) -> Int {
        cumulativeOccurrences(steps: index + 1, step: step) - cumulativeOccurrences(steps: index, step: step)
    }

    public var description: String {
        let c = count == count.rounded() && abs(count) < 1e15 ? String(Int(count)) : String(count)
        switch period {
        case .week: return "\(c) per week"
        case .month: return "\(c) per month"
        case .day: return "\(c) per day"
        case .workday: return "\(c) per workday"
        case .year: return "\(c) per year"
        default: return "\(c) per \(period)"
        }
    }
}

import Foundation
/// What a metric measures, for formatting.
public enum MetricUnit: String, Sendable, Codable, Hashable {
    /// Yuan.
    case money
    /// Customers, contacts, occurrences.
    case count
    case hours
    case fte
    /// A plain ratio (uplift per unit cost).
    case ratio
    /// A rate or share in 0...1, printed as a percentage (an uncertain rate's draws).
    case share
}

public struct MetricDescriptor: Sendable, Codable, Hashable {
    /// Canonical key, e.g. `funnel.upgrade_meeting.attend`.
    public var key: String
    public var unit: MetricUnit

    public init(key: String, unit: MetricUnit) {
        self.key = key
        self.unit = unit
    }
}

/// How a run's replication count was decided: a value; the reports say it in words.
public enum Stopping: Sendable, Equatable {
    /// A fixed count (`runs N`, `--runs`, `--replications`).
    case fixed
    /// `runs until METRIC within RELATIVE` (`relativeHalfWidth` of the mean, as a fraction),
    /// at most `cap` replications: `reachedAfter` is the count at which the interval was
    /// tight enough, or nil when the cap was reached first.
    case precision(metric: String, relativeHalfWidth: Double, cap: Int, reachedAfter: Int?)
}

extension Stopping: Codable {
    private enum Keys: String, CodingKey {
        case metric, relativeHalfWidth, cap, reachedAfter
    }

    /// A fixed count is saved as the string `fixed` (as before there was this type), a
    /// precision stop as an object with the fields of `precision`.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let word = try? single.decode(String.self) {
            guard let s = Self(legacy: word) else {
                throw DecodingError.dataCorruptedError(in: single, debugDescription: "unknown stopping '\(word)'")
            }
            self = s
            return
        }
        let c = try decoder.container(keyedBy: Keys.self)
        self = .precision(metric: try c.decode(String.self, forKey: .metric),
                          relativeHalfWidth: try c.decode(Double.self, forKey: .relativeHalfWidth),
                          cap: try c.decode(Int.self, forKey: .cap),
                          reachedAfter: try c.decodeIfPresent(Int.self, forKey: .reachedAfter))
    }

    /// A stop saved as words, before this type: `fixed`, `until M within P%: reached after N`
    /// (whose cap the words do not say: N stands in) or `until M within P%: cap C reached`.
    init?(legacy s: String) {
        if s == "fixed" {
            self = .fixed
            return
        }
        guard s.hasPrefix("until "), let within = s.range(of: " within "), let colon = s.range(of: "%: ") else { return nil }
        let metric = String(s[s.index(s.startIndex, offsetBy: 6)..<within.lowerBound])
        guard let percent = Double(s[within.upperBound..<colon.lowerBound]) else { return nil }
        let rest = s[colon.upperBound...]
        if rest.hasPrefix("reached after "), let n = Int(rest.dropFirst("reached after ".count)) {
            self = .precision(metric: metric, relativeHalfWidth: percent / 100, cap: n, reachedAfter: n)
        } else if rest.hasPrefix("cap "), rest.hasSuffix(" reached"), let c = Int(rest.dropFirst(4).dropLast(8)) {
            self = .precision(metric: metric, relativeHalfWidth: percent / 100, cap: c, reachedAfter: nil)
        } else {
            return nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .fixed:
            var single = encoder.singleValueContainer()
            try single.encode("fixed")
        case .precision(let metric, let relative, let cap, let reached):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(metric, forKey: .metric)
            try c.encode(relative, forKey: .relativeHalfWidth)
            try c.encode(cap, forKey: .cap)
            try c.encodeIfPresent(reached, forKey: .reachedAfter)
        }
    }
}

/// One replication's summary: a value per metric and, per series, a value per step.
public struct ReplicationRecord: Sendable, Codable, Equatable {
    /// Replication index `i` (its random stream depends only on (seed, i)).
    public var index: Int
    /// Same order as `RunResult.metrics`.
    public var values: [Double]
    /// Flattened `series.count x steps`, series-major: `series[s * steps + t]`.
    public var series: [Double]

    public init(index: Int, values: [Double], series: [Double]) {
        self.index = index
        self.values = values
        self.series = series
    }
}

/// The outcome of running one scenario: per-replication rows and what they mean.
///
/// Summaries are computed from the rows on demand, in replication order, so results
/// are the same whatever the number of threads and however replications were sliced.
/// The rows live in a `RowStore`: in memory up to a budget, beyond it in a temporary file,
/// so a run's memory does not grow with `runs` (docs/performance.md, "Memory").
public struct RunResult: Sendable, Codable, Equatable {
    public static let formatVersion = 1
    /// Replications whose per-step series are kept: those with an index below this. The
    /// series' bands (fan charts, `series` in JSON) summarise them; every metric summarises
    /// all replications. A run's memory then does not grow with `runs` past this (the metric
    /// rows spill to a file past their budget, `RowStore`). Up to this many replications
    /// nothing changes: the bands are those of every replication.
    public static let seriesReplications = 2_000
    /// The most steps a run has: 100 years of weeks, the longest horizon a scenario may give.
    public static let maximumSteps = 5_200

    /// Bytes the rows of `scenario` run `runs` times keep in memory: the metric rows up to
    /// `RowStore.defaultBudget` (the rest is in a temporary file), and every series' steps
    /// for the first `seriesReplications`.
    public static func rowBytes(_ scenario: Scenario, runs: Int) -> Int {
        let metrics = MetricCatalog.metrics(for: scenario).count
        let seriesSteps = MetricCatalog.series(for: scenario).count * scenario.steps
        return min(runs * 8 * metrics, RowStore.defaultBudget) + min(runs, seriesReplications) * 8 * seriesSteps
    }

    /// The replications whose series are kept (see `seriesReplications`), in order.
    public var withSeries: [ReplicationRecord] {
        var out: [ReplicationRecord] = []
        var ended = false
        rows.forEachRow(limit: rows.seriesCount) { index, values, series in
            if series.isEmpty { ended = true }
            if !ended { out.append(ReplicationRecord(index: index, values: values, series: series)) }
        }
        return out
    }

    /// How many replications kept their series (`withSeries.count`).
    public var seriesCount: Int {
        var n = 0
        while n < rows.seriesCount && !rows.series(ofRow: n).isEmpty { n += 1 }
        return n
    }

    /// `base` or the variant's name.
    public var label: String
    public var title: String
    public var seed: UInt64
    public var steps: Int
    public var stepUnit: String
    public var metrics: [MetricDescriptor] { didSet { metricPositions = Self.positions(of: metrics) } }
    /// Where each key is in `metrics` (its first place): a report of 500 outlets looks up
    /// about 12,000 keys, and a scan for each was quadratic (0.65-1.0 s a report).
    private var metricPositions: [String: Int]
    /// Per-step series: `aum`, `aum.TIER`, `hours.ROLE`, `fte.ROLE`, ...
    public var series: [String]
    /// The rows, sorted by `index` (in memory up to a budget, beyond it in a temporary file).
    public private(set) var rows: RowStore
    /// Every row as a record, sorted by `index`. Reading it holds every row in memory (tests,
    /// merging small files); the reports read `rows` a column at a time instead.
    public var replications: [ReplicationRecord] {
        get { rows.records }
        set { rows = RowStore(width: metrics.count, records: newValue) }
    }
    /// FTE on hand per role across all branches (role name -> FTE).
    public var availableFTE: [String: Double]
    /// How the replication count was decided (the reports render it).
    public var stopping: Stopping

    public init(label: String, title: String, seed: UInt64, steps: Int, stepUnit: String,
                metrics: [MetricDescriptor], series: [String], replications: [ReplicationRecord],
                availableFTE: [String: Double], stopping: Stopping = .fixed) {
        self.label = label
        self.title = title
        self.seed = seed
        self.steps = steps
        self.stepUnit = stepUnit
        self.metrics = metrics
        self.metricPositions = Self.positions(of: metrics)
        self.series = series
        self.rows = RowStore(width: metrics.count, records: replications)
        self.availableFTE = availableFTE
        self.stopping = stopping
    }

    /// A result over rows already stored (the engine's).
    public init(label: String, title: String, seed: UInt64, steps: Int, stepUnit: String,
                metrics: [MetricDescriptor], series: [String], rows: RowStore,
                availableFTE: [String: Double], stopping: Stopping = .fixed) {
        self.init(label: label, title: title, seed: seed, steps: steps, stepUnit: stepUnit, metrics: metrics,
                  series: series, replications: [], availableFTE: availableFTE, stopping: stopping)
        self.rows = rows
    }

    private enum CodingKeys: String, CodingKey {
        case label, title, seed, steps, stepUnit, metrics, series, replications, availableFTE, stopping
    }

    /// The rows as an array of records, encoded one at a time from the store.
    private struct EncodedRows: Encodable {
        let rows: RowStore
        func encode(to encoder: any Encoder) throws {
            var c = encoder.unkeyedContainer()
            try rows.forEachRow { try c.encode(ReplicationRecord(index: $0, values: $1, series: $2)) }
        }
    }

    /// The rows decoded one at a time into a store.
    private struct DecodedRows: Decodable {
        let records: [ReplicationRecord]
        init(from decoder: any Decoder) throws {
            var c = try decoder.unkeyedContainer()
            var out: [ReplicationRecord] = []
            while !c.isAtEnd { out.append(try c.decode(ReplicationRecord.self)) }
            records = out
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        label = try c.decode(String.self, forKey: .label)
        title = try c.decode(String.self, forKey: .title)
        seed = try c.decode(UInt64.self, forKey: .seed)
        steps = try c.decode(Int.self, forKey: .steps)
        stepUnit = try c.decode(String.self, forKey: .stepUnit)
        metrics = try c.decode([MetricDescriptor].self, forKey: .metrics)
        metricPositions = Self.positions(of: metrics)
        series = try c.decode([String].self, forKey: .series)
        // The rows decoded one at a time into a store.
        var records = try c.nestedUnkeyedContainer(forKey: .replications)
        let store = RowStore(width: metrics.count)
        while !records.isAtEnd {
            let r = try records.decode(ReplicationRecord.self)
            store.append(index: r.index, values: r.values, series: r.series)
        }
        rows = store
        availableFTE = try c.decode([String: Double].self, forKey: .availableFTE)
        stopping = try c.decode(Stopping.self, forKey: .stopping)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(label, forKey: .label)
        try c.encode(title, forKey: .title)
        try c.encode(seed, forKey: .seed)
        try c.encode(steps, forKey: .steps)
        try c.encode(stepUnit, forKey: .stepUnit)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(series, forKey: .series)
        try c.encode(EncodedRows(rows: rows), forKey: .replications)
        try c.encode(availableFTE, forKey: .availableFTE)
        try c.encode(stopping, forKey: .stopping)
    }

    public static func == (a: RunResult, b: RunResult) -> Bool {
        guard a.label == b.label, a.title == b.title, a.seed == b.seed, a.steps == b.steps, a.stepUnit == b.stepUnit,
              a.metrics == b.metrics, a.series == b.series, a.availableFTE == b.availableFTE,
              a.stopping == b.stopping, a.count == b.count else { return false }
        // A `report` after a `compare` asks whether the last run is one of the comparison's:
        // the same store, most often; otherwise compared a column at a time.
        return a.rows.sameRows(as: b.rows)
    }

    public var count: Int { rows.count }

    /// Calls `body` with each replication's index, metric values and series (empty when it
    /// kept none), in order, without holding every row in memory.
    public func forEachReplication(_ body: (_ index: Int, _ values: [Double], _ series: [Double]) throws -> Void) rethrows {
        try rows.forEachRow(body)
    }

    /// Why these rows cannot be a run's (rows read back from a file that was changed or cut
    /// short): nil when every replication has one value per metric and either no series or
    /// all of them. Summaries and reports rely on that shape.
    public var shapeProblem: String? {
        guard steps >= 1 && steps <= Self.maximumSteps else {
            return "it has \(steps) steps (a run has 1 to \(Self.maximumSteps))"
        }
        let width = series.count * steps
        var problem: String?
        forEachReplication { index, values, rowSeries in
            guard problem == nil else { return }
            if index < 0 {
                problem = "a replication has the index \(index)"
            } else if values.count != metrics.count {
                problem = "replication \(index) has \(values.count) metric values, not \(metrics.count)"
            } else if !rowSeries.isEmpty && rowSeries.count != width {
                problem = "replication \(index) has \(rowSeries.count) series values, not \(width) "
                    + "(\(series.count) series of \(steps) steps)"
            }
        }
        return problem
    }

    public func metricIndex(_ key: String) -> Int? { metricPositions[key] }

    private static func positions(of metrics: [MetricDescriptor]) -> [String: Int] {
        var out: [String: Int] = [:]
        out.reserveCapacity(metrics.count)
        for (i, m) in metrics.enumerated() where out[m.key] == nil { out[m.key] = i }
        return out
    }
    public func seriesIndex(_ name: String) -> Int? { series.firstIndex(of: name) }

    /// The metric's value in each replication, in replication order.
    public func values(of key: String) -> [Double]? {
        guard let i = metricIndex(key) else { return nil }
        return rows.column(i)
    }

    public func summary(of key: String) -> MetricSummary? {
        values(of: key).map(MetricSummary.init(values:))
    }

    /// Per-step values of a series in one replication.
    public func series(_ name: String, replication r: Int) -> ArraySlice<Double>? {
        guard let s = seriesIndex(name), r < count else { return nil }
        let row = rows.series(ofRow: r)
        guard !row.isEmpty else { return nil }
        return row[(s * steps)..<((s + 1) * steps)]
    }

    /// `seriesBands` of every series, in `series` order, and the summary of every metric, in
    /// `metrics` order, computed on all processors: after a long run these thousands of
    /// summaries were the serial tail that kept 2 threads from being twice as fast as 1.
    /// Each summary is computed exactly as on its own, so the values are the same.
    /// - Parameter threads: how many threads may work (`nil`: every processor).
    public func allSummaries(threads: Int? = nil) -> (metrics: [MetricSummary], series: [[MetricSummary]]) {
        // Job 0: every metric at once (`MetricSummary.columns`); job 1 + i: series i's bands.
        let jobs = 1 + series.count
        let out = SummarySlots(count: jobs)
        let workers = max(1, min(jobs, threads ?? ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for j in stride(from: w, to: jobs, by: workers) {
                out.set(j, j == 0 ? metricSummaries() : seriesBands(series[j - 1]) ?? [])
            }
        }
        let all = out.values
        return (all[0], Array(all[1...]))
    }

    /// Bytes of metric values `metricSummaries` gathers at once: it summarises the metrics a
    /// block of columns at a time, each block's values of every replication (at least one
    /// column), so its memory does not grow with `runs` times the metrics.
    public static let summaryBlockBytes = 16 * 1_048_576

    /// The summary of every metric, in `metrics` order (each as `summary(of:)` gives it:
    /// `MetricSummary.columns` summarises each column on its own, so blocks change nothing).
    public func metricSummaries() -> [MetricSummary] {
        let k = metrics.count, n = count
        let block = max(1, Self.summaryBlockBytes / max(1, 8 * n))
        var out: [MetricSummary] = []
        out.reserveCapacity(k)
        for j in stride(from: 0, to: k, by: block) {
            let js = j..<min(k, j + block)
            let m = rows.matrix(js)
            out += m.withUnsafeBufferPointer { MetricSummary.columns($0.baseAddress, rows: n, columns: js.count) }
        }
        return out
    }

    /// Per-step quantile bands of a series across the replications that kept their series
    /// (for fan charts); nil when none did.
    public func seriesBands(_ name: String) -> [MetricSummary]? {
        guard let s = seriesIndex(name) else { return nil }
        // The series straight from the store (`withSeries` would read every metric row too).
        let n = seriesCount
        // A slice of replications past `seriesReplications` has rows but no series: no bands.
        if n == 0 && count > 0 { return nil }
        // Each replication's row of steps, one after another: the steps are the columns.
        // (Copied a row at a time: element by element, this copy was a third of the time a
        // long run's report took.)
        var matrix = [Double](repeating: 0, count: steps * n)
        if steps > 0 {
            matrix.withUnsafeMutableBufferPointer { m in
                for r in 0..<n {
                    let series = rows.series(ofRow: r)
                    precondition(series.count >= (s + 1) * steps, "a replication's series row is short")
                    series.withUnsafeBufferPointer { row in
                        (m.baseAddress! + r * steps).update(from: row.baseAddress! + s * steps, count: steps)
                    }
                }
            }
        }
        return matrix.withUnsafeBufferPointer { MetricSummary.columns($0.baseAddress, rows: n, columns: steps) }
    }

    /// This result's description (label, metrics, series...) over other rows.
    public func withRows(_ rows: RowStore) -> RunResult {
        var r = self
        r.rows = rows
        return r
    }

    /// Joins slices of one run (`--replications 0..<500` and `500..<1000`) into the whole run,
    /// a row at a time into a new store (so memory does not grow with the rows: `RowStore`).
    public static func merged(_ parts: [RunResult]) throws(MergeError) -> RunResult {
        guard let whole = parts.first else { throw .empty }
        for p in parts.dropFirst() {
            guard p.metrics == whole.metrics, p.series == whole.series, p.seed == whole.seed,
                  p.steps == whole.steps, p.label == whole.label, p.title == whole.title
            else { throw .incompatible(p.label) }
        }
        // Slices one after another: rows in order, each index past the last.
        let ordered = parts.sorted { ($0.rows.firstIndex ?? .max) < ($1.rows.firstIndex ?? .max) }
        let store = RowStore(width: whole.metrics.count)
        var last = Int.min
        struct OutOfOrder: Error { var index: Int }
        do {
            for p in ordered {
                try p.forEachReplication { index, values, series in
                    guard index > last else { throw OutOfOrder(index: index) }
                    store.append(index: index, values: values, series: series)
                    last = index
                }
            }
        } catch let e as OutOfOrder where e.index == last {
            throw .overlap(e.index)
        } catch {
            // Interleaved slices (not what `--replications` makes): sorted in memory.
            var all = ordered.flatMap(\.replications)
            all.sort { $0.index < $1.index }
            for (a, b) in zip(all, all.dropFirst()) where a.index == b.index {
                throw .overlap(a.index)
            }
            return whole.withRows(RowStore(width: whole.metrics.count, records: all))
        }
        return whole.withRows(store)
    }
}

public enum MergeError: Error, Equatable, CustomStringConvertible {
    case empty
    case incompatible(String)
    case overlap(Int)

    public var description: String {
        switch self {
        case .empty: return "nothing to merge"
        case .incompatible(let l): return "slice '\(l)' comes from another scenario, seed or version; merge slices of one run only"
        case .overlap(let i): return "replication \(i) appears in more than one slice; give each slice its own --replications range"
        }
    }
}

/// Runs of several variants over the same replications: `compare A, B, ...`.
public struct ComparisonResult: Sendable, Equatable {
    public var runs: [RunResult]
    public var metrics: [String]
    public var independent: Bool

    public init(runs: [RunResult], metrics: [String], independent: Bool) {
        self.runs = runs
        self.metrics = metrics
        self.independent = independent
    }

    /// Per-replication differences `runs[later] - runs[first]` of a metric, paired by replication index.
    public func differences(of key: String, first: Int = 0, later: Int = 1) -> [Double]? {
        guard runs.indices.contains(first), runs.indices.contains(later),
              let a = runs[first].values(of: key), let b = runs[later].values(of: key), a.count == b.count
        else { return nil }
        return zip(b, a).map { $0 - $1 }
    }

    public func difference(of key: String, first: Int = 0, later: Int = 1) -> MetricSummary? {
        differences(of: key, first: first, later: later).map(MetricSummary.init(values:))
    }

    /// Share of paired replications in which the later variant's value exceeds the first's
    /// (ties count one half).
    public func probabilityBetter(of key: String, first: Int = 0, later: Int = 1) -> Double? {
        guard let d = differences(of: key, first: first, later: later), !d.isEmpty else { return nil }
        let wins = d.reduce(0.0) { $0 + ($1 > 0 ? 1 : ($1 == 0 ? 0.5 : 0)) }
        return wins / Double(d.count)
    }
}

/// Slots written by index from `concurrentPerform` workers (each slot by one worker), read
/// after all have joined.
private final class SummarySlots: Sendable {
    private let slots: LockedValue<[[MetricSummary]]>

    init(count: Int) { slots = LockedValue(Array(repeating: [], count: count)) }

    func set(_ i: Int, _ value: [MetricSummary]) { slots.withLock { $0[i] = value } }

    var values: [[MetricSummary]] { slots.withLock { $0 } }
}

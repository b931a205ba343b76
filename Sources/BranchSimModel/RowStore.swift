import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The metric rows of a run, in replication order, in bounded memory (docs/performance.md,
/// "Memory").
///
/// Rows are appended one replication at a time. Up to `budget` bytes of metric values stay
/// in memory, row after row; when the rows in memory reach the budget they are written out
/// as one *segment* to a temporary file (unlinked as soon as it is opened, so nothing is
/// left behind whatever happens to the process), column after column, and memory starts
/// over. A metric's values (`column`) are then one contiguous read per segment plus the rows
/// still in memory, in replication order: every summary, quantile and paired difference is
/// computed from exactly the values, in exactly the order, it was computed from when every
/// row stayed in memory, so results are identical whatever the budget.
///
/// The per-step series are kept in memory for the rows that have them (the engine gives
/// them to the first `RunResult.seriesReplications` replications only: a bound that does not
/// grow with `runs`). Replication indices are kept as ranges of consecutive indices (one
/// range for a run or a slice).
///
/// Appending is for the one owner that builds the store (the engine's collector, a decoder);
/// once a `RunResult` holds it the store is only read, from any thread (`pread`).
public final class RowStore: @unchecked Sendable {
    /// Bytes of metric values kept in memory by default before rows spill to a file: 16 MiB,
    /// which 500 outlets' rows (about 5 KB) reach after about 3,300 replications, a 20-outlet
    /// province's (524 metrics) after 4,000, hub-and-satellites' after about 15,000.
    public static let defaultBudget = 16 * 1_048_576

    /// Bytes of spilled rows `forEachRow` reads back at a time.
    public static let readChunkBytes = 1_048_576

    /// Metric values per row.
    public let width: Int
    /// Rows per segment: the rows of `budget` bytes, at least one.
    public let segmentRows: Int
    public private(set) var count = 0
    /// Replication indices, as ranges of consecutive indices in row order.
    private var ranges: [Range<Int>] = []
    /// The rows not yet written out, row by row (`width` values each).
    private var tail: [Double] = []
    /// Per-step series by row, up to the last row that has one (rows without: empty).
    private var seriesRows: [[Double]] = []
    /// Segments written to `file`, each `segmentRows * width` values, column by column.
    private var segments = 0
    /// Rows of the last segment when `seal` wrote it shorter than the others (else 0).
    private var shortRows = 0
    private var file: Int32 = -1

    public init(width: Int, budget: Int = RowStore.defaultBudget) {
        self.width = width
        segmentRows = max(1, budget / max(1, 8 * width))
    }

    deinit {
        if file >= 0 { close(file) }
    }

    /// A store of `records` (each `width` values).
    public convenience init(width: Int, records: [ReplicationRecord], budget: Int = RowStore.defaultBudget) {
        self.init(width: width, budget: budget)
        for r in records { append(index: r.index, values: r.values, series: r.series) }
    }

    /// Rows written out to the temporary file so far.
    public var spilledRows: Int { segments == 0 ? 0 : (segments - 1) * segmentRows + rows(inSegment: segments - 1) }

    /// Rows of segment `s`: `segmentRows`, but for a last one `seal` wrote shorter.
    private func rows(inSegment s: Int) -> Int { s == segments - 1 && shortRows > 0 ? shortRows : segmentRows }

    /// Bytes of rows in memory from which `seal` writes them out.
    public static let sealMinimumBytes = 1_048_576

    /// Says no more rows come: the rows in memory, if they reach `sealMinimumBytes`, are
    /// written out as a last, shorter segment and their memory given back. A finished run
    /// held beside others (the variants of a `compare`, the points of a `sweep`) then keeps
    /// only its series in memory, not up to a budget of rows each. Reads are unchanged.
    public func seal() {
        let n = width > 0 ? tail.count / width : 0
        guard shortRows == 0, n * width * 8 >= Self.sealMinimumBytes else { return }
        writeSegment(rows: n)
        shortRows = n
        tail = []
    }

    /// Bytes this store holds in memory for its metric rows: the rows not written out, and
    /// the index ranges (the series are counted apart, `seriesBytes`). At most the budget
    /// and a range per gap in the indices (none for a run or a slice), whatever the rows.
    public var retainedBytes: Int { tail.capacity * 8 + ranges.capacity * 16 }

    /// Bytes of the series kept in memory.
    public var seriesBytes: Int { seriesRows.reduce(seriesRows.capacity * 8) { $0 + $1.capacity * 8 } }

    /// Rows that kept their series: the first `seriesCount` rows have one (or are empty).
    public var seriesCount: Int { seriesRows.count }

    /// Appends the next row. `values` should hold `width` values: other rows (from a damaged
    /// file) are padded with NaN or cut in the columns and kept as given besides, so that
    /// `RunResult.shapeProblem` reports them.
    public func append(index: Int, values: [Double], series: [Double]) {
        precondition(shortRows == 0, "a row appended to a sealed store")
        if let last = ranges.last, last.upperBound == index {
            ranges[ranges.count - 1] = last.lowerBound..<(index + 1)
        } else {
            ranges.append(index..<(index + 1))
        }
        if tail.count + width > tail.capacity {
            // Grown by hand up to the segment exactly: doubling would overshoot the budget.
            tail.reserveCapacity(min(segmentRows * width, max(2 * tail.capacity, 64 * width)))
        }
        if values.count == width {
            tail.append(contentsOf: values)
        } else {
            for j in 0..<width { tail.append(j < values.count ? values[j] : .nan) }
            oddRows[count] = values
        }
        if !series.isEmpty {
            while seriesRows.count < count { seriesRows.append([]) }
            seriesRows.append(series)
        }
        count += 1
        if tail.count >= segmentRows * width && width > 0 { spill() }
    }

    /// Rows whose value count was not `width`, as appended: `forEachRow` gives them back so
    /// that `RunResult.shapeProblem` sees them.
    private var oddRows: [Int: [Double]] = [:]

    /// Writes the rows in memory out as a segment, column by column.
    private func spill() {
        writeSegment(rows: segmentRows)
        tail.removeAll(keepingCapacity: true)
    }

    /// Writes the first `n` rows in memory out as the next segment, one column after another
    /// (a column's values gathered at a time: not a second copy of the rows).
    private func writeSegment(rows n: Int) {
        if file < 0 { file = Self.openTemporary() }
        let base = off_t(segments) * off_t(segmentRows * width * 8)
        var column = [Double](repeating: 0, count: n)
        tail.withUnsafeBufferPointer { t in
            for j in 0..<width {
                for r in 0..<n { column[r] = t[r * width + j] }
                column.withUnsafeBytes { raw in
                    var done = 0
                    while done < raw.count {
                        let w = pwrite(file, raw.baseAddress! + done, raw.count - done, base + off_t(j * n * 8 + done))
                        precondition(w > 0, "cannot write the run's rows to a temporary file (errno \(errno)); free disk space in \(NSTemporaryDirectory())")
                        done += w
                    }
                }
            }
        }
        segments += 1
    }

    private static func openTemporary() -> Int32 {
        var template = Array((NSTemporaryDirectory() + "/branchsim-rows-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        precondition(fd >= 0, "cannot create a temporary file for the run's rows (errno \(errno)) in \(NSTemporaryDirectory())")
        unlink(String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        return fd
    }

    /// Reads `count` values at value offset `at` of the file into `into`.
    private func read(_ into: UnsafeMutablePointer<Double>, count n: Int, at: Int) {
        let bytes = n * 8
        var done = 0
        let raw = UnsafeMutableRawPointer(into)
        while done < bytes {
            let r = pread(file, raw + done, bytes - done, off_t(at * 8 + done))
            precondition(r > 0, "cannot read the run's rows back from their temporary file (errno \(errno))")
            done += r
        }
    }

    /// Column `j`'s values of every row, in row order.
    public func column(_ j: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { o in
            columns(j..<(j + 1)) { rows, values in
                for (r, v) in zip(rows, values) { o[r] = v }
            }
        }
        return out
    }

    /// Columns `js` of every row as a matrix stored row by row (`count` x `js.count`), the
    /// layout `MetricSummary.columns` reads.
    public func matrix(_ js: Range<Int>) -> [Double] {
        let b = js.count
        var out = [Double](repeating: 0, count: count * b)
        out.withUnsafeMutableBufferPointer { o in
            for (c, j) in js.enumerated() {
                columns(j..<(j + 1)) { rows, values in
                    for (r, v) in zip(rows, values) { o[r * b + c] = v }
                }
            }
        }
        return out
    }

    /// Calls `body` with consecutive row numbers and column `js`'s values for them, a
    /// segment at a time, in row order (`js` holds one column).
    private func columns(_ js: Range<Int>, _ body: (Range<Int>, UnsafeBufferPointer<Double>) -> Void) {
        let j = js.lowerBound
        precondition(j >= 0 && j < width, "metric column out of range")
        if segments > 0 {
            var buffer = [Double](repeating: 0, count: segmentRows)
            for s in 0..<segments {
                let k = rows(inSegment: s)
                buffer.withUnsafeMutableBufferPointer { b in
                    read(b.baseAddress!, count: k, at: s * segmentRows * width + j * k)
                    body((s * segmentRows)..<(s * segmentRows + k), UnsafeBufferPointer(rebasing: b[0..<k]))
                }
            }
        }
        let inMemory = tail.count / max(1, width)
        var values = [Double](repeating: 0, count: inMemory)
        for r in 0..<inMemory { values[r] = tail[r * width + j] }
        values.withUnsafeBufferPointer { body(spilledRows..<(spilledRows + inMemory), $0) }
    }

    /// Calls `body` with each row in order (the first `limit`): its replication index, metric
    /// values and series (empty when it kept none). Spilled rows are read back a segment at a
    /// time.
    public func forEachRow(limit: Int = .max,
                           _ body: (_ index: Int, _ values: [Double], _ series: [Double]) throws -> Void) rethrows {
        let end = min(limit, count)
        var indices = ranges.lazy.flatMap { $0 }.makeIterator()
        var row = 0
        var values = [Double](repeating: 0, count: width)
        func emit(_ v: [Double]) throws {
            let i = indices.next()!
            try body(i, oddRows.isEmpty ? v : oddRows[row] ?? v, row < seriesRows.count ? seriesRows[row] : [])
            row += 1
        }
        if width == 0 {
            while row < end { try emit([]) }
            return
        }
        if segments > 0 {
            // A chunk of rows at a time (each column's part of it one read): a whole segment
            // would hold another budget's worth of memory while the rows are read back.
            let chunk = max(1, min(segmentRows, Self.readChunkBytes / (8 * width)))
            var block = [Double](repeating: 0, count: chunk * width)
            for s in 0..<segments where row < end {
                var first = 0
                let k = rows(inSegment: s)
                while first < k && row < end {
                    let n = min(chunk, k - first)
                    block.withUnsafeMutableBufferPointer { b in
                        for j in 0..<width {
                            read(b.baseAddress! + j * n, count: n, at: s * segmentRows * width + j * k + first)
                        }
                    }
                    for r in 0..<n where row < end {
                        for j in 0..<width { values[j] = block[j * n + r] }
                        try emit(values)
                    }
                    first += n
                }
            }
        }
        var r = 0
        while row < end {
            for j in 0..<width { values[j] = tail[r * width + j] }
            try emit(values)
            r += 1
        }
    }

    /// Every row as a record (memory grows with the rows: for tests and small runs).
    public var records: [ReplicationRecord] {
        var out: [ReplicationRecord] = []
        out.reserveCapacity(count)
        forEachRow { out.append(ReplicationRecord(index: $0, values: $1, series: $2)) }
        return out
    }

    /// Replication indices in row order.
    public var indices: [Int] { ranges.flatMap { Array($0) } }

    /// Replication indices in row order, as runs of consecutive indices (one for a run or a
    /// slice, whatever its rows).
    public var indexRanges: [Range<Int>] { ranges }

    /// The index of the first row (nil when empty).
    public var firstIndex: Int? { ranges.first?.lowerBound }

    /// Whether `other` holds the same rows as `records` would say (indices, values, series),
    /// compared a column at a time instead of as records (which hold every row in memory).
    public func sameRows(as other: RowStore) -> Bool {
        if self === other { return true }
        guard width == other.width, count == other.count, ranges == other.ranges else { return false }
        // Rows of another width (damaged files): as records, as they are kept.
        if !oddRows.isEmpty || !other.oddRows.isEmpty { return records == other.records }
        for r in 0..<max(seriesRows.count, other.seriesRows.count) where series(ofRow: r) != other.series(ofRow: r) {
            return false
        }
        for j in 0..<width where column(j) != other.column(j) { return false }
        return true
    }

    /// The series of row `r` (empty when it kept none).
    public func series(ofRow r: Int) -> [Double] { r < seriesRows.count ? seriesRows[r] : [] }
}

import Foundation
import Testing
@testable import BranchSimModel

/// `RowStore`: rows spilled to the temporary file read back exactly as rows kept in memory,
/// and what stays in memory does not grow with the rows.
@Suite struct RowStoreTests {
    /// Rows of `width` values with repeats, a NaN column and constant columns (each of
    /// `MetricSummary.columns`' paths), and series on the first `withSeries` rows.
    static func records(_ n: Int, width: Int, withSeries: Int = 0) -> [ReplicationRecord] {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(x >> 40) / 1000
        }
        return (0..<n).map { r in
            let values = (0..<width).map { j -> Double in
                switch j {
                case 0: return 7
                case 1: return r % 17 == 3 ? .nan : next()
                case 2: return Double(r % 5)
                default: return next() - 8_000
                }
            }
            return ReplicationRecord(index: 10 + r, values: values, series: r < withSeries ? [next(), next()] : [])
        }
    }

    /// `RunResult ==` (a `report` after a `compare` asks it) compares stores a column at a
    /// time: the same answer as comparing every row as records, spilled or not.
    @Test func storesCompareAsTheirRecordsWould() throws {
        let recs = Self.records(90, width: 5, withSeries: 30).map { r in
            ReplicationRecord(index: r.index, values: r.values.map { $0.isNaN ? 0 : $0 }, series: r.series)
        }
        let memory = RowStore(width: 5, records: recs)
        #expect(memory.sameRows(as: RowStore(width: 5, records: recs, budget: 7 * 5 * 8)))
        func changed(_ change: (inout [ReplicationRecord]) -> Void) -> RowStore {
            var copy = recs
            change(&copy)
            return RowStore(width: 5, records: copy, budget: 7 * 5 * 8)
        }
        let variations = [changed { $0[89].values[4] += 1 }, changed { $0[3].values[0] = -1 }, changed { $0[29].series[1] += 1 },
                          changed { $0[30].series = [1, 2] }, changed { $0[50].index = 5 }, changed { $0.removeLast() }]
        for other in variations {
            #expect(other.records != recs)
            #expect(!memory.sameRows(as: other) && !other.sameRows(as: memory))
        }
    }

    /// Spilled segments larger than `readChunkBytes` are read back a chunk of rows at a time
    /// (here 1,310 rows of a 2,621-row segment, and a last chunk of one row).
    @Test func largeSegmentsReadBackInChunks() throws {
        let recs = Self.records(2 * 2_621 + 37, width: 100, withSeries: 3)
        let spilled = RowStore(width: 100, records: recs, budget: 2 * 1_048_576)
        #expect(spilled.segmentRows == 2_621 && spilled.spilledRows == 2 * 2_621)
        #expect(RowStore.readChunkBytes / (8 * 100) == 1_310)
        var n = 0
        spilled.forEachRow { index, values, series in
            let r = recs[n]
            #expect(index == r.index && series == r.series && values.map(\.bitPattern) == r.values.map(\.bitPattern))
            n += 1
        }
        #expect(n == recs.count)
    }

    /// A sealed store writes its rows in memory out as a shorter last segment and gives
    /// their memory back; every read gives what it gave before.
    @Test func aSealedStoreKeepsNoRowsInMemoryAndReadsTheSame() throws {
        let recs = Self.records(2_621 + 1_400, width: 100, withSeries: 5)
        let memory = RowStore(width: 100, records: recs)
        let store = RowStore(width: 100, records: recs, budget: 2 * 1_048_576)
        #expect(store.spilledRows == 2_621 && store.retainedBytes >= 1_400 * 800)
        store.seal()
        #expect(store.spilledRows == recs.count)
        #expect(store.retainedBytes < 1_000)
        for j in [0, 1, 57, 99] { #expect(store.column(j).map(\.bitPattern) == memory.column(j).map(\.bitPattern)) }
        #expect(store.matrix(3..<9).map(\.bitPattern) == memory.matrix(3..<9).map(\.bitPattern))
        var n = 0
        store.forEachRow { index, values, series in
            #expect(index == recs[n].index && series == recs[n].series && values.map(\.bitPattern) == recs[n].values.map(\.bitPattern))
            n += 1
        }
        #expect(n == recs.count)
        // Fewer rows than `sealMinimumBytes` stay in memory.
        let small = RowStore(width: 100, records: Array(recs.prefix(20)))
        small.seal()
        #expect(small.spilledRows == 0 && small.records.count == 20)
    }

    @Test func spilledRowsReadBackAsTheRowsInMemory() throws {
        let recs = Self.records(257, width: 6, withSeries: 40)
        let memory = RowStore(width: 6, records: recs)
        let spilled = RowStore(width: 6, records: recs, budget: 5 * 6 * 8)
        #expect(memory.spilledRows == 0)
        #expect(spilled.spilledRows == 255)
        #expect(spilled.records.count == 257)
        for (a, b) in zip(spilled.records, recs) {
            #expect(a.index == b.index && a.series == b.series && a.values.map(\.bitPattern) == b.values.map(\.bitPattern))
        }
        for j in 0..<6 { #expect(spilled.column(j).map(\.bitPattern) == memory.column(j).map(\.bitPattern)) }
        #expect(spilled.matrix(1..<4).map(\.bitPattern) == memory.matrix(1..<4).map(\.bitPattern))
        #expect(spilled.indices == Array(10..<267))
    }

    /// Exact quantiles (and every other statistic) from spilled rows, a block of columns at a
    /// time, are those of the rows in memory, bit for bit.
    @Test func spilledAndInMemoryQuantilesAreIdentical() throws {
        let recs = Self.records(1_001, width: 9, withSeries: 0)
        let metrics = (0..<9).map { MetricDescriptor(key: "m\($0)", unit: .count) }
        let inMemory = RunResult(label: "base", title: "t", seed: 1, steps: 1, stepUnit: "week", metrics: metrics,
                                 series: [], replications: recs, availableFTE: [:])
        let spilled = RunResult(label: "base", title: "t", seed: 1, steps: 1, stepUnit: "week", metrics: metrics, series: [],
                                rows: RowStore(width: 9, records: recs, budget: 64 * 9 * 8), availableFTE: [:])
        #expect(spilled.rows.spilledRows == 960)
        func bits(_ s: [MetricSummary]) -> [[UInt64]] {
            s.map { [$0.mean, $0.sd, $0.ciLow, $0.ciHigh, $0.p5, $0.p50, $0.p95, $0.min, $0.max].map(\.bitPattern) }
        }
        #expect(bits(spilled.metricSummaries()) == bits(inMemory.metricSummaries()))
        #expect(bits(spilled.metricSummaries()) == bits(metrics.map { inMemory.summary(of: $0.key)! }))
        func rowBits(_ r: RunResult) -> [[UInt64]] { r.replications.map { [UInt64($0.index)] + $0.values.map(\.bitPattern) } }
        #expect(rowBits(spilled) == rowBits(inMemory))
        // Round trip through the save file's encoding.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(spilled)
        #expect(data == (try encoder.encode(inMemory)))
        #expect(rowBits(try decoder.decode(RunResult.self, from: data)) == rowBits(inMemory))
    }

    /// What the store keeps in memory for its rows stays within its budget whatever the rows.
    @Test func memoryHeldDoesNotGrowWithRows() {
        func held(_ n: Int) -> Int {
            let store = RowStore(width: 4, budget: 100 * 4 * 8)
            for r in 0..<n { store.append(index: r, values: [1, 2, 3, Double(r)], series: []) }
            #expect(store.count == n)
            return store.retainedBytes
        }
        let few = held(1_000), many = held(20_000)
        #expect(many <= 100 * 4 * 8 + 64)
        #expect(many == few)
    }

    /// Rows of a damaged file (another width) come back as given, so `shapeProblem` names them.
    @Test func rowsOfAnotherWidthAreKeptAsGiven() {
        let metrics = (0..<3).map { MetricDescriptor(key: "m\($0)", unit: .count) }
        let r = RunResult(label: "base", title: "t", seed: 1, steps: 1, stepUnit: "week", metrics: metrics, series: [],
                          replications: [ReplicationRecord(index: 0, values: [1, 2, 3], series: []),
                                         ReplicationRecord(index: 1, values: [1, 2], series: [])],
                          availableFTE: [:])
        #expect(r.replications[1].values == [1, 2])
        #expect(r.shapeProblem == "replication 1 has 2 metric values, not 3")
    }
}

/// `RunResult.metricIndex` reads a table of keys kept with `metrics` (reports of a province
/// look up thousands of keys); it answers what a scan from the front would.
@Suite struct MetricIndexTests {
    static func result(_ keys: [String]) -> RunResult {
        RunResult(label: "base", title: "t", seed: 1, steps: 1, stepUnit: "week",
                  metrics: keys.map { MetricDescriptor(key: $0, unit: .count) }, series: [],
                  replications: [ReplicationRecord(index: 0, values: keys.indices.map(Double.init), series: [])],
                  availableFTE: [:])
    }

    @Test func indexIsTheFirstPlaceOfTheKeyAndFollowsChanges() throws {
        var r = Self.result(["uplift", "cost", "uplift", "outlet.a.uplift"])
        for k in ["uplift", "cost", "outlet.a.uplift", "missing"] {
            #expect(r.metricIndex(k) == r.metrics.firstIndex { $0.key == k }, "\(k)")
        }
        r.metrics.append(MetricDescriptor(key: "profit", unit: .money))
        #expect(r.metricIndex("profit") == 4)
        r.metrics[0].key = "aum.start"
        #expect(r.metricIndex("aum.start") == 0 && r.metricIndex("uplift") == 2)
        let back = try JSONDecoder().decode(RunResult.self, from: try JSONEncoder().encode(Self.result(["a", "b"])))
        #expect(back.metricIndex("b") == 1 && back.metricIndex("c") == nil)
    }
}

import BranchSimDriver
import BranchSimModel
import Foundation
import Testing

/// `--save` streams a run's rows to the file and `merge` reads them back a buffer at a time
/// (docs/performance.md, "Memory"): the bytes must be exactly those `JSONEncoder` gives the
/// whole `SavedResults`, whatever the values and wherever the rows are (memory or spilled).
@Suite struct RowsFileTests {
    /// Values of every kind the encoder formats differently: whole numbers (small, large, past
    /// 2^53 and 10^15), negative zero, fractions, tiny and huge magnitudes, the non-finite ones,
    /// and random bit patterns.
    static func awkwardValues(_ n: Int, seed: UInt64) -> [Double] {
        var g = seed
        func next() -> UInt64 {
            g &+= 0x9E37_79B9_7F4A_7C15
            var z = g
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let fixed: [Double] = [0, -0.0, 1, -1, 0.5, 1e15, 1e15 - 1, -1e15, 1e16, 9_007_199_254_740_992, 9_007_199_254_740_994,
                               123_456_789_012_345, 0.1, 1e-7, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                               .nan, .infinity, -.infinity, 100, 2.5e10, 1e21, 1e22, 123.0e-20]
        return (0..<n).map { i in
            if i < fixed.count { return fixed[i] }
            let bits = next()
            switch bits % 4 {
            // A NaN's payload is not saved (the file says `nan`, as JSONEncoder writes it).
            case 0: return Double(bitPattern: next()).isNaN ? .nan : Double(bitPattern: next())
            case 1: return Double(Int64(bitPattern: next()) >> Int64(bits % 60))
            case 2: return Double(next() % 1_000_000) / 100
            default: return Double(next() % 100_000)
            }
        }
    }

    static func run(_ label: String, rows: Int, firstIndex: Int, budget: Int, seed: UInt64) -> RunResult {
        let metrics = (0..<7).map { MetricDescriptor(key: "m.\($0)", unit: $0 % 2 == 0 ? .money : .count) }
        let store = RowStore(width: metrics.count, budget: budget)
        let values = awkwardValues(rows * metrics.count, seed: seed)
        let series = awkwardValues(rows * 6, seed: seed + 1)
        for r in 0..<rows {
            // Series on the first rows only, as the engine keeps them.
            store.append(index: firstIndex + r, values: Array(values[(r * 7)..<(r * 7 + 7)]),
                         series: r < rows / 2 ? Array(series[(r * 6)..<(r * 6 + 6)]) : [])
        }
        return RunResult(label: label, title: "A \"quoted\" / slashed title", seed: 42, steps: 3, stepUnit: "week",
                         metrics: metrics, series: ["aum", "cost"], rows: store,
                         availableFTE: ["replications": 1.5, "wealth_manager": 2], stopping: .fixed)
    }

    static func saved(_ runs: [RunResult], _ range: Range<Int>, planned: Int) -> SavedResults {
        SavedResults(digest: "d1", unit: .whole, settings: ["a.b=3"], runsOverride: planned, seedOverride: nil,
                     replications: range, runs: runs.map { ($0, planned) })
    }

    @Test func streamedFileEqualsTheWholeEncodingByteForByte() throws {
        let dir = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A budget of three rows: most rows come back from the spill file.
        let runs = [Self.run("base", rows: 400, firstIndex: 0, budget: 3 * 56, seed: 1),
                    Self.run("busy", rows: 400, firstIndex: 0, budget: 1 << 20, seed: 9)]
        #expect(runs[0].rows.spilledRows > 300)
        let s = Self.saved(runs, 0..<400, planned: 400)
        try s.write(to: dir + "/a.rows")
        let streamed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/a.rows")))
        #expect(streamed == (try s.encodedWhole()))
        // Read back a buffer at a time: the same results, and the same bytes written again.
        let back = try SavedResults.read(from: dir + "/a.rows")
        // (Checksums, not `==`: the rows hold NaNs.)
        #expect(back.runs.map(SavedResults.checksum) == s.runs.map(SavedResults.checksum))
        #expect(back.checksums == s.checksums)
        try back.write(to: dir + "/b.rows")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/b.rows")) == Data(streamed))
    }

    /// Files rewritten by other JSON writers (keys in any order, white space, numbers as they
    /// write them) read as before, when the whole file went through `JSONDecoder`.
    @Test func filesFromOtherWritersReadAsTheyDidWhole() throws {
        let dir = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rows = [ReplicationRecord(index: 0, values: [1, 2.5], series: [3, 4]),
                    ReplicationRecord(index: 1, values: [-0.25, 1e-9], series: [])]
        let r = RunResult(label: "base", title: "t", seed: 1, steps: 1, stepUnit: "week",
                          metrics: [MetricDescriptor(key: "a", unit: .count), MetricDescriptor(key: "b", unit: .money)],
                          series: ["aum", "cost"], replications: rows, availableFTE: [:])
        let s = Self.saved([r], 0..<2, planned: 2)
        try s.write(to: dir + "/a.rows")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/a.rows")))
        let pretty = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted])
        try pretty.write(to: URL(fileURLWithPath: dir + "/pretty.rows"))
        let back = try SavedResults.read(from: dir + "/pretty.rows")
        #expect(back.runs == s.runs)
        // An edited value is caught by the checksum, as before.
        rows[1].values[0] = 7
        let text = String(decoding: pretty, as: UTF8.self).replacingOccurrences(of: "-0.25", with: "7")
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/edited.rows"))
        #expect(throws: SavedResults.ReadError.self) { try SavedResults.read(from: dir + "/edited.rows") }
        // Cut short: not a rows file.
        try Data(pretty.prefix(pretty.count / 2)).write(to: URL(fileURLWithPath: dir + "/cut.rows"))
        do {
            _ = try SavedResults.read(from: dir + "/cut.rows")
            Issue.record("a file cut short was read")
        } catch {
            #expect(error.description == "'\(dir)/cut.rows' is not a file written by `branchsim run --save`")
        }
    }

    /// Slices merged from their files equal the whole run, rows spilled or not.
    @Test func mergedSlicesEqualTheWholeRun() throws {
        let dir = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let whole = Self.run("base", rows: 300, firstIndex: 0, budget: 5 * 56, seed: 3)
        let records = whole.replications
        var paths: [(path: String, saved: SavedResults)] = []
        for (k, range) in [200..<300, 0..<120, 120..<200].enumerated() {
            let part = RunResult(label: "base", title: whole.title, seed: 42, steps: 3, stepUnit: "week", metrics: whole.metrics,
                                 series: whole.series, replications: Array(records[range]), availableFTE: whole.availableFTE)
            let path = dir + "/s\(k).rows"
            try Self.saved([part], range, planned: 300).write(to: path)
            paths.append((path, try SavedResults.read(from: path).withoutRows))
        }
        let merged = try SavedResults.merged(paths)
        #expect(try merged.encodedWhole() == Self.saved([whole], 0..<300, planned: 300).encodedWhole())
    }

    /// A save that fails part way (here its producer throws after writing several buffers)
    /// leaves the file that was there as it was, and no temporary file.
    @Test func aFailedSaveLeavesThePreviousFileIntact() throws {
        let dir = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/run.rows"
        try "precious\n".write(toFile: path, atomically: false, encoding: .utf8)
        struct Broken: Error {}
        #expect(throws: AtomicFile.WriteError.self) {
            try AtomicFile.write(to: path, overwrite: true) { sink in
                for _ in 0..<5 { try sink.write([UInt8](repeating: 0x41, count: StreamSink.capacity - 7)) }
                #expect(sink.written > StreamSink.capacity)
                throw Broken()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["run.rows"])
    }
}

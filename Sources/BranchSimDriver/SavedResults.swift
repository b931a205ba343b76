import BranchSimModel
import BranchSimReports
import Foundation

/// What one `branchsim run` works on: the whole file, one variant (`--variant NAME`) or one
/// point of the file's sweep (`--point K`, 1-based). With `--replications A..<B` it is a
/// slice; slices of one unit are joined by `branchsim merge`.
public enum WorkUnit: Sendable, Equatable, CustomStringConvertible {
    case whole
    case variant(String)
    case point(Int)

    /// As saved in rows files: `whole`, `variant NAME`, `point K`.
    public var token: String {
        switch self {
        case .whole: return "whole"
        case .variant(let n): return "variant \(n)"
        case .point(let k): return "point \(k)"
        }
    }

    public init?(token: String) {
        if token == "whole" { self = .whole; return }
        if token.hasPrefix("variant ") { self = .variant(String(token.dropFirst(8))); return }
        if token.hasPrefix("point "), let k = Int(token.dropFirst(6)) { self = .point(k); return }
        return nil
    }

    public var description: String {
        switch self {
        case .whole: return "the whole file"
        case .variant(let n): return "variant '\(n)' (--variant \(n))"
        case .point(let k): return "sweep point \(k) (--point \(k))"
        }
    }

    public struct SelectionError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The program this unit runs: the file's own actions, a `run` of the variant, or the
    /// file's one sweep (run at one point: `RunConfiguration.sweepPoint`).
    public func select(from program: CheckedProgram, file: String) throws(SelectionError) -> (program: CheckedProgram, sweepPoint: Int?) {
        switch self {
        case .whole:
            return (program, nil)
        case .variant(let name):
            guard program.scenario(named: name) != nil else {
                let names = ["base"] + program.variants.map(\.name)
                throw SelectionError(description: "--variant \(name): '\(file)' has no variant named '\(name)'; "
                    + "its variants are \(names.map { "'\($0)'" }.joined(separator: ", "))")
            }
            var p = program
            p.actions = [LocatedAction(.run(runs: nil, variant: name), at: SourceLocation(file: file, line: 0, column: 0))]
            return (p, nil)
        case .point(let k):
            let sweeps = program.actions.filter { if case .sweep = $0.action { return true } else { return false } }
            guard let sweep = sweeps.first, case .sweep(_, let points, _) = sweep.action else {
                throw SelectionError(description: "--point \(k): '\(file)' has no sweep; --point picks one value of a file's `sweep`")
            }
            guard sweeps.count == 1 else {
                throw SelectionError(description: "--point \(k): '\(file)' has \(sweeps.count) sweeps (lines "
                    + sweeps.map { String($0.location.line) }.joined(separator: ", ")
                    + "); --point picks a value of a file with one sweep: put each sweep in a file of its own")
            }
            guard k >= 1 && k <= points.count else {
                throw SelectionError(description: "--point \(k): the sweep at \(sweep.location) has \(points.count) "
                    + "point\(points.count == 1 ? "" : "s"); give --point 1 to \(points.count)")
            }
            var p = program
            p.actions = [sweep]
            return (p, k - 1)
        }
    }
}

/// The replications a whole run of `program` makes: the most any of its runs makes (a
/// `run runs N`, `--runs`, else each scenario's `runs`; for `runs until`, its cap).
public func plannedReplications(_ program: CheckedProgram, runs: Int?) -> Int {
    var most = 0
    func count(_ s: Scenario?, _ own: RunCount?) {
        guard let s else { return }
        most = max(most, runs ?? (own ?? s.settings.runs).maximum)
    }
    for a in program.actions {
        switch a.action {
        case .run(let n, let v): count(program.scenario(named: v), n)
        case .compare(let names, _, _): for n in names { count(program.scenario(named: n), nil) }
        case .sweep(_, let points, _): for p in points { count(p.scenario, nil) }
        case .decision(let d): count(program.base, d.runs.map { .fixed($0) })
        case .report, .expect, .export, .rank: break
        }
    }
    return most
}

/// Whether some run of `program` stops at a precision (`runs until`) rather than a count;
/// slices cannot know where the whole run would have stopped.
public func stopsAtPrecision(_ program: CheckedProgram) -> Bool {
    func until(_ c: RunCount?) -> Bool { if case .until = c { return true } else { return false } }
    for a in program.actions {
        switch a.action {
        case .run(let n, let v): if until(n ?? program.scenario(named: v)?.settings.runs) { return true }
        case .compare(let names, _, _): if names.contains(where: { until(program.scenario(named: $0)?.settings.runs) }) { return true }
        case .sweep(_, let points, _): if points.contains(where: { until($0.scenario.settings.runs) }) { return true }
        case .decision(let d): if d.runs == nil && until(program.base.settings.runs) { return true }
        case .report, .expect, .export, .rank: break
        }
    }
    return false
}

/// Every replication's results of a run's units (each `run`, each variant of a `compare`,
/// each sweep point, in the order run), saved by `branchsim run --save FILE` so that slices
/// run apart (`--replications 0..<500`) can be joined by `branchsim merge` into exactly the
/// whole run. A file says what it is a slice of: the digest of the checked program (with
/// the options that change results), the unit, the replications, and a checksum of each
/// run's rows, so that `merge` can refuse slices that do not belong together.
public struct SavedResults: Codable, Sendable, Equatable {
    public static let format = "branchsim.rows/2"

    public var format: String
    /// `ProgramDigest` of the checked file, with `--set`, `--runs` and `--seed`.
    public var digest: String
    /// `WorkUnit.token`.
    public var unit: String
    /// `--set PATH=VALUE`, in order.
    public var settings: [String]
    /// `--runs` and `--seed`, when given.
    public var runsOverride: Int?
    public var seedOverride: UInt64?
    /// The replications of this slice: `lower..<upper` (a whole run: 0..<its replications).
    public var lower: Int
    public var upper: Int
    /// Per run: the replications the whole run makes (the slice holds those in lower..<upper).
    public var planned: [Int]
    /// Per run: `SavedResults.checksum` of its rows.
    public var checksums: [String]
    public var runs: [RunResult]

    public init(digest: String, unit: WorkUnit, settings: [String], runsOverride: Int?, seedOverride: UInt64?,
                replications: Range<Int>, runs: [(result: RunResult, planned: Int)]) {
        self.format = Self.format
        self.digest = digest
        self.unit = unit.token
        self.settings = settings
        self.runsOverride = runsOverride
        self.seedOverride = seedOverride
        self.lower = replications.lowerBound
        self.upper = replications.upperBound
        self.planned = runs.map(\.planned)
        self.runs = runs.map(\.result)
        self.checksums = self.runs.map(Self.checksum)
    }

    /// What `digest` covers besides the checked program.
    public static func digestExtras(settings: [String], runs: Int?, seed: UInt64?) -> [String] {
        settings.map { "set \($0)" } + ["runs \(runs.map(String.init) ?? "-")", "seed \(seed.map(String.init) ?? "-")"]
    }

    /// SHA-256 of a run's rows and what they mean (label, title, seed, metrics, series).
    public static func checksum(_ r: RunResult) -> String {
        var sha = SHA256()
        sha.update(r.label); sha.update(r.title); sha.update(r.seed); sha.update(TextReports.stoppingText(r.stopping))
        sha.update(r.steps); sha.update(r.stepUnit)
        sha.update(r.metrics.count)
        for m in r.metrics { sha.update(m.key); sha.update(m.unit.rawValue) }
        sha.update(r.series.count)
        for s in r.series { sha.update(s) }
        for (k, v) in r.availableFTE.sorted(by: { $0.key < $1.key }) { sha.update(k); sha.update(v) }
        sha.update(r.count)
        r.forEachReplication { index, values, series in
            sha.update(index)
            sha.update(values.count)
            for v in values { sha.update(v) }
            sha.update(series.count)
            for v in series { sha.update(v) }
        }
        return sha.hex()
    }

    /// The replications run `i` of this slice holds.
    public func range(ofRun i: Int) -> Range<Int> {
        min(lower, planned[i])..<min(upper, planned[i])
    }

    /// Writes the file atomically, a row at a time from the runs' stores (`RowsFile`): the
    /// same bytes as `encodedWhole`, without holding them.
    public func write(to path: String) throws(AtomicFile.WriteError) {
        try AtomicFile.write(to: path, overwrite: true) { try RowsFile.write(self, to: $0) }
    }

    /// The file's bytes, encoded whole by `JSONEncoder`: what `write` streams (for tests).
    public func encodedWhole() throws -> [UInt8] {
        [UInt8](try RowsFile.encoder().encode(self))
    }

    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads a rows file and checks it is whole: every run holds exactly the replications of
    /// its slice, and its rows match the checksum written with them. The file is read a
    /// buffer at a time and its rows kept in `RowStore`s (in memory up to their budget, beyond
    /// it in temporary files), so reading does not grow with the rows.
    /// - Parameter budget: the in-memory budget of each run's store (`merge` reads slices
    ///   with `sliceBudget`: their rows are copied into the joined run's stores).
    public static func read(from path: String, budget: Int = RowStore.defaultBudget) throws(ReadError) -> SavedResults {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw ReadError(description: "cannot read '\(path)': it is a folder")
        }
        guard var reader = RowsFileReader(path: path, budget: budget) else {
            throw ReadError(description: "cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { reader.close() }
        let saved: SavedResults
        do { saved = try reader.savedResults() } catch let e as RowsFileReader.WrongFormat {
            throw ReadError(description: "'\(path)' has format '\(e.format)'; this branchsim reads '\(format)': "
                + "run that slice again with this branchsim")
        } catch {
            throw ReadError(description: "'\(path)' is not a file written by `branchsim run --save`")
        }
        let again = "Write it again with `branchsim run --save`"
        guard saved.lower >= 0, saved.upper >= saved.lower, saved.planned.count == saved.runs.count,
              saved.checksums.count == saved.runs.count, WorkUnit(token: saved.unit) != nil else {
            throw ReadError(description: "'\(path)' is damaged: its slice description does not hold together. \(again)")
        }
        for (i, run) in saved.runs.enumerated() {
            if let problem = run.shapeProblem {
                throw ReadError(description: "'\(path)' is damaged: in run '\(run.label)', \(problem). \(again)")
            }
            let want = saved.range(ofRun: i)
            // Rows hold `want` in order exactly when their runs of consecutive indices are `want`.
            let have = run.rows.indexRanges
            if have != (want.isEmpty ? [] : [want]) {
                let missing = want.first { i in !have.contains { $0.contains(i) } }
                let detail = missing.map { "replication \($0) is missing" }
                    ?? "it holds \(run.count) rows, not replications \(want.lowerBound)..<\(want.upperBound)"
                throw ReadError(description: "'\(path)' is damaged: run '\(run.label)' should hold replications "
                    + "\(want.lowerBound)..<\(want.upperBound), but \(detail). \(again)")
            }
            if checksum(run) != saved.checksums[i] {
                throw ReadError(description: "'\(path)' was changed after it was written: the rows of run '\(run.label)' "
                    + "do not match their checksum. \(again)")
            }
        }
        return saved
    }

    /// The in-memory budget of a slice's rows while `merge` checks or copies them (1 MiB: the
    /// rest waits in a temporary file).
    public static let sliceBudget = 1_048_576

    /// What `merge` keeps of a slice until every slice is known to belong with the others:
    /// `read(from:)`'s result without its rows (merging reads the file again for them).
    public var withoutRows: SavedResults {
        var s = self
        s.runs = runs.map { $0.withRows(RowStore(width: $0.metrics.count)) }
        return s
    }

    public struct MergeError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Joins slices of one unit of one run into the whole: they must have the same digest,
    /// unit and runs, and their replications must cover the whole run with no gap or overlap.
    /// The slices' rows are not taken from `files` (`read(from:)`'s results, kept `withoutRows`
    /// by `merge`) but read again from each path once the slices are known to belong together,
    /// one file at a time into one store per run, each checked against its checksum again:
    /// memory does not grow with the replications, nor with the number of slices.
    /// - Returns: the joined rows (one slice covering every replication).
    public static func merged(_ files: [(path: String, saved: SavedResults)]) throws(MergeError) -> SavedResults {
        guard let (firstPath, first) = files.first else { throw MergeError(description: "nothing to merge") }
        for (path, s) in files.dropFirst() {
            func differ(_ what: String, _ a: String, _ b: String) -> MergeError {
                MergeError(description: "'\(firstPath)' and '\(path)' are slices of different runs: \(what) "
                    + "(\(a) and \(b)). Merge the slices of one `branchsim run` command only")
            }
            if s.digest != first.digest {
                let options = s.settings != first.settings || s.runsOverride != first.runsOverride || s.seedOverride != first.seedOverride
                throw differ(options ? "they were run with different --set, --runs or --seed"
                                     : "they come from different scenarios, or the file or its data changed between them",
                             "digest \(first.digest.prefix(12))", "\(s.digest.prefix(12))")
            }
            if s.unit != first.unit {
                throw differ("they run different units", WorkUnit(token: first.unit)!.description, WorkUnit(token: s.unit)!.description)
            }
            if s.planned != first.planned || s.runs.map(\.label) != first.runs.map(\.label) {
                throw differ("their runs differ", first.runs.map(\.label).joined(separator: ", "), s.runs.map(\.label).joined(separator: ", "))
            }
        }
        let sorted = files.sorted { ($0.saved.lower, $0.saved.upper) < ($1.saved.lower, $1.saved.upper) }
        let total = first.planned.max() ?? 0
        func name(_ f: (path: String, saved: SavedResults)) -> String { "'\(f.path)' (\(f.saved.lower)..<\(f.saved.upper))" }
        var covered = 0
        var previous: (path: String, saved: SavedResults)?
        for f in sorted {
            let s = f.saved
            if s.lower < covered, let p = previous {
                throw MergeError(description: "\(name(p)) and \(name(f)) overlap: replications \(s.lower)..<\(min(covered, s.upper)) "
                    + "are in both. Give each slice its own --replications range")
            }
            if s.lower > covered {
                throw MergeError(description: "replications \(covered)..<\(s.lower) are in no slice: "
                    + (previous.map { "\(name($0)) ends at \(covered) and " } ?? "")
                    + "\(name(f)) starts at \(s.lower). Run the missing slice and merge again")
            }
            covered = s.upper
            previous = f
        }
        if covered < total {
            throw MergeError(description: "replications \(covered)..<\(total) are in no slice: the run makes \(total) "
                + "and the last slice \(previous.map(name) ?? "") ends at \(covered). Run the missing slice and merge again")
        }
        var whole = first.withoutRows
        whole.lower = 0
        whole.upper = max(total, covered)
        // Every slice's runs describe the same rows (no rows yet: this checks the descriptions).
        for i in first.runs.indices {
            do { _ = try RunResult.merged(sorted.map { $0.saved.runs[i].withRows(RowStore(width: $0.saved.runs[i].metrics.count)) }) } catch {
                throw MergeError(description: "\(error)")
            }
        }
        let stores = first.runs.map { RowStore(width: $0.metrics.count) }
        for f in sorted {
            let again: SavedResults
            do { again = try read(from: f.path, budget: sliceBudget) } catch { throw MergeError(description: "\(error)") }
            guard again.checksums == f.saved.checksums, again.lower == f.saved.lower, again.upper == f.saved.upper,
                  again.runs.count == stores.count else {
                throw MergeError(description: "'\(f.path)' changed while the slices were merged. Merge again")
            }
            for (i, run) in again.runs.enumerated() {
                run.forEachReplication { index, values, series in stores[i].append(index: index, values: values, series: series) }
            }
        }
        for i in whole.runs.indices {
            stores[i].seal()
            whole.runs[i] = whole.runs[i].withRows(stores[i])
        }
        whole.checksums = whole.runs.map(checksum)
        return whole
    }

    /// Joins the slices of every point of a file's sweep (`--point 1` to `--point N`, each
    /// point whole or in replication slices) into the whole sweep: one run per point, in
    /// point order, as the file's own run of the sweep makes them. The caller checks that
    /// the sweep is all the file runs.
    public static func joinedPoints(_ files: [(path: String, saved: SavedResults)], points: Int) throws(MergeError) -> SavedResults {
        var byPoint: [Int: [(path: String, saved: SavedResults)]] = [:]
        for f in files {
            guard case .point(let k)? = WorkUnit(token: f.saved.unit) else {
                throw MergeError(description: "'\(f.path)' runs \(WorkUnit(token: f.saved.unit)?.description ?? f.saved.unit), "
                    + "not a sweep point: merge the points of a sweep, or the slices of one unit, not both")
            }
            byPoint[k, default: []].append(f)
        }
        if let missing = (1...max(1, points)).first(where: { byPoint[$0] == nil }) {
            throw MergeError(description: "sweep point \(missing) (--point \(missing)) is in no slice: the sweep has \(points) "
                + "point\(points == 1 ? "" : "s"). Run it and merge again")
        }
        if let extra = byPoint.keys.sorted().first(where: { $0 > points }) {
            throw MergeError(description: "sweep point \(extra) is past the sweep's \(points) point\(points == 1 ? "" : "s"): "
                + "the slices were not run from this file's sweep")
        }
        var whole: SavedResults?
        for k in 1...points {
            let point = try merged(byPoint[k]!)
            guard var joined = whole else {
                whole = point
                continue
            }
            guard point.digest == joined.digest, point.settings == joined.settings,
                  point.runsOverride == joined.runsOverride, point.seedOverride == joined.seedOverride else {
                throw MergeError(description: "the slices of sweep points 1 and \(k) are of different runs: they come from different "
                    + "files or data, or were run with different --set, --runs or --seed. Merge the points of one sweep only")
            }
            joined.planned += point.planned
            joined.checksums += point.checksums
            joined.runs += point.runs
            joined.upper = max(joined.upper, point.upper)
            whole = joined
        }
        var result = whole!
        result.unit = WorkUnit.whole.token
        return result
    }
}

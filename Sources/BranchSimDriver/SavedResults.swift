import BranchSimModel
import Foundation

/// Every replication's results of a run (or of each variant of a comparison), saved by
/// `branchsim run --save FILE` so that slices run apart (`--replications 0..<500`) can be
/// joined by `branchsim merge` into exactly the whole run.
public struct SavedResults: Codable, Sendable, Equatable {
    public static let format = "branchsim.rows/1"

    public var format: String
    public var runs: [RunResult]

    public init(runs: [RunResult]) {
        self.format = Self.format
        self.runs = runs
    }

    public func write(to path: String) throws(AtomicFile.WriteError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data: Data
        do { data = try encoder.encode(self) } catch {
            throw .cannotWrite(path, reason: "the results cannot be encoded: \(error)")
        }
        try AtomicFile.write(bytes: Array(data), to: path, overwrite: true)
    }

    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(from path: String) throws(ReadError) -> SavedResults {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ReadError(description: "cannot read '\(path)': \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let saved: SavedResults
        do { saved = try decoder.decode(SavedResults.self, from: data) } catch {
            throw ReadError(description: "'\(path)' is not a file written by `branchsim run --save`")
        }
        guard saved.format == format else {
            throw ReadError(description: "'\(path)' has format '\(saved.format)'; this branchsim reads '\(format)'")
        }
        for run in saved.runs {
            if let problem = run.shapeProblem {
                throw ReadError(description: "'\(path)' is damaged: in run '\(run.label)', \(problem). "
                    + "Write it again with `branchsim run --save`")
            }
        }
        return saved
    }

    /// Joins the slices variant by variant (the same variants, in the same order, in every file).
    public static func merged(_ parts: [SavedResults]) throws(MergeError) -> SavedResults {
        guard let first = parts.first else { throw .empty }
        var runs: [RunResult] = []
        for (i, run) in first.runs.enumerated() {
            var slices: [RunResult] = []
            for p in parts {
                guard i < p.runs.count, p.runs.count == first.runs.count else { throw .incompatible(run.label) }
                slices.append(p.runs[i])
            }
            runs.append(try RunResult.merged(slices))
        }
        return SavedResults(runs: runs)
    }
}

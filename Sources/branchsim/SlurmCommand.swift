import ArgumentParser
import BranchSimDriver
import BranchSimLanguage
import BranchSimModel
import Foundation

/// `branchsim slurm FILE --tasks N`: one run split over a Slurm job array, joined by a merge
/// job that starts when every slice has succeeded.
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Run a scenario file on a Slurm cluster: a job array of slices and a merge job after them.",
        discussion: """
            Writes DIR/slices.sbatch (task K runs `branchsim run FILE --replications A..<B --save \
            DIR/slice-K.rows`) and DIR/merge.sbatch (`branchsim merge`, submitted with \
            --dependency=afterok on the array), submits both with sbatch and prints the job ids \
            and where the result will be: DIR/result.EXT, the same bytes as `branchsim run FILE` \
            gives in one process, with the merge's exit status in DIR/exit-status (0, or 1 when \
            an expectation failed). DIR, FILE and this binary must be on a file system every \
            node sees. --dry-run prints the scripts and submits nothing.
            """)

    @Argument(help: "The scenario file.", completion: .file(extensions: ["bsim"]))
    var file: String

    @Option(help: "Slices: tasks of the job array (at most the run's replications).")
    var tasks: Int

    @Option(help: "Slurm partition (default: the cluster's default).")
    var partition: String?

    @Option(help: "CPUs per task; each slice runs that many threads.")
    var cpusPerTask: Int = 1

    @Option(help: ArgumentHelp("Time limit per task, as sbatch takes it (e.g. 2:00:00).", valueName: "time"))
    var time: String?

    @Option(help: "Replications (overrides the scenario's `runs`).")
    var runs: Int?

    @Option(help: "Random seed (overrides the scenario's `seed`).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Run only this variant (a unit of work).", valueName: "name"))
    var variant: String?

    @Option(help: ArgumentHelp("Run only point K of the file's sweep (a unit of work).", valueName: "k"))
    var point: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp("Change a property first (as `run --set`).", valueName: "path=value"))
    var settings: [String] = []

    @Option(help: "The result's format: table, json, csv or html.")
    var format: FormatArgument = .table

    @Option(help: "Money in yuan or in 万 (wan).")
    var units: MoneyUnitsArgument = .yuan

    @Option(help: ArgumentHelp("Folder for the scripts, slices, logs and result (default: FILE's name + .slurm).",
                               valueName: "dir"))
    var out: String?

    @Flag(help: "Print the scripts; submit nothing.")
    var dryRun = false

    func validate() throws {
        if tasks < 1 { throw ValidationError("--tasks must be at least 1") }
        if cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1") }
        if let runs, runs < 1 || runs > LanguageDefaults.runsMaximum {
            throw ValidationError("--runs must be 1 to \(LanguageDefaults.runsMaximum)")
        }
        if variant != nil && point != nil { throw ValidationError("--variant and --point each name a unit of work: give one of them") }
        for s in settings where parseSetting(s) == nil {
            throw ValidationError("--set takes PATH=VALUE, e.g. --set upgrade_meeting.funnel.convert=35%; found '\(s)'")
        }
    }

    func run() throws {
        guard let checked = checkedProgram(file, settings: settings) else { throw ExitCode(2) }
        let unit = variant.map(WorkUnit.variant) ?? point.map(WorkUnit.point) ?? .whole
        let (program, _) = try selectUnit(unit, of: checked, file: file)
        if runs == nil && stopsAtPrecision(program) {
            fail("'\(file)' stops its runs at a precision (`runs until`), which slices cannot know: "
                 + "give --runs N to run a fixed number of replications on the cluster")
        }
        let total = plannedReplications(program, runs: runs)
        guard total > 0 else { fail("'\(file)' runs nothing (no `run`, `compare` or `sweep`): there is nothing to slice") }
        let n = min(tasks, total)
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ p: String) -> String {
            URL(fileURLWithPath: p, relativeTo: URL(fileURLWithPath: cwd, isDirectory: true)).standardizedFileURL.path
        }
        // As given: the jobs start in this directory (--chdir), and the expectation lines
        // print the path as `branchsim run FILE` here would.
        let scenario = file
        let base = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let dir = absolute(out ?? "\(base).slurm")
        let binary = absolute(Self.executablePath())
        let ext = format == .table ? "txt" : format.rawValue
        let result = "\(dir)/result.\(ext)"

        var options: [String] = []
        if let runs { options += ["--runs", "\(runs)"] }
        if let seed { options += ["--seed", "\(seed)"] }
        if let variant { options += ["--variant", variant] }
        if let point { options += ["--point", "\(point)"] }
        for s in settings { options += ["--set", s] }
        let opts = options.map(shellQuote).joined(separator: " ")
        var header = ["#!/bin/bash"]
        if let partition { header.append("#SBATCH --partition=\(partition)") }
        if let time { header.append("#SBATCH --time=\(time)") }
        header.append("#SBATCH --chdir=\(cwd)")

        let slices = (header + [
            "#SBATCH --job-name=branchsim-\(base)",
            "#SBATCH --array=0-\(n - 1)",
            "#SBATCH --cpus-per-task=\(cpusPerTask)",
            "#SBATCH --output=\(dir)/logs/slice-%a.out",
            "# Written by `branchsim slurm`: task K runs replications K*\(total)/\(n) ..< (K+1)*\(total)/\(n).",
            "set -euo pipefail",
            "K=$SLURM_ARRAY_TASK_ID",
            "A=$(( K * \(total) / \(n) ))",
            "B=$(( (K + 1) * \(total) / \(n) ))",
            "echo \"slice $K: replications $A..<$B on $(hostname)\"",
            "# Status 1 (an expectation failed on this part of the run) is not a failure: merge decides.",
            "status=0",
            "\(shellQuote(binary)) run \(shellQuote(scenario)) \(opts.isEmpty ? "" : opts + " ")--replications \"$A..<$B\" "
                + "--threads \"${SLURM_CPUS_PER_TASK:-1}\" --save \(shellQuote(dir))/slice-\"$K\".rows "
                + "--output \(shellQuote(dir))/logs/slice-\"$K\".txt || status=$?",
            "[ \"$status\" -le 1 ] || exit \"$status\"",
        ]).joined(separator: "\n") + "\n"
        let sliceFiles = (0..<n).map { "\(dir)/slice-\($0).rows" }
        let merge = (header + [
            "#SBATCH --job-name=branchsim-\(base)-merge",
            "#SBATCH --cpus-per-task=1",
            "#SBATCH --output=\(dir)/logs/merge.out",
            "# Written by `branchsim slurm`: submitted with --dependency=afterok:<the slices' job id>.",
            "set -uo pipefail",
            "\(shellQuote(binary)) merge \(shellQuote(scenario)) \\",
            "  " + sliceFiles.map(shellQuote).joined(separator: " \\\n  ") + " \\",
            "  --format \(format.rawValue) --units \(units.rawValue) --threads 1 --output \(shellQuote(result))",
            "status=$?",
            "echo \"$status\" > \(shellQuote(dir))/exit-status",
            "exit \"$status\"",
        ]).joined(separator: "\n") + "\n"

        let ranges = "replications 0..<\(total) in \(n) slice\(n == 1 ? "" : "s")"
        if dryRun {
            print("# \(dir)/slices.sbatch  (\(ranges))")
            print(slices)
            print("# \(dir)/merge.sbatch  (sbatch --dependency=afterok:<the slices' job id>)")
            print(merge, terminator: "")
            return
        }
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: dir), existing.contains(where: { $0.hasSuffix(".rows") || $0 == "exit-status" }) {
            fail("'\(dir)' holds the slices or result of an earlier submission: give another --out, or remove it")
        }
        do {
            try fm.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
            try AtomicFile.write(slices, to: dir + "/slices.sbatch", overwrite: true)
            try AtomicFile.write(merge, to: dir + "/merge.sbatch", overwrite: true)
        } catch {
            fail("cannot write the scripts in '\(dir)': \(error)")
        }
        let arrayID = try submit(["\(dir)/slices.sbatch"], what: "the slices' job array")
        let mergeID: String
        do { mergeID = try submit(["--dependency=afterok:\(arrayID)", "--kill-on-invalid-dep=yes", "\(dir)/merge.sbatch"],
                                  what: "the merge job") } catch {
            StandardStreams.writeError("note: the slices (job \(arrayID)) were submitted; cancel them with `scancel \(arrayID)`\n")
            throw error
        }
        print("slices: job \(arrayID), an array of \(n) task\(n == 1 ? "" : "s") (\(ranges))")
        print("merge:  job \(mergeID), after every slice has succeeded")
        print("result: \(result)")
        print("exit status: \(dir)/exit-status (0 passed, 1 an expectation failed); logs: \(dir)/logs")
    }

    /// Runs `sbatch --parsable ARGS`; the job id it prints (`ID` or `ID;CLUSTER`).
    func submit(_ args: [String], what: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sbatch", "--parsable"] + args
        let outPipe = Pipe(), errPipe = Pipe()
        p.standardOutput = outPipe
        p.standardError = errPipe
        do { try p.run() } catch { fail("cannot start sbatch: \(error)") }
        let out = String(decoding: outPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if p.terminationStatus == 127 {
            fail("sbatch is not on PATH: run this on a Slurm login node, or give --dry-run to see the scripts")
        }
        let id = out.split(separator: "\n").first.map { String($0.split(separator: ";").first ?? $0) } ?? ""
        guard p.terminationStatus == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            let said = err.trimmingCharacters(in: .whitespacesAndNewlines)
            StandardStreams.writeError("error: sbatch refused \(what) (status \(p.terminationStatus))"
                + (said.isEmpty ? "" : ": \(said)") + "\n")
            throw ExitCode(2)
        }
        return id
    }

    /// This binary's path (for the scripts, which run it on the nodes).
    static func executablePath() -> String {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        return CommandLine.arguments[0]
    }
}

/// `text` in single quotes for a POSIX shell.
func shellQuote(_ text: String) -> String {
    if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }) { return text }
    return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

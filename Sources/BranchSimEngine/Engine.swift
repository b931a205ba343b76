import BranchSimModel
import Dispatch
import Foundation

/// A flag a caller sets to stop a running simulation (Ctrl-C in the shell).
/// Workers check it between replications.
public final class CancellationFlag: Sendable {
    private let state = LockedValue(false)

    public init() {}

    public func cancel() { state.withLock { $0 = true } }

    public var isCancelled: Bool { state.withLock { $0 } }
}

/// How to run a scenario; every field defaults to what the scenario says.
public struct RunOptions: Sendable {
    /// Which replications to run; `nil`: `0..<runs` (or precision stopping for `runs until`).
    public var replications: Range<Int>?
    /// Overrides the scenario's `runs`.
    public var runs: RunCount?
    /// Overrides the scenario's seed.
    public var seed: UInt64?
    /// `nil`: the scenario's `threads`, else the number of active processors.
    public var threads: Int?
    /// 0 gives common random numbers across variants; `compare ... independent` passes a
    /// different salt per variant so their draws are independent.
    public var streamSalt: UInt64
    public var cancellation: CancellationFlag?
    /// Called from worker threads after each finished chunk of replications (throttled).
    public var progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    /// The other scenarios this run is compared with (the variants of a `compare`, the points
    /// of a `sweep`): a tier that any of them can change is simulated customer by customer
    /// here too, so all of them draw the same starting population the same way.
    public var companions: [Scenario] = []
    /// Uncertain inputs held at a value instead of drawn, by path (`meet.convert`): the
    /// tornado's low and high runs. The other inputs draw as usual.
    public var fixedInputs: [String: Double] = [:]
    /// 0: the usual streams. Another value gives every draw but the uncertain inputs' other
    /// streams: the same inputs with new Monte Carlo noise (the within-input spread of
    /// `InputSpread`).
    public var noiseSalt: UInt64 = 0

    public init(replications: Range<Int>? = nil, runs: RunCount? = nil, seed: UInt64? = nil, threads: Int? = nil,
                streamSalt: UInt64 = 0, cancellation: CancellationFlag? = nil,
                progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) {
        self.replications = replications
        self.runs = runs
        self.seed = seed
        self.threads = threads
        self.streamSalt = streamSalt
        self.cancellation = cancellation
        self.progress = progress
    }
}

public enum EngineError: Error, Equatable, CustomStringConvertible {
    /// The run was stopped; `completed` replications had finished.
    case cancelled(completed: Int)
    /// The scenario cannot be simulated (the message says what to change).
    case invalidScenario(String)

    public var description: String {
        switch self {
        case .cancelled(let n): return "simulation cancelled after \(n) replication\(n == 1 ? "" : "s")"
        case .invalidScenario(let m): return "cannot simulate this scenario: \(m)"
        }
    }
}

/// What a run cost, beyond its results (for benchmarks).
public struct RunDiagnostics: Sendable, Equatable {
    /// Random draws (64-bit values consumed) per replication, in replication order.
    public var draws: [Int]
    public var threads: Int
}

/// The Monte Carlo engine: runs replications of a checked scenario as MODEL.md and
/// docs/model.md define them.
public enum Engine {
    /// Replications per batch for `runs until` (batch boundaries do not depend on threads).
    public static let precisionBatch = 100

    /// Runs `scenario` and returns one row per replication.
    /// - Throws: `EngineError.cancelled` when `options.cancellation` is set during the run,
    ///   `EngineError.invalidScenario` when the scenario cannot be simulated.
    public static func run(_ scenario: Scenario, label: String, options: RunOptions) throws(EngineError) -> RunResult {
        try runWithDiagnostics(scenario, label: label, options: options).result
    }

    /// Starting customers a replication of `scenario` (run beside `companions`) holds one by
    /// one; the others are counted by set (docs/model.md, "Untouched tiers").
    public static func materialisedCustomers(_ scenario: Scenario, companions: [Scenario] = []) throws(EngineError) -> Int {
        var plan = try SimulationPlan(scenario)
        plan.accountForCompanions(companions)
        return plan.materialisedCustomers
    }

    /// `run`, also returning the draw counts.
    public static func runWithDiagnostics(
        _ scenario: Scenario, label: String, options: RunOptions
    ) throws(EngineError) -> (result: RunResult, diagnostics: RunDiagnostics) {
        var plan = try SimulationPlan(scenario)
        plan.accountForCompanions(options.companions)
        for (path, value) in options.fixedInputs {
            guard let k = plan.inputs.firstIndex(where: { $0.path == path }) else {
                throw .invalidScenario("'\(path)' is not an uncertain input of this scenario")
            }
            plan.inputs[k].fixed = value
        }
        let seed = options.seed ?? scenario.settings.seed
        let count = options.runs ?? scenario.settings.runs
        let threads = try threadsThatFit(plan, runs: options.replications?.count ?? count.maximum,
                                         requested: options.threads ?? scenario.settings.threads
                                            ?? ProcessInfo.processInfo.activeProcessorCount)
        var records: [ReplicationRecord] = []
        var draws: [Int] = []
        var stopping = Stopping.fixed

        if let range = options.replications {
            guard range.lowerBound >= 0 else { throw .invalidScenario("replication indices start at 0") }
            (records, draws) = try runRange(plan, range, seed: seed, threads: threads, options: options,
                                            done: 0, total: range.count)
        } else {
            switch count {
            case .fixed(let n):
                (records, draws) = try runRange(plan, 0..<max(0, n), seed: seed, threads: threads, options: options,
                                                done: 0, total: max(0, n))
            case .until(let metric, let relative, let cap):
                guard let mi = plan.metrics.firstIndex(where: { $0.key == metric.metric }) else {
                    throw .invalidScenario("'runs until' names the metric '\(metric.metric)', which this scenario does not produce")
                }
                stopping = .precision(metric: "\(metric)", relativeHalfWidth: relative, cap: cap, reachedAfter: nil)
                var next = 0
                while next < cap {
                    let end = min(cap, next + precisionBatch)
                    let (r, d) = try runRange(plan, next..<end, seed: seed, threads: threads, options: options,
                                              done: next, total: cap)
                    records += r
                    draws += d
                    next = end
                    let summary = MetricSummary(values: records.map { $0.values[mi] })
                    if records.count > 1 && summary.halfWidth < relative * abs(summary.mean) {
                        stopping = .precision(metric: "\(metric)", relativeHalfWidth: relative, cap: cap,
                                              reachedAfter: records.count)
                        break
                    }
                }
            }
        }
        var available: [String: Double] = [:]
        for (r, role) in scenario.roles.enumerated() { available[role.name] = plan.availableFTE[r] }
        let result = RunResult(
            label: label, title: scenario.title, seed: seed, steps: plan.steps,
            stepUnit: scenario.settings.step.rawValue, metrics: plan.metrics, series: plan.series,
            replications: records, availableFTE: available, stopping: stopping)
        return (result, RunDiagnostics(draws: draws, threads: threads))
    }

    /// The threads a run of `runs` replications takes: `requested`, or fewer when the
    /// populations of that many threads would not fit in `MemoryModel.limit` (results do not
    /// depend on threads).
    /// - Throws: `EngineError.invalidScenario` when even one thread would not fit, or the
    ///   rows alone would not (the checker sees the file's `runs`; `--runs` is checked here).
    static func threadsThatFit(_ plan: SimulationPlan, runs: Int, requested: Int) throws(EngineError) -> Int {
        let s = plan.scenario
        let rows = RunResult.rowBytes(s, runs: runs)
        if rows > MemoryModel.limit {
            throw .invalidScenario("results too large for memory: \(s.steps) steps of \(plan.series.count) series for "
                + "\(min(runs, RunResult.seriesReplications)) replications and \(runs) metric rows need about "
                + "\(MemoryModel.gib(rows)) GiB (limit 4 GiB); lower the runs, shorten 'horizon' or use 'step month'")
        }
        let customers = plan.materialisedCustomers
        var threads = max(1, requested)
        while threads > 1 && MemoryModel.bytes(s, runs: runs, threads: threads, materialised: customers) > MemoryModel.limit {
            threads -= 1
        }
        let bytes = MemoryModel.bytes(s, runs: runs, threads: threads, materialised: customers)
        if bytes > MemoryModel.limit {
            throw .invalidScenario("population too large for memory: \(customers) customers and \(runs) replications "
                + "need about \(MemoryModel.gib(bytes)) GiB on one thread (limit 4 GiB); lower 'customers' or the runs")
        }
        return threads
    }

    /// Runs the replications in `range`, chunked over `threads` workers; rows come back in
    /// replication order whatever the thread count.
    static func runRange(
        _ plan: SimulationPlan, _ range: Range<Int>, seed: UInt64, threads: Int, options: RunOptions,
        done: Int, total: Int
    ) throws(EngineError) -> ([ReplicationRecord], [Int]) {
        let n = range.count
        guard n > 0 else { return ([], []) }
        let slots = ResultSlots(count: n)
        let workers = min(threads, n)
        let queue = WorkQueue(count: n, workers: workers, maxChunk: 16)
        let salt = options.streamSalt
        let noiseSalt = options.noiseSalt
        let cancel = options.cancellation
        let progress = options.progress
        let low = range.lowerBound
        let capReached = LockedValue(false)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var worker = Replicator(plan: plan, seed: seed, salt: salt, noiseSalt: noiseSalt)
            while let part = queue.next() {
                var finished = 0
                for i in part {
                    if cancel?.isCancelled == true || capReached.withLock({ $0 }) { break }
                    let record = worker.run(replication: low + i)
                    if worker.referralCapReached {
                        capReached.withLock { $0 = true }
                        break
                    }
                    slots.store(i, record: record, draws: worker.draws)
                    finished += 1
                }
                let d = queue.finish(finished)
                if let progress { progress(done + d, total) }
                if finished < part.count { break }
            }
        }
        if capReached.withLock({ $0 }) {
            let n = plan.scenario.totalCustomers
            throw .invalidScenario("referrals would add more than \(Replicator.referralCap(startingCustomers: n)) new customers "
                + "in one replication (the branches start with \(n)): each new customer can be converted and refer again, "
                + "so the population grows without bound; lower the campaigns' 'referrals' rates or their 'contacts'")
        }
        let (records, draws, completed) = slots.collect()
        if completed < n {
            throw .cancelled(completed: done + completed)
        }
        return (records, draws)
    }
}

/// Hands out chunks of replication indices to workers and counts finished ones. Chunks
/// shrink as the work runs out (a share of what is left, at most `maxChunk`, at least 1), so
/// the workers finish together instead of one waiting on another's last large chunk. Which
/// worker runs which replication never changes the results (rows are stored by index).
final class WorkQueue: Sendable {
    private struct State {
        var nextIndex = 0
        var finished = 0
    }

    private let state = LockedValue(State())
    private let count: Int
    private let workers: Int
    private let maxChunk: Int

    init(count: Int, workers: Int, maxChunk: Int) {
        self.count = count
        self.workers = max(1, workers)
        self.maxChunk = max(1, maxChunk)
    }

    func next() -> Range<Int>? {
        state.withLock { s in
            guard s.nextIndex < count else { return nil }
            let chunk = max(1, min(maxChunk, (count - s.nextIndex) / (4 * workers)))
            let r = s.nextIndex..<min(count, s.nextIndex + chunk)
            s.nextIndex = r.upperBound
            return r
        }
    }

    func finish(_ n: Int) -> Int {
        state.withLock { s in
            s.finished += n
            return s.finished
        }
    }
}

/// Preallocated rows, written by replication index from worker threads (each slot by
/// exactly one worker), read after all workers have joined.
final class ResultSlots: @unchecked Sendable {
    private let records: UnsafeMutablePointer<ReplicationRecord?>
    private let draws: UnsafeMutablePointer<Int>
    private let count: Int

    init(count: Int) {
        self.count = count
        records = .allocate(capacity: count)
        records.initialize(repeating: nil, count: count)
        draws = .allocate(capacity: count)
        draws.initialize(repeating: 0, count: count)
    }

    deinit {
        records.deinitialize(count: count)
        records.deallocate()
        draws.deallocate()
    }

    func store(_ i: Int, record: ReplicationRecord, draws d: Int) {
        records[i] = record
        draws[i] = d
    }

    /// The rows in order, their draw counts, and how many leading slots are filled.
    func collect() -> ([ReplicationRecord], [Int], Int) {
        var out: [ReplicationRecord] = []
        var d: [Int] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            guard let r = records[i] else { break }
            out.append(r)
            d.append(draws[i])
        }
        return (out, d, out.count)
    }
}

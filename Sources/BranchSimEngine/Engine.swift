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
    /// Bytes of metric rows the run keeps in memory before it writes them to a temporary
    /// file (`RowStore`): results are the same whatever it is.
    public var rowBudget: Int = RowStore.defaultBudget

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
        let rows = RowStore(width: plan.metrics.count, budget: options.rowBudget)
        var draws: [Int] = []
        var stopping = Stopping.fixed

        if let range = options.replications {
            guard range.lowerBound >= 0 else { throw .invalidScenario("replication indices start at 0") }
            try runRange(plan, range, seed: seed, threads: threads, options: options,
                         done: 0, total: range.count, into: rows, draws: &draws)
        } else {
            switch count {
            case .fixed(let n):
                try runRange(plan, 0..<max(0, n), seed: seed, threads: threads, options: options,
                             done: 0, total: max(0, n), into: rows, draws: &draws)
            case .until(let metric, let relative, let cap):
                guard let mi = plan.metrics.firstIndex(where: { $0.key == metric.metric }) else {
                    throw .invalidScenario("'runs until' names the metric '\(metric.metric)', which this scenario does not produce")
                }
                stopping = .precision(metric: "\(metric)", relativeHalfWidth: relative, cap: cap, reachedAfter: nil)
                var next = 0
                while next < cap {
                    let end = min(cap, next + precisionBatch)
                    try runRange(plan, next..<end, seed: seed, threads: threads, options: options,
                                 done: next, total: cap, into: rows, draws: &draws)
                    next = end
                    let summary = MetricSummary(values: rows.column(mi))
                    if rows.count > 1 && summary.halfWidth < relative * abs(summary.mean) {
                        stopping = .precision(metric: "\(metric)", relativeHalfWidth: relative, cap: cap,
                                              reachedAfter: rows.count)
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
            rows: rows, availableFTE: available, stopping: stopping)
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

    /// Runs the replications in `range`, chunked over `threads` workers, and appends their
    /// rows to `rows` (and their draw counts to `draws`) in replication order whatever the
    /// thread count: a row that finishes before those ahead of it waits in a reorder buffer,
    /// and no worker starts a replication more than `reorderWindow` past the first unfinished
    /// one, so the buffer stays bounded however many replications the range holds.
    static func runRange(
        _ plan: SimulationPlan, _ range: Range<Int>, seed: UInt64, threads: Int, options: RunOptions,
        done: Int, total: Int, into rows: RowStore, draws: inout [Int]
    ) throws(EngineError) {
        let n = range.count
        guard n > 0 else { return }
        let workers = min(threads, n)
        let maxChunk = 16
        let collector = OrderedRows(rows: rows, first: range.lowerBound)
        let queue = WorkQueue(count: n, workers: workers, maxChunk: maxChunk,
                              window: reorderWindow(workers: workers, maxChunk: maxChunk), collector: collector)
        let salt = options.streamSalt
        let noiseSalt = options.noiseSalt
        let cancel = options.cancellation
        let progress = options.progress
        let low = range.lowerBound
        let capReached = LockedValue(false)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var worker = Replicator(plan: plan, seed: seed, salt: salt, noiseSalt: noiseSalt, reference: Self.referencePaths)
            while let part = queue.next() {
                var finished = 0
                for i in part {
                    if cancel?.isCancelled == true || capReached.withLock({ $0 }) { break }
                    let record = worker.run(replication: low + i)
                    if worker.referralCapReached {
                        capReached.withLock { $0 = true }
                        break
                    }
                    collector.store(i, record: record, draws: worker.draws)
                    finished += 1
                }
                let d = queue.finish(finished)
                if let progress { progress(done + d, total) }
                if finished < part.count {
                    queue.stop()
                    break
                }
            }
        }
        if capReached.withLock({ $0 }) {
            let n = plan.scenario.totalCustomers
            throw .invalidScenario("referrals would add more than \(Replicator.referralCap(startingCustomers: n)) new customers "
                + "in one replication (the branches start with \(n)): each new customer can be converted and refer again, "
                + "so the population grows without bound; lower the campaigns' 'referrals' rates or their 'contacts'")
        }
        let (completed, d) = collector.finish()
        draws += d
        if completed < n {
            throw .cancelled(completed: done + completed)
        }
    }

    /// The reference paths runs take: none, but `BRANCHSIM_STEP_MAJOR` (any value) makes every
    /// replication run step by step over every outlet instead of outlet group by outlet group
    /// (`ReferencePaths.stepMajor`), for the end-to-end tests that compare the two byte for byte.
    static let referencePaths: ReferencePaths =
        ProcessInfo.processInfo.environment["BRANCHSIM_STEP_MAJOR"] != nil ? .stepMajor : []

    /// How far past the first unfinished replication a worker may start one: room for every
    /// worker's chunk several times over, so that workers never wait on each other unless one
    /// replication takes many times as long as the others.
    static func reorderWindow(workers: Int, maxChunk: Int) -> Int { max(64, 8 * maxChunk * workers) }
}

/// Hands out chunks of replication indices to workers and counts finished ones. Chunks
/// shrink as the work runs out (a share of what is left, at most `maxChunk`, at least 1), so
/// the workers finish together instead of one waiting on another's last large chunk. Which
/// worker runs which replication never changes the results (rows are stored by index). A
/// chunk is handed out only within `window` replications of the collector's first missing
/// row (the caller waits until it is), which bounds the rows waiting to be put in order.
final class WorkQueue: @unchecked Sendable {
    private var nextIndex = 0
    private var finished = 0
    private var stopped = false
    private let condition = NSCondition()
    private let count: Int
    private let workers: Int
    private let maxChunk: Int
    private let window: Int
    private let collector: OrderedRows?

    init(count: Int, workers: Int, maxChunk: Int, window: Int = .max, collector: OrderedRows? = nil) {
        self.count = count
        self.workers = max(1, workers)
        self.maxChunk = max(1, maxChunk)
        self.window = max(1, window)
        self.collector = collector
    }

    func next() -> Range<Int>? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            guard !stopped, nextIndex < count else { return nil }
            let chunk = max(1, min(maxChunk, (count - nextIndex) / (4 * workers)))
            let frontier = collector?.frontier ?? 0
            if nextIndex + chunk <= frontier + window || nextIndex <= frontier {
                let r = nextIndex..<min(count, nextIndex + chunk)
                nextIndex = r.upperBound
                return r
            }
            condition.wait()
        }
    }

    func finish(_ n: Int) -> Int {
        condition.lock()
        defer { condition.unlock() }
        finished += n
        condition.broadcast()
        return finished
    }

    /// Hands out nothing more (a worker stopped early: the rows after it will never be in
    /// order, so waiting for them would never end).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Puts rows finished by worker threads back in replication order: each row is appended to
/// the store as soon as every row before it is, the others wait here (at most the work
/// queue's window of them).
final class OrderedRows: @unchecked Sendable {
    private let lock = NSLock()
    private let rows: RowStore
    private let first: Int
    private var waiting: [Int: (record: ReplicationRecord, draws: Int)] = [:]
    private var next = 0
    private var draws: [Int] = []
    /// Most rows ever waiting at once (for tests: the reorder buffer is bounded).
    private(set) var mostWaiting = 0

    init(rows: RowStore, first: Int) {
        self.rows = rows
        self.first = first
    }

    /// Rows (relative to the range) appended so far: the first one not yet in order.
    var frontier: Int {
        lock.lock()
        defer { lock.unlock() }
        return next
    }

    func store(_ i: Int, record: ReplicationRecord, draws d: Int) {
        lock.lock()
        defer { lock.unlock() }
        waiting[i] = (record, d)
        mostWaiting = max(mostWaiting, waiting.count)
        while let w = waiting.removeValue(forKey: next) {
            rows.append(index: w.record.index, values: w.record.values, series: w.record.series)
            draws.append(w.draws)
            next += 1
        }
    }

    /// Rows appended in order, and their draw counts; the rows left waiting (after a
    /// replication that did not finish) are dropped.
    func finish() -> (Int, [Int]) {
        lock.lock()
        defer { lock.unlock() }
        waiting.removeAll()
        return (next, draws)
    }
}

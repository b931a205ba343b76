/// What a run needs in memory: one model, used by the checker (`branchsim check`, the shell)
/// and by the engine before it runs.
///
/// A run keeps, on each of its threads, one replication's customers as columns of values
/// (bytes per customer: `bytesPerCustomer`), and for the whole run the rows of metrics up
/// to `RowStore.defaultBudget` (the rest spill to a temporary file) and the per-step series
/// of the first `RunResult.seriesReplications` (`RunResult.rowBytes`). The checker cannot know the machine the file will run on, so it
/// assumes the file's `threads`, else `checkThreads`; the engine checks again with the run's
/// own replication count (`--runs` included) and thread count, and runs on fewer threads
/// when more would not fit (results do not depend on threads). Measured against the peak
/// resident set in docs/performance.md ("Memory").
public enum MemoryModel {
    /// The most a run may need.
    public static let limit = 4 * 1_073_741_824
    /// The threads the checker assumes when a file does not say: one, the fewest a run can
    /// take, so that a file checks the same on every machine.
    public static let checkThreads = 1
    /// The process before any customer: code, runtime, the checked scenario, the report.
    public static let processBytes = 20 * 1_048_576

    /// Bytes one thread keeps per customer it materialises: the population's columns (78,
    /// and 8 per product), set membership (8), maturities (12 per term product), last
    /// contacts (8 per campaign with a cooldown), the contact policy's ring (4, and 8 per
    /// contact it allows), balance-band lists (12 per band), ready lists (20 per campaign
    /// without a `where maturing` filter, a condition or a ranking), the growth schedule (12,
    /// with growth), the starting batch's keys and balances (16), and the history conditions
    /// and rankings read (8 per event kind they name, and 4 when any campaign has one; the
    /// event logs grow with the events, not the customers).
    public static func bytesPerCustomer(_ s: Scenario) -> Int {
        let terms = s.products.filter { ($0.term?.ticks ?? 0) > 0 && !$0.flat }.count
        let cooldowns = s.campaigns.filter { ($0.cooldown?.ticks ?? 0) > 0 }.count
        let policy = s.policy.map { max(1, $0.maxContacts) } ?? 0
        var bands = 0, ready = 0
        var events = Set<CustomerEvent>()
        var journeys = false
        for c in s.campaigns {
            c.condition?.collectEvents(into: &events)
            if c.rank == .lastContact { events.insert(.contacted(campaign: nil)) }
            if c.condition != nil || c.rank != nil {
                journeys = true
                if case .balance = c.filter { bands += 1 }
                continue
            }
            switch c.filter {
            case .balance: bands += 1; ready += 1
            case .maturing: break
            case .segment, .none: ready += 1
            }
        }
        let growth = s.branches.contains { $0.tiers.contains { $0.growthPerMonth != 0 } } ? 12 : 0
        return 78 + 8 * s.products.count + 8 + 12 * terms + 8 * cooldowns + 4 + 8 * policy + 12 * bands + 20 * ready
            + growth + 16 + 8 * events.count + (journeys ? 4 : 0)
    }

    /// Bytes the populations of `threads` threads take: `materialised` customers each (all
    /// the starting customers when nil: the engine counts those of untouched tiers only,
    /// docs/model.md), a quarter more when campaigns refer new customers.
    public static func populationBytes(_ s: Scenario, threads: Int, materialised: Int? = nil) -> Int {
        let start = materialised ?? s.totalCustomers
        let referrals = s.campaigns.contains { ($0.referrals?.probability ?? 0) > 0 }
        let customers = start + (referrals ? start / 4 : 0)
        return max(1, threads) * customers * bytesPerCustomer(s)
    }

    /// Bytes a run of `runs` replications on `threads` threads needs.
    public static func bytes(_ s: Scenario, runs: Int, threads: Int, materialised: Int? = nil) -> Int {
        processBytes + (s.imported?.bytes ?? 0) + populationBytes(s, threads: threads, materialised: materialised)
            + RunResult.rowBytes(s, runs: runs)
    }

    /// `bytes` in GiB with one decimal, for messages.
    public static func gib(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + 1_073_741_824 / 2) / 1_073_741_824
        return "\(tenths / 10).\(tenths % 10)"
    }
}

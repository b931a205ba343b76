/// Staffing: the role-hours each occurrence takes, checked against what each branch's staff
/// has in the step when the scenario enforces staff, and the hours and FTE of each role over
/// the replication.
struct Staffing {
    let roles: Int
    /// Hours used so far this step: `used[branch * roles + role]`, and per role in the
    /// current outlet group (a view of its block: `ReplicationMetrics`).
    var used = Column<Double>()
    var stepHours: Column<Double>
    /// The current occurrence's hours per role.
    var occurrenceHours = Column<Double>()
    /// FTE of each role's managed customers in the current step.
    var managedStep = Column<Double>()
    /// The same per outlet and role, `[branch * roles + role]`: the managed FTE of the
    /// current step, and over the replication the hours, the sum and peak of the steps' FTE
    /// and the sum of the managed FTE.
    var outletManagedStep = Column<Double>()
    var outletHoursTotal = Column<Double>()
    var outletFTESum = Column<Double>()
    var outletFTEPeak = Column<Double>()
    var outletManagedSum = Column<Double>()

    init(_ plan: SimulationPlan, metrics: ReplicationMetrics) {
        roles = plan.roleCount
        stepHours = Column(viewing: metrics.total.base + metrics.hours0, count: metrics.roles)
        let cells = plan.scenario.branches.count * plan.roleCount
        used.append(repeating: 0, count: cells)
        for c in [\Staffing.occurrenceHours, \.managedStep] {
            self[keyPath: c].append(repeating: 0, count: plan.roleCount)
        }
        for c in [\Staffing.outletManagedStep, \.outletHoursTotal, \.outletFTESum, \.outletFTEPeak, \.outletManagedSum] {
            self[keyPath: c].append(repeating: 0, count: cells)
        }
    }

    /// A step of the outlets `branches` begins (the current group's step hours with it).
    func beginStep(branches: [Int]) {
        for b in branches { for r in 0..<roles { used[b * roles + r] = 0 } }
        for i in stepHours.indices { stepHours[i] = 0 }
    }

    mutating func removeAll() {
        for i in outletHoursTotal.indices {
            outletHoursTotal[i] = 0
            outletFTESum[i] = 0
            outletFTEPeak[i] = 0
            outletManagedSum[i] = 0
        }
    }

    func free() {
        used.free(); occurrenceHours.free(); managedStep.free()
        outletManagedStep.free(); outletHoursTotal.free(); outletFTESum.free(); outletFTEPeak.free(); outletManagedSum.free()
    }
}

extension Replicator {
    /// The effort of the current occurrence of campaign `ref` per role, into
    /// `staffing.occurrenceHours`: its occurrence hours, its contacts
    /// (`occurrence.contacts`), those past each stage (`occurrence.stagePassed`) and its
    /// conversions (`occurrence.passing`).
    mutating func occurrenceHours(_ ref: CampaignRef) {
        let occHours = staffing.occurrenceHours
        let contactCount = occurrence.contacts.count, passed = occurrence.passing.count
        for r in 0..<roles {
            var hrs = ref.plan.occurrenceHours[r] + Double(contactCount) * ref.plan.contactHours[r]
                + Double(passed) * ref.plan.conversionHours[r]
            for s in 0..<occurrence.stagePassed.count { hrs += Double(occurrence.stagePassed[s]) * ref.plan.stageHours[s * roles + r] }
            occHours[r] = hrs
        }
    }

    /// Whether branch `hostBranch` still has the hours `staffing.occurrenceHours` asks of
    /// every role that the occurrence uses.
    func hoursFit(branch hostBranch: Int) -> Bool {
        for r in 0..<roles where staffing.occurrenceHours[r] > 0 {
            let i = hostBranch * roles + r
            if staffing.used[i] + staffing.occurrenceHours[r] > plan.availableHours[i] + 1e-9 { return false }
        }
        return true
    }

    /// Takes the hours of `staffing.occurrenceHours` from branch `hostBranch`.
    mutating func takeHours(branch hostBranch: Int) {
        for r in 0..<roles {
            staffing.used[hostBranch * roles + r] += staffing.occurrenceHours[r]
            staffing.stepHours[r] += staffing.occurrenceHours[r]
        }
    }

    /// An occurrence the hours do not cover whole (`enforce staff`): cuts
    /// `occurrence.contacts` to its longest prefix whose funnel and hours fit, runs the funnel
    /// over it and returns those the seats turned away; nil when not even one contact fits
    /// (the occurrence is not run). The hours grow with the prefix (every count in them does:
    /// the capacity keeps the first in contact order), so a binary search finds it; each
    /// contact's draws are keyed, so the prefix's outcomes are the whole occurrence's for
    /// those contacts.
    mutating func servablePrefix(_ ref: CampaignRef, branch hostBranch: Int, occTag: UInt64) -> Int? {
        let drawn = occurrence.contacts.count
        var lo = 0, hi = drawn - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            occurrence.contacts.setCount(mid)
            _ = runFunnel(ref, occTag: occTag)
            occurrenceHours(ref)
            if hoursFit(branch: hostBranch) { lo = mid } else { hi = mid - 1 }
        }
        guard lo > 0 else {
            occurrence.contacts.setCount(drawn)
            return nil
        }
        occurrence.contacts.setCount(lo)
        let turnedAway = runFunnel(ref, occTag: occTag)
        occurrenceHours(ref)
        return turnedAway
    }
}

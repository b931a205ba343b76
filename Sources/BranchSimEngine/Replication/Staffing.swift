/// Staffing: the role-hours each occurrence takes, checked against what each branch's staff
/// has in the step when the scenario enforces staff, and the hours and FTE of each role over
/// the replication.
struct Staffing {
    let roles: Int
    /// Hours used so far this step: `used[branch * roles + role]`, and per role.
    var used = Column<Double>()
    var stepHours = Column<Double>()
    /// The current occurrence's hours per role.
    var occurrenceHours = Column<Double>()
    /// FTE of each role's managed customers in the current step.
    var managedStep = Column<Double>()
    /// Per role over the replication: hours, the sum and peak of the steps' FTE, and the sum
    /// of the managed FTE.
    var hoursTotal = Column<Double>()
    var fteSum = Column<Double>()
    var ftePeak = Column<Double>()
    var managedSum = Column<Double>()
    /// The same per outlet and role, `[branch * roles + role]`: the managed FTE of the
    /// current step, and over the replication the hours, the sum and peak of the steps' FTE
    /// and the sum of the managed FTE.
    var outletManagedStep = Column<Double>()
    var outletHoursTotal = Column<Double>()
    var outletFTESum = Column<Double>()
    var outletFTEPeak = Column<Double>()
    var outletManagedSum = Column<Double>()

    init(_ plan: SimulationPlan) {
        roles = plan.roleCount
        let cells = plan.scenario.branches.count * plan.roleCount
        used.append(repeating: 0, count: cells)
        for c in [\Staffing.stepHours, \.occurrenceHours, \.managedStep, \.hoursTotal, \.fteSum, \.ftePeak, \.managedSum] {
            self[keyPath: c].append(repeating: 0, count: plan.roleCount)
        }
        for c in [\Staffing.outletManagedStep, \.outletHoursTotal, \.outletFTESum, \.outletFTEPeak, \.outletManagedSum] {
            self[keyPath: c].append(repeating: 0, count: cells)
        }
    }

    mutating func beginStep() {
        for i in used.indices { used[i] = 0 }
        for i in stepHours.indices { stepHours[i] = 0 }
    }

    mutating func removeAll() {
        for r in 0..<roles {
            hoursTotal[r] = 0
            fteSum[r] = 0
            ftePeak[r] = 0
            managedSum[r] = 0
        }
        for i in outletHoursTotal.indices {
            outletHoursTotal[i] = 0
            outletFTESum[i] = 0
            outletFTEPeak[i] = 0
            outletManagedSum[i] = 0
        }
    }

    func free() {
        used.free(); stepHours.free(); occurrenceHours.free(); managedStep.free()
        hoursTotal.free(); fteSum.free(); ftePeak.free(); managedSum.free()
        outletManagedStep.free(); outletHoursTotal.free(); outletFTESum.free(); outletFTEPeak.free(); outletManagedSum.free()
    }
}

extension Replicator {
    /// The effort of an occurrence of campaign `ref` at branch `hostBranch` with `contacts`
    /// contacts and `passed` conversions (and `occurrence.stagePassed` past each stage): false
    /// when the scenario enforces staff and a role lacks the hours (the occurrence does not
    /// run), else the hours are taken.
    mutating func staff(_ ref: CampaignRef, branch hostBranch: Int, contacts contactCount: Int, passed: Int) -> Bool {
        guard ref.plan.hasEffort else { return true }
        let occHours = staffing.occurrenceHours
        for r in 0..<roles {
            var hrs = ref.plan.occurrenceHours[r] + Double(contactCount) * ref.plan.contactHours[r]
                + Double(passed) * ref.plan.conversionHours[r]
            for s in 0..<occurrence.stagePassed.count { hrs += Double(occurrence.stagePassed[s]) * ref.plan.stageHours[s * roles + r] }
            occHours[r] = hrs
        }
        if plan.scenario.enforceStaff {
            for r in 0..<roles where occHours[r] > 0 {
                let i = hostBranch * roles + r
                if staffing.used[i] + occHours[r] > plan.availableHours[i] + 1e-9 { return false }
            }
        }
        for r in 0..<roles {
            staffing.used[hostBranch * roles + r] += occHours[r]
            staffing.stepHours[r] += occHours[r]
        }
        return true
    }
}

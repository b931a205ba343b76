import BranchSimModel
import Testing
@testable import BranchSimEngine

/// Staff-driven contacts (issue 14, item 5): `contacts N per ROLE`, and occurrences that
/// staff hours cover only in part under `enforce staff`.
@Suite struct QuotaTests {
    /// 20 calls per FTE, daily (5 a week), 20 minutes a call, no other effort.
    static func calls(staff: Double, meetingHours: Double? = nil) -> Scenario {
        var effortMeeting: [Campaign] = []
        if let h = meetingHours {
            effortMeeting = [Fixtures.campaign("meeting", target: [1], contacts: .count(1),
                                               effort: [Effort(unit: .occurrence, role: 0, minutes: h * 60)])]
        }
        let call = Fixtures.campaign("calls", target: [0], frequency: Rate(count: 1, per: .workday),
                                     contacts: .perRole(20, 0), funnel: [("reach", 1)],
                                     effort: [Effort(unit: .contact, role: 0, minutes: 20)])
        var s = Fixtures.small(customers: 4000, campaigns: effortMeeting + [call], runs: 2, staff: staff)
        s.enforceStaff = true
        return s
    }

    /// 1.5 FTE make 30 calls a day, 150 a week: 50 h of the 60 h on hand, all served.
    @Test func contactsPerFTEOnHand() throws {
        let r = try run(Self.calls(staff: 1.5))
        #expect(r.all("occurrences.calls") == [260, 260])
        #expect(r.all("funnel.calls.contacts") == [7_800, 7_800])
        #expect(r.all("served_in_part.calls") == [0, 0] && r.all("unserved_contacts") == [0, 0])
    }

    /// 1 FTE, 40 h a week; a 10 h meeting first, then 5 days of 20 calls at 20 min (6 h 40
    /// each): Monday to Thursday take 26 h 40, Friday has 3 h 20 left: 10 calls served, 10
    /// not. The old engine dropped Friday whole.
    @Test func anOccurrenceHoursPartlyCoverIsServedInPart() throws {
        let r = try run(Self.calls(staff: 1, meetingHours: 10))
        #expect(r.all("occurrences.calls") == [260, 260])
        #expect(r.all("unserved.calls") == [0, 0])
        #expect(r.all("served_in_part.calls") == [52, 52])
        #expect(r.all("unserved_contacts.calls") == [520, 520])
        #expect(r.all("funnel.calls.contacts") == [52 * 90, 52 * 90])
        #expect(r.all("served_in_part") == [52, 52] && r.all("unserved_contacts") == [520, 520])
        #expect(r.all("staffing.rm.hours").allSatisfy { abs($0 - 52 * 40) < 1e-6 })
    }

    /// Not one call fits: the occurrence is not run, and its contacts count as unserved.
    @Test func noContactFitsLeavesTheOccurrenceUnserved() throws {
        let r = try run(Self.calls(staff: 1, meetingHours: 40))
        #expect(r.all("occurrences.calls") == [0, 0])
        #expect(r.all("unserved.calls") == [260, 260])
        #expect(r.all("unserved_contacts.calls") == [5_200, 5_200])
        #expect(r.all("served_in_part.calls") == [0, 0])
    }

    /// FTE that are not exact in binary still give whole quotas: 20 x 0.35 = 7 a day.
    @Test func fractionalFTERoundsDown() throws {
        var s = Self.calls(staff: 0.35)
        s.enforceStaff = false
        #expect(try run(s).all("funnel.calls.contacts") == [52 * 5 * 7, 52 * 5 * 7])
        var t = Self.calls(staff: 0.49)
        t.enforceStaff = false
        #expect(try run(t).all("funnel.calls.contacts") == [52 * 5 * 9, 52 * 5 * 9])
    }
}

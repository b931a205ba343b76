import Foundation
import Testing

/// The "2053" playbook (issue 14, items 5-7) through the real binary: its expectations
/// hold by arithmetic (the file says how), so every one passes in every replication, on any
/// thread count. The binary before issue 14 refuses the file (`contacts 20 per ROLE`).
@Suite struct QuotaPlaybookTests {
    @Test(arguments: [1, 2])
    func routine2053HoldsByArithmetic(threads: Int) throws {
        let r = try Binary.run(["run", "scenarios/routine-2053.bsim", "--runs", "16", "--threads", "\(threads)"], in: Paths.root)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(!r.stdout.contains("FAIL"))
        for line in ["PASS  expect funnel.call_2053.contacts.min == 15080", "PASS  expect served_in_part.call_2053.max == 52",
                     "PASS  expect unserved_contacts.call_2053.mean == 520"] {
            #expect(r.stdout.contains(line), "missing: \(line)")
        }
        // The funnel table says how many occurrences were served in part and contacts cut.
        #expect(r.stdout.contains("served in part") && r.stdout.contains("contacts unserved"))
        #expect(r.stdout.contains("attribution: call_2053 (mean, by start tier)"))
    }
}

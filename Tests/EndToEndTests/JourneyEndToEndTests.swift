import Foundation
import Testing

/// Journeys through the real binary: a hand-off chain runs, its exact consequences hold,
/// and a bad hand-off is an error at file:line:col with a way forward (exit 2).
@Suite struct JourneyEndToEndTests {
    static let chain = """
        scenario { horizon 8 weeks  runs 40  seed 9 }
        product deposit points 1.0
        product fund points 1.0
        branch main { customers 4000 }
        campaign ai {
          target potential
          frequency weekly
          contacts 100
          funnel reach 100% -> listen 30%
          amount fixed 0
          cooldown 52 weeks
          ends 2 weeks
        }
        campaign second {
          target potential, midhigh where passed ai.listen within 2 weeks and not holds fund
          frequency weekly
          contacts all
          funnel convert 0%
          amount fixed 0
        }
        run

        """

    func write(_ text: String) throws -> URL {
        let url = try Paths.temporaryDirectory().appendingPathComponent("chain.bsim")
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Listeners of weeks 0 and 1 (nobody twice) are each taken in three weekly steps (the
    /// window counts back from the step, both ends included): contacts are exactly 3 x the
    /// listeners, in every replication, so also in the mean, on any number of threads.
    @Test func handOffWithinItsWindow() throws {
        let f = try write(Self.chain + "expect funnel.second.contacts.mean > 0\n")
        let one = try Binary.run(["run", f.path, "--format", "json", "--threads", "1"])
        let two = try Binary.run(["run", f.path, "--format", "json", "--threads", "2"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout == two.stdout)
        let r = try Binary.run(["run", try write(Self.chain + "report funnel\n").path])
        let lines = r.stdout.split(separator: "\n")
        func mean(_ stageLine: String, after header: String) -> Double? {
            guard let h = lines.firstIndex(where: { $0.hasPrefix(header) }) else { return nil }
            guard let l = lines[h...].first(where: { $0.hasPrefix(stageLine) }) else { return nil }
            return Double(l.split(separator: " ", omittingEmptySubsequences: true)[1].replacingOccurrences(of: ",", with: ""))
        }
        let listened = try #require(mean("listen", after: "funnel: ai"))
        let contacted = try #require(mean("contacts", after: "funnel: second"))
        #expect(listened > 0)
        #expect(abs(contacted - 3 * listened) <= 0.2, "\(r.stdout)")  // means printed to 0.1
    }

    @Test func handOffToAnUnknownStageSaysWhereAndWhat() throws {
        let f = try write(Self.chain.replacingOccurrences(of: "passed ai.listen", with: "passed ai.lisen"))
        // `check` exits 1 on errors, `run` 2 (docs/ci.md).
        let c = try Binary.run(["check", f.path])
        #expect(c.status == 1)
        let r = try Binary.run(["run", f.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("chain.bsim:15:42: error: campaign 'ai' has no funnel stage 'lisen' to hand off from"), "\(r.stderr)")
        #expect(r.stderr.contains("help: did you mean 'listen'?"))
    }
}

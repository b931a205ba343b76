import Foundation
import Testing

/// Results at the grain of an outlet: one outlet without staff doing all the work, another
/// with idle staff. Over the network the staff suffice; at the busy outlet they do not.
@Suite struct OutletTests {
    /// `busy` hosts a weekly occurrence taking one wealth manager's whole week (40 of 40
    /// hours: 1.00 FTE in every step) and has no wealth manager; `idle` has two and hosts nothing.
    static let scenario = """
        scenario "one busy outlet, one idle" { horizon 10 weeks  step week  runs 20  seed 1 }
        role wealth_manager hours 40 per week
        branch busy { customers 1000  staff wealth_manager 0 }
        branch idle { customers 1000  staff wealth_manager 2 }
        campaign meet {
          at busy
          target potential
          frequency 1 per week
          contacts 10
          funnel reach 100% -> convert 50%
          amount fixed 1万
          effort occurrence wealth_manager 1 x 40 hours
        }
        run

        """

    static func write(_ text: String) throws -> URL {
        let dir = try Paths.temporaryDirectory()
        let url = dir.appendingPathComponent("outlets.bsim")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func anOutletWithoutStaffIsShortThoughTheNetworkIsNot() throws {
        let file = try Self.write(Self.scenario)
        let out = try Binary.run(["run", file.path, "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        let metrics = try #require(run["metrics"] as? [String: [String: Any]])
        func mean(_ key: String) -> Double? { metrics[key]?["mean"] as? Double }
        // Network: 1 FTE needed, 2 on hand.
        #expect(mean("staffing.wealth_manager.fte") == 1 && mean("staffing.wealth_manager.available") == 2)
        // Per outlet: all of it at `busy`, which has none; nothing at `idle`.
        #expect(mean("staffing.busy.wealth_manager.fte") == 1 && mean("staffing.busy.wealth_manager.available") == 0)
        #expect(mean("staffing.busy.wealth_manager.hours") == 400)
        #expect(mean("staffing.idle.wealth_manager.fte") == 0 && mean("staffing.idle.wealth_manager.available") == 2)
        // Conversions where hosted; upgrades and uplift of the outlet's own customers add up to the network's.
        #expect(mean("outlet.idle.conversions") == 0 && mean("outlet.busy.conversions") == mean("conversions"))
        let up = try #require(mean("outlet.busy.uplift")), upIdle = try #require(mean("outlet.idle.uplift"))
        #expect(abs(up + upIdle - (mean("uplift") ?? .nan)) < 1e-6)
        let rows = try #require(run["outlet_staffing"] as? [[String: Any]])
        let status = Dictionary(uniqueKeysWithValues: rows.map { ("\($0["outlet"]!).\($0["role"]!)", $0["status"] as? String) })
        #expect(status["busy.wealth_manager"] == "short by 1.00 FTE")
        #expect(status["idle.wealth_manager"] == "ok")
    }

    @Test func theTextReportShowsEachOutletNextToTheNetwork() throws {
        let file = try Self.write(Self.scenario)
        let out = try Binary.run(["run", file.path])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n").map(String.init)
        // The network's table: ok.
        #expect(lines.contains { $0.hasPrefix("wealth_manager  400.0") && $0.hasSuffix("2.00  ok") })
        // The outlets': busy short by one FTE, idle ok.
        #expect(lines.contains { $0.hasPrefix("busy    wealth_manager  400.0") && $0.hasSuffix("0.00  short by 1.00 FTE") })
        #expect(lines.contains { $0.hasPrefix("idle    wealth_manager    0.0") && $0.hasSuffix("2.00  ok") })
        #expect(lines.contains { $0.hasPrefix("network ") })
    }
}

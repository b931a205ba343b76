import Foundation
import Testing
import BranchSimModel
@testable import BranchSimReports

/// A decision's extra tables (`calibrate`: the figures at the fitted plan, the best points)
/// appear in the text, JSON and HTML reports, after the main table; a decision without them
/// renders as before.
@Suite struct DecisionTablesTests {
    static func result(tables: Bool) -> DecisionResult {
        var d = DecisionResult(kind: .calibrate, title: "Calibrate to 'seen'", metric: "uplift", unit: .count,
                               columns: ["parameter", "fitted"], rows: [[.text("meet.attend"), .text("50%")]],
                               notes: ["a note"], values: [("calibrate.meet.attend", 0.5)])
        if tables {
            d.tables = [.init(title: "Observed 'seen' at the fitted plan", columns: ["metric", "simulated mean", "95% CI"],
                              rows: [[.text("uplift"), .value(310, .count), .interval(300, 320, .count)]])]
        }
        return d
    }

    @Test func tablesFollowTheMainTableInEveryFormat() throws {
        let text = TextReports.decisionReport(Self.result(tables: true))
        let main = try #require(text.range(of: "Calibrate to 'seen'")), extra = try #require(text.range(of: "Observed 'seen' at the fitted plan"))
        let note = try #require(text.range(of: "a note"))
        #expect(main.lowerBound < extra.lowerBound && extra.lowerBound < note.lowerBound)
        #expect(text.contains("300 .. 320"))
        let plain = TextReports.decisionReport(Self.result(tables: false))
        #expect(!plain.contains("Observed") && plain.hasSuffix("\na note\n"))

        let doc = ReportDocument(decision: Self.result(tables: true))
        let json = try JSONSerialization.jsonObject(with: Data(JSONReport.render(doc).utf8)) as? [String: Any]
        let d = try #require(json?["decision"] as? [String: Any])
        #expect(d["kind"] as? String == "calibrate")
        let tables = try #require(d["tables"] as? [[String: Any]])
        #expect(tables.first?["title"] as? String == "Observed 'seen' at the fitted plan")
        #expect((tables.first?["rows"] as? [[Any]])?.first?.count == 3)
        let none = try JSONSerialization.jsonObject(with: Data(JSONReport.render(ReportDocument(decision: Self.result(tables: false))).utf8))
        #expect(((none as? [String: Any])?["decision"] as? [String: Any])?["tables"] == nil)

        let html = HTMLReport.render(doc, scenario: nil)
        #expect(html.contains("<h3>Observed &#39;seen&#39; at the fitted plan</h3>"))
    }
}

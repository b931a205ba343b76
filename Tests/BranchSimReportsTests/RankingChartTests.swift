import BranchSimModel
import Testing
@testable import BranchSimReports

/// The echelon chart draws each outlet's probabilities as segments of one full-width bar.
@Suite struct RankingChartTests {
    @Test func segmentsAreTheEchelonProbabilities() throws {
        let rows: [(outlet: String, echelons: [Double])] = [("hub", [0.5, 0.25, 0.25, 0, 0]), ("film", [0, 0, 0.1, 0.3, 0.6])]
        let svg = Charts.ranking(rows, title: "Outlets by uplift").render()
        let bars = StaffingChartTests.elements(svg, "rect").filter { $0["height"] == "18" }
        // Zero probabilities draw nothing: 3 + 3 segments.
        #expect(bars.count == 6)
        let widths = bars.compactMap { $0["width"].flatMap(Double.init) }
        let full = widths[0] + widths[1] + widths[2]
        #expect(abs(widths[0] / full - 0.5) < 1e-3 && abs(widths[1] / full - 0.25) < 1e-3)
        #expect(abs(widths[3] + widths[4] + widths[5] - full) < 1e-6, "every bar is 100%")
        #expect(abs(widths[5] / full - 0.6) < 1e-3)
        #expect(svg.contains("hub: E1 50.0%") && svg.contains("film: E5 60.0%"))
    }

    @Test func theTextTableListsOutletsByMeanRank() {
        let k = OutletRanking(metric: "uplift", label: "base", echelons: 2, outlets: ["a", "b"], values: [[1, 2], [1, 3], [4, 3]])
        let text = TextReports.rankingReport(k)
        #expect(text.hasPrefix("rank outlets by uplift: 3 runs, 2 outlets in 2 echelons (rank 1 = highest)\n"))
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("a ") || $0.hasPrefix("b ") }
        #expect(rows.count == 2 && rows[0].hasPrefix("b "), "b ranks first twice in three")
        #expect(rows[0].hasSuffix("66.7%  33.3%") && rows[1].hasSuffix("33.3%  66.7%"), "\(rows)")
    }
}

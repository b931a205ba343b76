import Foundation
import Testing
@testable import BranchSimReports

/// Reads the tornado chart back from its geometry: order of the inputs by swing, and each
/// bar's ends turned back into the metric through the axis ticks.
@Suite struct TornadoChartTests {
    @Test func inputsRankedBySwingAndBarsEndAtTheirValues() throws {
        let rows = [
            Charts.TornadoRow(input: "attend", lowLabel: "30%", highLabel: "50%", low: 80, high: 130),
            Charts.TornadoRow(input: "convert", lowLabel: "-20%", highLabel: "+20%", low: 95, high: 105),
            Charts.TornadoRow(input: "成本", lowLabel: "low", highLabel: "high", low: 120, high: 60),
        ]
        let svg = Charts.tornado(rows, base: 100, unit: .count, metric: "upgrades").render()
        let fte = try StaffingChartTests.scale(svg.replacingOccurrences(of: ",", with: ""))
        // Input labels top to bottom: largest swing first (60, 50, 10).
        let labels = StaffingChartTests.elements(svg, "text").filter { $0["font-weight"] == "600" }
            .sorted { Double($0["y"]!)! < Double($1["y"]!)! }.map { $0["#text"]! }
        #expect(labels == ["成本", "attend", "convert"])
        // Bars (with a tooltip) in drawing order: low then high for each ranked input.
        let bars = StaffingChartTests.elements(svg, "rect").filter { $0["height"] == "18" }
        #expect(bars.count == 6)
        let ends = bars.map { b -> (Double, Double) in
            let x = Double(b["x"]!)!, w = Double(b["width"]!)!
            return (fte(x), fte(x + w))
        }
        let expected: [(Double, Double)] = [(100, 120), (60, 100), (80, 100), (100, 130), (95, 100), (100, 105)]
        for (got, want) in zip(ends, expected) {
            #expect(abs(got.0 - want.0) < 0.05 && abs(got.1 - want.1) < 0.05, "bar \(got) should span \(want)")
        }
    }
}

import BranchSimModel
import Foundation
import Testing
@testable import BranchSimReports

/// Reads `calibrate`'s chart back from its geometry: each figure's strip on its own scale,
/// the observed band, the mean's dot and the verdict where they belong.
@Suite struct CalibrationChartTests {
    static let figures: [DecisionResult.Figure] = [
        .init(metric: "funnel.meet.attend", unit: .count, observedLow: 280, observedHigh: 320, observedLabel: "300 ± 20",
              mean: 303.5, ciLow: 299, ciHigh: 308, low: 276, high: 331, consistent: true),
        .init(metric: "potential_share", unit: .share, observedLow: 0.8, observedHigh: .infinity, observedLabel: ">= 80.0%",
              mean: 0.7, ciLow: 0.69, ciHigh: 0.71, low: 0.66, high: 0.74, consistent: false),
    ]

    /// The strip of row `i`: its tick labels (text at the row's tick line) as a scale.
    static func scale(_ svg: String, row: Int, parse: (String) -> Double?) throws -> (Double) -> Double {
        let mid = 36.0 + Double(row) * 58 + 16
        let ticks = StaffingChartTests.elements(svg, "text").compactMap { t -> (Double, Double)? in
            guard t["text-anchor"] == "middle", Double(t["y"] ?? "") == mid + 26, let s = t["#text"], let v = parse(s),
                  let x = t["x"].flatMap(Double.init) else { return nil }
            return (x, v)
        }
        let a = try #require(ticks.first), b = try #require(ticks.last)
        try #require(b.1 > a.1)
        return { px in a.1 + (px - a.0) * (b.1 - a.1) / (b.0 - a.0) }
    }

    @Test func eachFigureOnItsOwnScaleWithItsBandMeanAndVerdict() throws {
        let svg = Charts.calibration(Self.figures, title: "Observed figures").render()
        let count = try Self.scale(svg, row: 0) { Double($0.replacingOccurrences(of: ",", with: "")) }
        // Percent tick labels ("80%") on the share's strip.
        let share = try Self.scale(svg, row: 1) { $0.hasSuffix("%") ? Double($0.dropLast()).map { $0 / 100 } : nil }
        let dots = StaffingChartTests.elements(svg, "circle")
        #expect(dots.count == 2)
        #expect(abs(count(Double(dots[0]["cx"]!)!) - 303.5) < 0.05)
        #expect(abs(share(Double(dots[1]["cx"]!)!) - 0.7) < 0.0005)
        // Bands: the first spans 280..320; the bound runs from 80% to the strip's right end.
        let bands = StaffingChartTests.elements(svg, "rect").filter { $0["fill-opacity"] == "0.3" }
        #expect(bands.count == 2)
        let b0 = (Double(bands[0]["x"]!)!, Double(bands[0]["x"]!)! + Double(bands[0]["width"]!)!)
        #expect(abs(count(b0.0) - 280) < 0.05 && abs(count(b0.1) - 320) < 0.05)
        #expect(abs(share(Double(bands[1]["x"]!)!) - 0.8) < 0.0005)
        let texts = StaffingChartTests.elements(svg, "text").compactMap { $0["#text"] }
        #expect(texts.contains("consistent") && texts.contains("NOT consistent"))
        #expect(texts.contains("funnel.meet.attend") && texts.contains("potential_share"))
    }

    @Test func shareTicksArePercentages() {
        #expect(Axis.nice(0.78, 0.88, count: 5).labels(unit: .share) == ["78%", "80%", "82%", "84%", "86%", "88%"])
    }
}

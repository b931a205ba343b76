import Foundation
import Testing
@testable import BranchSimReports

/// Reads the staffing chart's drawn numbers back from its geometry: the axis ticks give the
/// scale, and each bar, whisker and on-hand mark is turned back into FTE.
@Suite struct StaffingChartTests {
    /// `name="value"` of the first `<tag ...>` elements whose attributes contain `where`.
    static func elements(_ svg: String, _ tag: String) -> [[String: String]] {
        var out: [[String: String]] = []
        var rest = svg[...]
        while let start = rest.range(of: "<\(tag) ") {
            let end = rest.range(of: ">", range: start.upperBound..<rest.endIndex)!
            let body = rest[start.upperBound..<end.lowerBound]
            var attrs: [String: String] = [:]
            var scan = body[...]
            while let eq = scan.range(of: "=\"") {
                let name = scan[scan.startIndex..<eq.lowerBound].trimmingCharacters(in: .whitespaces)
                let close = scan.range(of: "\"", range: eq.upperBound..<scan.endIndex)!
                attrs[name] = String(scan[eq.upperBound..<close.lowerBound])
                scan = scan[close.upperBound...]
            }
            if tag == "text", let closeTag = rest.range(of: "</text>", range: end.upperBound..<rest.endIndex) {
                attrs["#text"] = String(rest[end.upperBound..<closeTag.lowerBound])
            }
            out.append(attrs)
            rest = rest[end.upperBound...]
        }
        return out
    }

    /// The chart's x scale from two numeric tick labels: FTE at a pixel.
    static func scale(_ svg: String) throws -> (Double) -> Double {
        let ticks = elements(svg, "text").compactMap { t -> (Double, Double)? in
            guard t["text-anchor"] == "middle", let s = t["#text"], let v = Double(s), let x = t["x"].flatMap(Double.init)
            else { return nil }
            return (x, v)
        }
        let a = try #require(ticks.first), b = try #require(ticks.last)
        try #require(b.1 > a.1)
        return { px in a.1 + (px - a.0) * (b.1 - a.1) / (b.0 - a.0) }
    }

    @Test func barsWhiskersAndMarksDrawTheReportedNumbers() throws {
        // Mean 2.0 FTE of which 0.8 is the managed book (already inside the mean), p95 2.9, 3 on hand.
        let row = TextReports.StaffingRow(role: "wealth_manager", hours: 500, fteMean: 2.0, fteP95: 2.9, peakFTE: 3.1,
                                          managedFTE: 0.8, available: 3)
        let svg = Charts.staffing([(label: "plan", rows: [row])], title: "staff").render()
        let fte = try Self.scale(svg)
        let bars = Self.elements(svg, "rect").filter { $0["fill-opacity"] == nil && $0["height"] == "16" }
        let bar = try #require(bars.first)
        let barLeft = try #require(bar["x"].flatMap(Double.init)), barWidth = try #require(bar["width"].flatMap(Double.init))
        #expect(abs(fte(barLeft)) < 0.01, "bar starts at 0 FTE")
        #expect(abs(fte(barLeft + barWidth) - 2.0) < 0.01, "bar is the mean FTE, not mean + managed (\(fte(barLeft + barWidth)))")
        // The whisker's cap (the short vertical line) stands at p95; the thick mark at the FTE on hand.
        let lines = Self.elements(svg, "line").compactMap { l -> (x: Double, width: String)? in
            guard let x1 = l["x1"].flatMap(Double.init), l["x1"] == l["x2"], l["y1"] != l["y2"] else { return nil }
            return (x1, l["stroke-width"] ?? "1")
        }
        let marks = lines.filter { $0.width == "2.5" }
        let caps = lines.filter { $0.width == "1" && fte($0.x) > 0.5 && abs(fte($0.x) - fte(barLeft + barWidth)) > 0.01 }
        #expect(marks.count == 1 && abs(fte(marks[0].x) - 3) < 0.01, "on-hand mark at 3 FTE")
        #expect(caps.contains { abs(fte($0.x) - 2.9) < 0.01 }, "whisker cap at p95 2.9 FTE")
        // The bar never reaches past its own p95.
        #expect(fte(barLeft + barWidth) <= 2.9)
    }
}

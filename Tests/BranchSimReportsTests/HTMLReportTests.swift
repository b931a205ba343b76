import BranchSimModel
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import BranchSimReports

@Suite struct HTMLReportTests {
    static let doc = SampleData.document(reps: 40)
    static let html = HTMLReport.render(doc, scenario: SampleData.scenario())

    static func svgs(_ html: String) -> [String] {
        var out: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            out.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return out
    }

    /// Writes the sample workshop report to `$BRANCHSIM_SAMPLE_HTML` when set (for tests/html-screenshot.sh).
    @Test func sampleWorkshopReport() throws {
        guard let path = ProcessInfo.processInfo.environment["BRANCHSIM_SAMPLE_HTML"] else { return }
        let html = HTMLReport.render(SampleData.document(top: "私行"), scenario: SampleData.scenario(top: "私行"))
        try html.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func everySVGIsClosedAndWellFormedXML() throws {
        let html = Self.html
        let opened = html.components(separatedBy: "<svg ").count - 1
        let closed = html.components(separatedBy: "</svg>").count - 1
        #expect(opened == closed)
        let charts = Self.svgs(html)
        #expect(charts.count == opened)
        for svg in charts {
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "") in \(svg.prefix(200))")
        }
    }

    @Test func chartCountForComparisonAndSweep() {
        // Comparison of 2 variants: uplift histogram, AUM fan, uplift fan, staffing, 2 funnels, 2 migration maps;
        // sweep over 8 metric keys of which 2 are zero everywhere: 6 line charts.
        let charts = Self.svgs(Self.html)
        #expect(charts.count == 1 + 1 + 1 + 1 + 2 + 2 + 6)
        #expect(Self.html.contains("Zero at every value: <code>uplift.longtail</code>"))
        // Each chart draws something.
        for svg in charts { #expect(svg.contains("<rect") || svg.contains("<polyline") || svg.contains("<polygon")) }
        // Without comparison or sweep: the run's own charts only.
        let single = HTMLReport.render(ReportDocument(runs: [Self.doc.runs[0]]), scenario: nil)
        #expect(Self.svgs(single).count == 1 + 1 + 1 + 1 + 2 + 1)
        #expect(!single.contains("id=\"comparison\"") && !single.contains("id=\"sweep\""))
    }

    @Test func fanChartsSayWhichRunsTheySummarise() {
        // Every run keeps its series: "of runs". Runs past the kept ones (as after
        // `RunResult.seriesReplications`) have none: the notes name the first ones.
        #expect(Self.html.contains("band: p5-p95 of runs"))
        var r = Fixtures.run(reps: 6)
        for i in 4..<6 { r.replications[i].series = [] }
        let html = HTMLReport.render(ReportDocument(runs: [r]), scenario: Fixtures.scenario())
        #expect(html.contains("band: p5-p95 of the first 4 runs"))
        #expect(!html.contains("band: p5-p95 of runs"))
        #expect(r.seriesBands("aum")?.first?.n == 4)
    }

    @Test func escapesNamesAndKeepsCJKLabels() {
        let html = Self.html
        #expect(!html.contains("<&\"VIP\">"))
        #expect(html.contains("私行 &lt;&amp;&quot;VIP&quot;&gt;"))
        #expect(html.contains(">潜力</text>"))
        #expect(html.contains("财富升级会"))
        #expect(html.contains("万</text>"))  // money axes in 万
        #expect(html.contains("\"Noto Sans CJK SC\""))
        #expect(XML.escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
        // One escaper for HTML, SVG and JUnit XML: line breaks survive in attributes, and
        // characters XML 1.0 forbids are dropped.
        #expect(XML.escape("a\nb\tc\u{1}d\u{FFFE}") == "a&#10;b&#9;cd")
    }

    @Test func selfContainedWithPrintStyles() {
        let html = Self.html
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("src="))
        #expect(!html.contains("url("))
        #expect(!html.contains("@import"))
        // The only URL is the SVG namespace.
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http") == false)
        #expect(html.contains("@media print"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
    }

    @Test func deterministic() {
        #expect(HTMLReport.render(Self.doc, scenario: SampleData.scenario()) == Self.html)
    }

    @Test func summaryComparisonAndExpectations() {
        let html = Self.html
        #expect(html.contains("<span class=\"pass\">PASS</span>"))
        #expect(html.contains("potential-upgrade.bsim:58:1"))
        #expect(html.contains("Common random numbers"))
        #expect(html.contains("base − standalone"))
        #expect(html.contains("Zero in every run of every variant: <code>uplift.longtail</code>"))
        // Charts come before the detailed comparison table, the scenario last.
        let charts = html.range(of: "id=\"charts\"")!.lowerBound, table = html.range(of: "id=\"comparison\"")!.lowerBound
        #expect(charts < table && table < html.range(of: "id=\"scenario\"")!.lowerBound)
        #expect(html.contains("5万 – 20万"))
        let sweepOnly = HTMLReport.render(ReportDocument(sweep: Self.doc.sweep), scenario: nil)
        #expect(sweepOnly.contains("<td>contacts = 40</td>"))
        #expect(Self.svgs(sweepOnly).count == 6)
        let empty = HTMLReport.render(ReportDocument(), scenario: nil)
        #expect(empty.contains("Nothing has been run."))
        #expect(Self.svgs(empty).isEmpty)
    }
}

@Suite struct ChartEdgeCaseTests {
    /// One replication, every value zero, a NaN here and there: charts still draw valid SVG.
    @Test func degenerateRunsDrawValidCharts() throws {
        var flat = Fixtures.run(reps: 1)
        for i in flat.replications[0].values.indices { flat.replications[0].values[i] = 0 }
        flat.replications[0].values[2] = .nan  // uplift
        flat.replications[0].series = flat.replications[0].series.map { _ in 0 }
        let empty = RunResult(label: "empty", title: "t", seed: 1, steps: 4, stepUnit: "week", metrics: flat.metrics,
                              series: flat.series, replications: [], availableFTE: [:])
        let doc = ReportDocument(comparison: ComparisonResult(runs: [flat, empty], metrics: ["uplift", "funnel"],
                                                              independent: true))
        let html = HTMLReport.render(doc, scenario: nil)
        let charts = HTMLReportTests.svgs(html)
        #expect(charts.count >= 4)
        for svg in charts {
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse())
            #expect(!svg.contains("nan") && !svg.contains("inf\""), "non-finite coordinate in \(svg.prefix(120))")
        }
        #expect(Charts.histogram([], unit: .money, xTitle: "x", title: "t").render().contains("no values"))
        #expect(Charts.fan([], unit: .money, stepUnit: "week", title: "t").render().contains("no series"))
        #expect(Charts.sweepLine([], unit: .count, metric: "m", xTitle: "x").render().contains("no values"))
        // Equal values make one narrow bin, not a division by zero.
        let same = Charts.histogram([("a", [5, 5, 5])], unit: .count, xTitle: "x", title: "t").render()
        #expect(same.contains("<polygon"))
    }

    @Test func svgNumbersAreCompact() {
        #expect(SVG.num(12) == "12")
        #expect(SVG.num(12.345) == "12.35")
        #expect(SVG.num(-0.001) == "0")
        #expect(SVG.num(.nan) == "0")
        #expect(Charts.heat(0) == "#f3f6fb" && Charts.heat(1) == "#08306b")
    }
}

@Suite struct AxisTests {
    @Test func niceSteps() {
        #expect(Axis.niceStep(0.9) == 1)
        #expect(Axis.niceStep(1.7) == 2)
        #expect(Axis.niceStep(2.2) == 2.5)
        #expect(Axis.niceStep(3.1) == 5)
        #expect(Axis.niceStep(730) == 1000)
        #expect(Axis.niceStep(0.031) == 0.05)
    }

    @Test func ticksCoverTheRange() {
        let a = Axis.nice(3, 97, count: 5)
        #expect(a.ticks == [0, 20, 40, 60, 80, 100])
        let z = Axis.nice(40, 60, count: 4, includeZero: true)
        #expect(z.ticks.first == 0 && z.ticks.last! >= 60)
        let flat = Axis.nice(5, 5)
        #expect(flat.low < 5 && flat.high > 5)
    }

    @Test func moneyLabelsInWanAndYi() {
        let a = Axis.nice(0, 30_000_000, count: 3)
        #expect(a.labels(unit: .money) == ["0万", "1,000万", "2,000万", "3,000万"])
        let b = Axis.nice(4_100_000_000, 4_300_000_000, count: 4)
        #expect(b.labels(unit: .money) == ["41.0亿", "41.5亿", "42.0亿", "42.5亿", "43.0亿"])
        #expect(Axis.nice(0, 50_000, count: 5).labels(unit: .money).last == "50,000")
        #expect(Axis.nice(0, 1, count: 4).labels(unit: .fte) == ["0.00", "0.25", "0.50", "0.75", "1.00"])
    }
}

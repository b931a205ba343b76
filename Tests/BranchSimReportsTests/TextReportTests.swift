import BranchSimModel
import Foundation
import Testing
@testable import BranchSimReports

@Suite struct TextReportTests {
    let run = Fixtures.run()

    /// The engine says how a run stopped as a value; the reports put it in words (the header,
    /// JSON's `stopping`, the HTML run table), and saved results keep the value.
    @Test func stoppingIsRenderedByTheReports() throws {
        #expect(TextReports.stoppingText(.fixed) == "fixed")
        let reached = Stopping.precision(metric: "uplift", relativeHalfWidth: 0.02, cap: 1000, reachedAfter: 300)
        let capped = Stopping.precision(metric: "aum.end.mean", relativeHalfWidth: 0.0001, cap: 150, reachedAfter: nil)
        #expect(TextReports.stoppingText(reached) == "until uplift within 2%: reached after 300")
        #expect(TextReports.stoppingText(capped) == "until aum.end.mean within 0.01%: cap 150 reached")
        var r = run
        r.stopping = reached
        #expect(TextReports.header(r).contains("runs (until uplift within 2%: reached after 300), seed"))
        for s in [Stopping.fixed, reached, capped] {
            let data = try JSONEncoder().encode([s])
            #expect(try JSONDecoder().decode([Stopping].self, from: data) == [s])
        }
        #expect(String(decoding: try JSONEncoder().encode([Stopping.fixed]), as: UTF8.self) == "[\"fixed\"]")
        // Results saved before the value existed said it in words: read back, the same words.
        for words in ["until uplift within 2%: reached after 300", "until aum.end.mean within 0.01%: cap 150 reached"] {
            let back = try JSONDecoder().decode([Stopping].self, from: Data("[\"\(words)\"]".utf8))
            #expect(TextReports.stoppingText(back[0]) == words)
        }
    }

    @Test func funnelLayoutWithPassingShares() {
        let text = TextReports.runReport(run, selectors: ["funnel"])
        let expected = """
            funnel: 财富升级会
            stage        mean  passing    p5   p95
            -----------  ----  -------  ----  ----
            contacts     80.0           80.0  80.0
            reach        60.0    75.0%  60.0  60.0
            attend       30.0    50.0%  30.0  30.0
            convert      13.5    45.0%  12.2  14.8
            -----------  ----  -------  ----  ----
            occurrences   8.0            8.0   8.0
            conversions   0.0            0.0   0.0
            turned away   0.0            0.0   0.0
            unserved      0.0            0.0   0.0

            """
        #expect(text == expected)
        // `funnel.CAMPAIGN` picks one campaign with the same layout.
        #expect(TextReports.runReport(run, selectors: ["funnel.财富升级会"]) == expected)
    }

    /// One format per column: counts formatted value by value mixed `1,324` and `1,447.0`.
    @Test func eachColumnHasOneFormat() {
        let mixed = ColumnFormat(units: .yuan, values: [(1324, .count), (1447.04, .count), (5_000_000, .money), (2.5, .fte)])
        #expect([mixed.value(1324, unit: .count), mixed.value(1447.04, unit: .count)] == ["1,324.0", "1,447.0"])
        #expect(mixed.value(5_000_000, unit: .money) == "5,000,000" && mixed.value(2.5, unit: .fte) == "2.50")
        #expect(mixed.interval(1300, 1350.5, unit: .count) == "1,300.0 .. 1,350.5")
        let whole = ColumnFormat(units: .wan, values: [(1324, .count), (7, .count), (12_345, .money)])
        #expect([whole.value(1324, unit: .count), whole.value(7, unit: .count)] == ["1,324", "7"])
        #expect(whole.value(12_345, unit: .money) == "1.23万")
        let hours = ColumnFormat(units: .yuan, values: [(1234.4, .hours), (999.5, .hours)])
        #expect([hours.value(1234.4, unit: .hours), hours.value(999.5, unit: .hours)] == ["1,234.4", "999.5"])
        let manyHours = ColumnFormat(units: .yuan, values: [(1234.4, .hours), (2000, .hours)])
        #expect(manyHours.value(1234.4, unit: .hours) == "1,234")
        #expect(ColumnFormat(units: .yuan, values: [(.nan, .count), (3, .count)]).value(.nan, unit: .count) == "n/a")
    }

    @Test func staffingStatusFlagsShortfallAtP95() {
        let text = TextReports.runReport(run, selectors: ["staffing"])
        let expected = """
            staffing (FTE needed vs on hand)
            role            hours  FTE mean  FTE p95  peak FTE  managed FTE  available  status
            --------------  -----  --------  -------  --------  -----------  ---------  -----------------
            wealth_manager  300.0      2.25     2.92      3.00         0.00       2.00  short by 0.92 FTE
            大堂经理        100.0      0.50     0.50      0.80         0.00       1.00  ok

            """
        #expect(text == expected)
        let rows = TextReports.staffingRows(run)
        #expect(abs(rows[0].fteP95 - 2.925) < 1e-12)
        #expect(rows[1].status == "ok")
    }

    @Test func genericTableInWan() {
        let text = TextReports.runReport(run, selectors: ["uplift.downtown", "upgrades.潜力_to_中高端"],
                                         options: ReportOptions(units: .wan))
        #expect(text == """
            uplift.downtown
            metric             mean            95% CI      p5     p50     p95
            ---------------  ------  ----------------  ------  ------  ------
            uplift.downtown  0.00万  0.00万 .. 0.00万  0.00万  0.00万  0.00万

            upgrades.潜力_to_中高端
            metric                   mean  95% CI  p5  p50  p95
            -----------------------  ----  ------  --  ---  ---
            upgrades.潜力_to_中高端     0  0 .. 0   0    0    0

            """)
    }

    @Test func upgradesShowMigrationMatrix() {
        let text = TextReports.runReport(run, selectors: ["upgrades"])
        #expect(text.hasPrefix("""
            tier migration (mean customers, start tier x end tier)
            start \\ end  longtail  潜力  中高端  left
            -----------  --------  ----  ------  ----
            longtail          900   0.0     0.0     0
            潜力                0  58.5    11.5     0
            中高端              0   0.0    20.0     0

            upgrades
            """))
        #expect(text.contains("upgrades                     11.5  9.4 .. 13.6  10.2  11.5  12.8\n"))
    }

    @Test func statisticPathShowsItsMetric() {
        #expect(TextReports.runReport(run, selectors: ["upgrades.p95"]).hasPrefix("upgrades.p95\nmetric    mean"))
    }

    @Test func colourOnlyOnTerminalsWithoutNoColor() {
        #expect(!ReportOptions.colourWanted(environment: ["TERM": "xterm", "NO_COLOR": "1"]))
        #expect(!ReportOptions.colourWanted(environment: ["TERM": "dumb"]))
        #expect(!ReportOptions.colourWanted(environment: [:]))
        // A pipe is never a terminal.
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        #expect(!ReportOptions.colourWanted(fd: fds[1], environment: ["TERM": "xterm"]))
        close(fds[0]); close(fds[1])
    }

    @Test func unknownSelectorSaysWhatToDo() {
        #expect(TextReports.runReport(run, selectors: ["nope"]).contains("nope: no such metric in this run"))
    }

    @Test func defaultReportHeadlines() {
        let text = TextReports.defaultReport(run)
        #expect(text.hasPrefix("潜力客户 upgrade\n4 runs (fixed), seed 42, 4 weeks\n\nmetric "))
        #expect(text.contains("\nuplift             2,500,000        445,740 .. 4,554,260    1,150,000    2,500,000    3,850,000\n"))
        #expect(text.contains("\nuplift_per_cost       208.33"))
        #expect(text.contains("staffing (FTE needed vs on hand)"))
        for key in ["aum.start", "aum.end", "upgrades", "conversions", "new_customers", "cost"] {
            #expect(text.contains("\n\(key) "), "missing \(key)")
        }
    }

    @Test func comparisonPairsLaterMinusFirst() {
        let c = ComparisonResult(runs: [Fixtures.run(label: "standalone"), Fixtures.run(label: "base", shift: 500_000),
                                        Fixtures.run(label: "多", shift: -100_000)],
                                 metrics: ["uplift.longtail", "uplift"], independent: false)
        let text = TextReports.comparisonReport(c)
        let expected = """
            compare standalone, base, 多: common random numbers, 4 paired runs

            metric  variant                 mean                95% CI  P(> standalone)
            ------  -----------------  ---------  --------------------  ---------------
            uplift  standalone         2,500,000  445,740 .. 4,554,260
                    base               3,000,000  945,740 .. 5,054,260
                    多                 2,400,000  345,740 .. 4,454,260
                    base - standalone    500,000    500,000 .. 500,000           100.0%
                    多 - standalone     -100,000  -100,000 .. -100,000             0.0%
            zero in every run: uplift.longtail, uplift.downtown, uplift.潜力, uplift.中高端

            """
        // Selectors expand in the order written, each key once (uplift.longtail is not repeated);
        // metrics that are zero in every run of every variant go on one line, not in the table.
        #expect(text == expected)
        #expect(text.components(separatedBy: "uplift.longtail").count == 2)
        let independent = ComparisonResult(runs: c.runs, metrics: ["uplift"], independent: true)
        #expect(TextReports.comparisonReport(independent).hasPrefix("compare standalone, base, 多: independent runs, 4 each"))
    }

    @Test func comparisonWithADroppedCampaign() {
        var noCampaign = Fixtures.scenario()
        noCampaign.campaigns = []
        let c = ComparisonResult(runs: [Fixtures.run(noCampaign, label: "standalone"), Fixtures.run(label: "base")],
                                 metrics: ["occurrences"], independent: false)
        #expect(c.expandedMetrics == ["occurrences.财富升级会"])
        #expect(TextReports.comparisonReport(c) == """
            compare standalone, base: common random numbers, 4 paired runs

            metric                  variant     mean  95% CI  P(> standalone)
            ----------------------  ----------  ----  ------  ---------------
            occurrences.财富升级会  standalone   n/a
                                    base           8  8 .. 8

            """)
    }

    @Test func sweepGroupsValuesByMetric() {
        let text = TextReports.sweepReport(path: "campaign.财富升级会.contacts",
                                           points: [("20", Fixtures.run()), ("40", Fixtures.run(shift: 100_000))],
                                           metrics: ["cost"])
        #expect(text == """
            sweep campaign.财富升级会.contacts: 2 values, 4 runs each

            metric  contacts    mean            95% CI      p5     p95
            ------  --------  ------  ----------------  ------  ------
            cost    20        12,000  12,000 .. 12,000  12,000  12,000
                    40        12,000  12,000 .. 12,000  12,000  12,000
            zero in every run: cost.财富升级会

            """)
    }

    @Test func expectationLines() {
        let e = Expectation(path: MetricPath(metric: "uplift", statistic: .mean), condition: .compare(.greater, 0),
                            text: "uplift.mean > 0")
        let here = SourceLocation(file: "plan.bsim", line: 58, column: 1)
        #expect(TextReports.expectationLine(e, measured: 1_234_567, interval: (1_100_000, 1_350_000), passed: true,
                                            location: here)
                == "PASS  uplift.mean > 0  measured 1,234,567 (95% CI 1,100,000 .. 1,350,000)")
        #expect(TextReports.expectationLine(e, measured: -5, interval: nil, passed: false, location: here)
                == "FAIL  uplift.mean > 0  measured -5  at plan.bsim:58:1")
        let fte = Expectation(path: MetricPath(metric: "staffing.wealth_manager.fte", statistic: .p95),
                              condition: .compare(.lessOrEqual, 2), text: "staffing.wealth_manager.fte.p95 <= 2")
        let coloured = TextReports.expectationLine(fte, measured: 2.314, interval: nil, passed: false, location: here,
                                                   options: ReportOptions(colour: true))
        #expect(coloured == "\u{1B}[1;31mFAIL\u{1B}[0m  staffing.wealth_manager.fte.p95 <= 2  measured 2.31  at plan.bsim:58:1")
        let wan = TextReports.expectationLine(e, measured: 1_234_567, interval: nil, passed: true, location: here,
                                              options: ReportOptions(units: .wan))
        #expect(wan == "PASS  uplift.mean > 0  measured 123.46万")
    }
}

@Suite struct AttributionReportTests {
    /// A run whose attribution metrics are set by hand (the same in every replication).
    static func run(_ values: [String: Double]) -> RunResult {
        var r = Fixtures.run(reps: 4)
        for (k, v) in values {
            guard let i = r.metricIndex(k) else { Issue.record("no metric \(k)"); continue }
            for j in r.replications.indices { r.replications[j].values[i] = v }
        }
        return r
    }

    /// "300 attended, 84% from the potential tier, 1,900万 subscribed" read off one table:
    /// a row per start tier that was contacted, the total, then each tier's share.
    @Test func attributionTableByStartTier() {
        let c = "财富升级会"
        var v: [String: Double] = ["subscribed.\(c)": 19_000_000, "upgraded.\(c)": 40, "conversions.\(c)": 100]
        for (stage, total, potential) in [("contacts", 1_000.0, 800.0), ("reach", 700, 600),
                                          ("attend", 300, 252), ("convert", 100, 90)] {
            v["funnel.\(c).\(stage)"] = total
            v["funnel.\(c).\(stage).潜力"] = potential
            v["funnel.\(c).\(stage).longtail"] = total - potential
        }
        v["conversions.\(c).潜力"] = 90
        v["conversions.\(c).longtail"] = 10
        v["subscribed.\(c).潜力"] = 17_000_000
        v["subscribed.\(c).longtail"] = 2_000_000
        let text = TextReports.runReport(Self.run(v), selectors: ["attribution.\(c)"])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "attribution: \(c) (mean, by start tier); customers lifted a tier: 40")
        #expect(lines.contains { $0.hasPrefix("潜力 ") && $0.contains("252") && $0.contains("17,000,000") })
        #expect(lines.contains { $0.hasPrefix("all ") && $0.contains("300") && $0.contains("19,000,000") })
        #expect(lines.contains { $0.hasPrefix("潜力 share") && $0.contains("84.0%") && $0.contains("89.5%") })
        #expect(!lines.contains { $0.hasPrefix("中高端") })
        // A bare `funnel` keeps the funnel's own layout: no by-tier rows.
        #expect(!TextReports.runReport(Self.run(v), selectors: ["funnel"]).contains("contacts.潜力"))
    }
}

import BranchSimModel
import Foundation
import Testing
@testable import BranchSimReports

@Suite struct JSONReportTests {
    static func document() -> ReportDocument {
        let base = Fixtures.run()
        let variant = Fixtures.run(label: "standalone", shift: -250_000)
        let e = Expectation(path: MetricPath(scope: .compareDiff, metric: "uplift", statistic: .mean),
                            condition: .compare(.greater, 0), text: "compare.uplift.diff.mean > 0")
        return ReportDocument(
            runs: [base],
            comparison: ComparisonResult(runs: [variant, base], metrics: ["uplift", "staffing"], independent: false),
            sweep: SweepResult(path: "campaign.财富升级会.contacts",
                               points: [.init(label: "20", value: 20, result: Fixtures.run()),
                                        .init(label: "40", value: nil, result: Fixtures.run(shift: 1))],
                               metrics: ["cost"]),
            expectations: [ExpectationOutcome(expectation: e, measured: 250_000, interval: (250_000, 250_000), passed: true,
                                              location: SourceLocation(file: "plan.bsim", line: 9, column: 1))])
    }

    static func parse(_ s: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])
    }

    /// `runs` holds every sweep point (else every variant), labelled, not only the last one.
    @Test func runsHoldEveryVariantAndSweepPoint() throws {
        let doc = Self.document()
        let swept = try #require(Self.parse(JSONReport.render(doc))["runs"] as? [[String: Any]])
        #expect(swept.map { $0["point"] as? String } == ["20", "40"])
        #expect(swept.allSatisfy { $0["path"] as? String == "campaign.财富升级会.contacts" })
        let compared = ReportDocument(comparison: doc.comparison)
        let runs = try #require(Self.parse(JSONReport.render(compared))["runs"] as? [[String: Any]])
        #expect(runs.map { $0["variant"] as? String } == ["standalone", "base"])
        #expect(runs.allSatisfy { ($0["metrics"] as? [String: Any])?["migration.潜力.中高端"] != nil })
    }

    @Test func validAndComplete() throws {
        let json = try Self.parse(JSONReport.render(Self.document()))
        #expect(json["schema"] as? String == "branchsim.result/1")
        #expect(json["scenario"] as? String == "潜力客户 upgrade")
        // This document ends with a sweep, so its runs are the sweep's points
        // (runsHoldEveryVariantAndSweepPoint); a plain run's fields are read from one alone.
        #expect((json["runs"] as? [[String: Any]])?.count == 2)
        let plain = try Self.parse(JSONReport.render(ReportDocument(runs: [Fixtures.run()])))
        let runs = try #require(plain["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let run = runs[0]
        #expect(run["label"] as? String == "base")
        #expect(run["seed"] as? Int == 42)
        #expect(run["replications"] as? Int == 4)
        #expect(run["steps"] as? Int == 4)
        #expect(run["stopping"] as? String == "fixed")
        let metrics = try #require(run["metrics"] as? [String: [String: Any]])
        #expect(metrics.count == Fixtures.run().metrics.count)
        let uplift = try #require(metrics["uplift"])
        #expect(uplift["mean"] as? Double == 2_500_000)
        #expect(uplift["n"] as? Int == 4)
        #expect(uplift["unit"] as? String == "money")
        for k in ["sd", "ci_low", "ci_high", "p5", "p50", "p95", "min", "max"] { #expect(uplift[k] is Double, "\(k)") }
        #expect((run["metric_order"] as? [String])?.first == "aum.start")
        let series = try #require(run["series"] as? [String: [[String: Any]]])
        let aum = try #require(series["aum"])
        #expect(aum.count == 4)
        #expect(aum[0]["step"] as? Int == 1)
        for k in ["p5", "p50", "p95", "mean"] { #expect(aum[0][k] is Double) }

        let c = try #require(json["comparison"] as? [String: Any])
        #expect(c["independent"] as? Bool == false)
        #expect(c["variants"] as? [String] == ["standalone", "base"])
        let cm = try #require(c["metrics"] as? [String: [String: Any]])
        #expect(cm["staffing.wealth_manager.fte"] != nil)
        let cu = try #require(cm["uplift"])
        let diffs = try #require(cu["diffs"] as? [[String: Any]])
        #expect((diffs[0]["diff"] as? [String: Any])?["mean"] as? Double == 250_000)
        #expect(diffs[0]["prob_better"] as? Double == 1)
        #expect(diffs[0]["later"] as? String == "base")
        #expect((cu["variants"] as? [[String: Any]])?.map { $0["label"] as? String } == ["standalone", "base"])

        let sweep = try #require(json["sweep"] as? [String: Any])
        let points = try #require(sweep["points"] as? [[String: Any]])
        #expect(points.count == 2)
        #expect(points[0]["value"] as? Int == 20)
        #expect(points[1]["value"] is NSNull)
        #expect(((points[0]["metrics"] as? [String: Any])?["cost"] as? [String: Any])?["mean"] as? Int == 12_000)

        let ex = try #require((json["expectations"] as? [[String: Any]])?.first)
        #expect(ex["text"] as? String == "compare.uplift.diff.mean > 0")
        #expect(ex["passed"] as? Bool == true)
        #expect(ex["file"] as? String == "plan.bsim")
        #expect(ex["line"] as? Int == 9)
        #expect(ex["measured"] as? Int == 250_000)
    }

    @Test func stableBytes() {
        let a = JSONReport.render(Self.document()), b = JSONReport.render(Self.document())
        #expect(a == b)
        // Top-level keys are sorted.
        let order = ["\"comparison\"", "\"expectations\"", "\"runs\"", "\"scenario\"", "\"schema\"", "\"sweep\""]
            .map { a.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
    }

    @Test func nanAndInfinityBecomeNull() throws {
        var r = Fixtures.run(reps: 1)  // one replication: sd 0, but add non-finite values
        r.replications[0].values[0] = .nan
        r.replications[0].values[1] = .infinity
        let text = JSONReport.render(ReportDocument(runs: [r]))
        #expect(!text.contains("nan") && !text.contains("inf"))
        let json = try Self.parse(text)
        let m = try #require(((json["runs"] as? [[String: Any]])?.first?["metrics"]) as? [String: [String: Any]])
        #expect(m["aum.start"]?["mean"] is NSNull)
        #expect(m["aum.end"]?["mean"] is NSNull)
        let empty = try Self.parse(JSONReport.render(ReportDocument()))
        #expect(empty["comparison"] is NSNull)
        #expect((empty["runs"] as? [Any])?.isEmpty == true)
    }

    @Test func writerEscapesAndFormats() {
        let v = JSONValue.object(["b": .array([.number(1.5), .number(-0.0), .number(1e-7), .null]),
                                  "a": .string("q\"\\\n\u{1}万")])
        #expect(v.rendered() == "{\n  \"a\": \"q\\\"\\\\\\n\\u0001万\",\n  \"b\": [1.5, 0, 1e-07, null]\n}\n")
    }

    /// Whole numbers are written digit by digit into the byte buffer: every width, both
    /// signs and the extremes must read back as the number.
    @Test func writerWritesWholeNumbersExactly() {
        var cases: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, Int64.max, Int64.min, 999_999_999_999_999]
        var p: Int64 = 1
        for _ in 0..<18 { p *= 10; cases += [p - 1, p, p + 1, -p] }
        for i in cases {
            #expect(JSONValue.integer(i).rendered() == "\(i)\n")
        }
        for d in [0.0, -0.0, 5.0, -5.0, 123_456.0, 999_999_999_999_999.0, -999_999_999_999_999.0] {
            #expect(JSONValue.number(d).rendered() == "\(Int64(d))\n")
        }
        // At 1e15 and beyond, and for fractions, the shortest round-trip form.
        for d in [1e15, -2.5e16, 0.1, -1234.5678] {
            #expect(JSONValue.number(d).rendered() == "\(d)\n")
        }
        #expect(JSONValue.unsigned(UInt64.max).rendered() == "18446744073709551615\n")
        #expect(JSONValue.array([.integer(-7), .bool(true), .string("x")]).rendered() == "[-7, true, \"x\"]\n")
    }
}

@Suite struct CSVReportTests {
    /// A small RFC 4180 reader for the tests.
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, i = text.startIndex
        while i < text.endIndex {
            let ch = text[i]
            if quoted {
                if ch == "\"" {
                    let next = text.index(after: i)
                    if next < text.endIndex && text[next] == "\"" { field.append("\""); i = next } else { quoted = false }
                } else { field.append(ch) }
            } else if ch == "\"" { quoted = true
            } else if ch == "," { row.append(field); field = ""
            } else if ch == "\n" { row.append(field); rows.append(row); row = []; field = ""
            } else { field.append(ch) }
            i = text.index(after: i)
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    @Test func longFormatRowCountAndValues() throws {
        let r = SampleData.run(label: "base", strength: 1, reps: 5)
        let rows = Self.parse(CSVReport.long(r))
        #expect(rows[0] == ["replication", "seed", "metric", "value"])
        #expect(rows.count - 1 == r.count * r.metrics.count)
        // Rows in replication order, then metric order; values round-trip exactly.
        for (n, row) in rows.dropFirst().enumerated() {
            let rep = n / r.metrics.count, m = n % r.metrics.count
            #expect(row.count == 4)
            #expect(row[0] == String(rep))
            #expect(row[1] == "20190201")
            #expect(row[2] == r.metrics[m].key)
            #expect(Double(row[3]) == r.replications[rep].values[m])
        }
        // A key holding a quote is quoted with the quote doubled.
        #expect(CSVReport.long(r).contains("\"migration.私行 <&\"\"VIP\"\">.left\""))
    }

    /// Every variant and every sweep point, each row labelled, so a data frame can pair
    /// replications across variants (issue 15: only the last variant or point was written).
    @Test func longFormatOfADocumentKeepsEveryVariantAndPoint() throws {
        let a = Fixtures.run(label: "standalone", shift: -250_000), b = Fixtures.run(label: "base")
        let compared = ReportDocument(comparison: ComparisonResult(runs: [a, b], metrics: ["uplift"], independent: false))
        let rows = Self.parse(CSVReport.long(compared))
        #expect(rows[0] == ["variant", "replication", "seed", "metric", "value"])
        let perRun = a.count * a.metrics.count
        #expect(rows.count - 1 == 2 * perRun)
        #expect(rows[1][0] == "standalone" && rows[perRun + 1][0] == "base")
        let upliftA = rows.filter { $0[0] == "standalone" && $0[3] == "uplift" }.map { Double($0[4])! }
        let upliftB = rows.filter { $0[0] == "base" && $0[3] == "uplift" }.map { Double($0[4])! }
        #expect(upliftA.count == a.count && zip(upliftA, upliftB).allSatisfy { $1 - $0 == 250_000 })

        let doc = JSONReportTests.document()   // a comparison, then a sweep
        let swept = Self.parse(CSVReport.long(doc))
        #expect(swept[0] == ["path", "point", "replication", "seed", "metric", "value"])
        #expect(swept.count - 1 == 2 * perRun)
        #expect(Set(swept.dropFirst().map { $0[1] }) == ["20", "40"])
        #expect(swept.dropFirst().allSatisfy { $0[0] == "campaign.财富升级会.contacts" })
        // One plain run: exactly the run's own long format.
        #expect(CSVReport.long(ReportDocument(runs: [b])) == CSVReport.long(b))
    }

    @Test func quoting() {
        #expect(CSVReport.field("plain") == "plain")
        #expect(CSVReport.field("a,b") == "\"a,b\"")
        #expect(CSVReport.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVReport.field("two\nlines") == "\"two\nlines\"")
        #expect(CSVReport.number(.nan) == "")
        #expect(CSVReport.number(0.1) == "0.1")
        #expect(CSVReport.number(12_000) == "12000")
    }
}

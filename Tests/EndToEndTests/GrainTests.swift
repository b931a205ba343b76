import Foundation
import Testing

/// Named metrics computed per replication, metric expressions in `expect`, rankings, and the
/// hub-and-satellites workshop file outlet by outlet (scenarios/hub-outlets.bsim).
@Suite struct GrainTests {
    static func write(_ text: String, name: String = "plan.bsim") throws -> URL {
        let dir = try Paths.temporaryDirectory()
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static let plan = """
        scenario "named" { horizon 20 weeks  step week  runs 40  seed 3 }
        branch north { customers 3000 }
        branch south { customers 2000 }
        campaign meet {
          at all
          target potential
          frequency 1 per week
          contacts 15
          funnel reach 100% -> convert 40%
          amount lognormal(median 3万, p90 12万)
          cost 100 per contact
        }
        metric score = 40% * uplift / 1万 + 60% * conversions
        metric net = uplift - 3 * cost

        """

    static func json(_ out: Binary.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
    }

    /// Type 7 quantile of `xs`, as MetricSummary computes it.
    static func quantile(_ xs: [Double], _ q: Double) -> Double {
        let s = xs.sorted(), h = Double(s.count - 1) * q, lo = Int(h.rounded(.down)), hi = min(lo + 1, s.count - 1)
        return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
    }

    @Test func aNamedMetricIsComputedInEachReplication() throws {
        let file = try Self.write(Self.plan + "run\n")
        let csv = try Binary.run(["run", file.path, "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        // replication,seed,metric,value
        var rows: [Int: [String: Double]] = [:]
        for line in csv.stdout.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            rows[Int(f[0])!, default: [:]][String(f[2])] = Double(f[3]) ?? .nan
        }
        #expect(rows.count == 40)
        var scores: [Double] = []
        for (_, r) in rows {
            let expected = 0.4 * r["uplift"]! / 10_000 + 0.6 * r["conversions"]!
            #expect(abs(r["score"]! - expected) <= 1e-9 * max(1, abs(expected)))
            #expect(abs(r["net"]! - (r["uplift"]! - 3 * r["cost"]!)) <= 1e-6)
            scores.append(r["score"]!)
        }
        // Its p95 is the p95 of the replications' scores, not the score of the p95s.
        let out = try Binary.run(["run", file.path, "--format", "json"])
        let run = try #require((try Self.json(out)["runs"] as? [[String: Any]])?.first)
        let metrics = try #require(run["metrics"] as? [String: [String: Any]])
        let p95 = try #require(metrics["score"]?["p95"] as? Double)
        #expect(abs(p95 - Self.quantile(scores, 0.95)) < 1e-9 * max(1, abs(p95)))
        let fromP95s = 0.4 * (metrics["uplift"]?["p95"] as? Double ?? .nan) / 10_000 + 0.6 * (metrics["conversions"]?["p95"] as? Double ?? .nan)
        #expect(abs(p95 - fromP95s) > 1e-6, "this case must tell the two apart")
    }

    @Test func expectComparesAMetricWithAnExpressionOfMetrics() throws {
        let file = try Self.write(Self.plan + """
            run
            expect score.mean == 40% * uplift.mean / 1万 + 60% * conversions.mean
            expect net.mean < uplift.mean
            expect cost.max > cost.min * 100

            """)
        let out = try Binary.run(["run", file.path])
        let lines = out.stdout.split(separator: "\n").filter { $0.hasPrefix("PASS") || $0.hasPrefix("FAIL") }
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("PASS") && lines[0].contains(" against "), "\(lines)")
        #expect(lines[1].hasPrefix("PASS"), "\(lines)")
        #expect(lines[2].hasPrefix("FAIL") && lines[2].contains("at \(file.path):"), "\(lines)")
        #expect(out.status == 1)
    }

    @Test func unknownMetricsInExpressionsAreDiagnosedWithASuggestion() throws {
        // The plan ends with a blank line: line 15 is the first one added.
        let named = try Binary.run(["check", try Self.write(Self.plan + "metric bad = upliftt + 1\n").path])
        #expect(named.status == 1)
        #expect(named.stderr.contains("plan.bsim:15:14: error: unknown metric 'upliftt' in 'metric bad'"), "\(named.stderr)")
        #expect(named.stderr.contains("did you mean 'uplift'?"))
        let expect = try Binary.run(["check", try Self.write(Self.plan + "run\nexpect uplift > 2 * cots\n").path])
        #expect(expect.status == 1)
        #expect(expect.stderr.contains("plan.bsim:16:21: error: unknown metric 'cots'"), "\(expect.stderr)")
        #expect(expect.stderr.contains("did you mean 'cost'?"))
        let cycle = try Binary.run(["check", try Self.write(Self.plan + "metric a = b + 1\nmetric b = a * 2\n").path])
        #expect(cycle.stderr.contains("plan.bsim:15:8: error: named metrics refer to each other in a cycle: a -> b -> a"), "\(cycle.stderr)")
    }

    @Test func rankingGivesEachOutletsEchelonProbabilities() throws {
        let file = try Self.write(Self.plan + "run\nrank outlets by score echelons 2\n")
        let out = try Binary.run(["run", file.path, "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try Self.json(out)
        let ranking = try #require((json["rankings"] as? [[String: Any]])?.first)
        #expect(ranking["metric"] as? String == "score" && ranking["echelons"] as? Int == 2)
        let outlets = try #require(ranking["outlets"] as? [[String: Any]])
        #expect(outlets.map { $0["outlet"] as? String } == ["north", "south"])
        // Two outlets in two echelons: echelon = rank, and the two outlets' chances are complementary.
        let p = outlets.map { ($0["echelon_probabilities"] as? [Double]) ?? [] }
        #expect(p[0].count == 2 && abs(p[0][0] + p[1][0] - 1) < 1e-12 && abs(p[0][0] + p[0][1] - 1) < 1e-12)
        #expect(p[0] == (outlets[0]["rank_probabilities"] as? [Double]))
        let text = try Binary.run(["run", file.path])
        #expect(text.stdout.contains("rank outlets by score: 40 runs, 2 outlets in 2 echelons (rank 1 = highest)"), "\(text.stdout)")
    }

    @Test func theWorkshopFileHoldsItsExpectationsOutletByOutlet() throws {
        let file = Paths.scenarios.appendingPathComponent("hub-outlets.bsim")
        let runs = Binary.isRelease ? "200" : "20"
        let out = try Binary.run(["run", file.path, "--runs", runs])
        #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
        let results = out.stdout.split(separator: "\n").filter { $0.hasPrefix("PASS") || $0.hasPrefix("FAIL") }
        #expect(results.count == 8 && results.allSatisfy { $0.hasPrefix("PASS") }, "\(results)")
        // The district has lobby managers to spare; healthy_living, without one, is short.
        #expect(out.stdout.contains("healthy_living  wealth_manager"))
        let short = out.stdout.split(separator: "\n").filter { $0.contains("lobby_manager") && $0.contains("short by") }
        // One row: healthy_living's lobby managers (in the outlets' table, under the outlet's first row).
        #expect(short.count == 1 && short.allSatisfy { $0.hasPrefix(" ") && $0.hasSuffix("0.00  short by 0.02 FTE") }, "\(short)")
        #expect(out.stdout.contains("rank outlets by uplift: \(runs) runs, 5 outlets in 5 echelons"))
        #expect(out.stdout.contains("rank outlets by uplift (variant alone): \(runs) runs, 5 outlets in 5 echelons"))
        let html = try Paths.temporaryDirectory().appendingPathComponent("w.html")
        _ = try Binary.run(["run", file.path, "--runs", "20", "--output", html.path])
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("<section id=\"outlets\">") && page.contains("<section id=\"rankings\">"))
        #expect(page.contains("<span class=\"short\">short by"))
    }
}

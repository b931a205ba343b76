import Foundation
import Testing

/// Paired comparisons with common random numbers against independent runs (MODEL.md):
/// where two variants differ in one campaign, the interval of the paired difference must
/// be far tighter with common random numbers.
@Suite(.serialized) struct ComparisonTests {
    static func scenario(independent: Bool) -> String {
        """
        scenario "crn" { horizon 6 months  step week  runs 60  seed 5 }
        role wealth_manager hours 40 per week
        branch a { customers 6000  staff wealth_manager 2 }
        campaign meeting {
          target potential
          frequency 2 per week
          contacts 30
          funnel reach 100% -> accept 45% -> attend 70% -> convert 40%
          capacity 20 at attend
          amount lognormal(median 6万, p90 20万) max offbank
          cooldown 8 weeks
        }
        campaign calls {
          target longtail where balance 4万..5万
          frequency 1 per workday
          contacts 10
          funnel reach 100% -> convert 20%
          amount lognormal(median 3万, p90 12万) max offbank
        }
        variant better_pitch {
          campaign meeting { funnel reach 100% -> accept 45% -> attend 70% -> convert 45% }
        }
        compare base, better_pitch on uplift\(independent ? " independent" : "")
        export last to "out.json"

        """
    }

    /// Half-width of the 95% interval of the paired difference of `uplift`, from the exported JSON.
    func halfWidth(independent: Bool) throws -> (half: Double, mean: Double) {
        let dir = try Paths.temporaryDirectory()
        let file = dir.appendingPathComponent("crn.bsim")
        try Data(Self.scenario(independent: independent).utf8).write(to: file)
        let r = try Binary.run(["run", file.path], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let data = try Data(contentsOf: dir.appendingPathComponent("out.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let comparison = try #require(json["comparison"] as? [String: Any])
        let metrics = try #require(comparison["metrics"] as? [String: Any])
        let uplift = try #require(metrics["uplift"] as? [String: Any])
        let diffs = try #require(uplift["diffs"] as? [[String: Any]])
        let diff = try #require(diffs.first?["diff"] as? [String: Any])
        let low = try #require(diff["ci_low"] as? Double), high = try #require(diff["ci_high"] as? Double)
        let mean = try #require(diff["mean"] as? Double)
        return ((high - low) / 2, mean)
    }

    /// `--format csv` of a comparison writes every variant's replications with a `variant`
    /// column, so paired differences can be formed from the file: their mean is the JSON's
    /// paired `diff.mean` (issue 15: only the last variant was written, without a label).
    @Test func csvOfAComparisonPairsEveryVariant() throws {
        let dir = try Paths.temporaryDirectory()
        let file = dir.appendingPathComponent("crn.bsim")
        try Data(Self.scenario(independent: false).utf8).write(to: file)
        let csv = try Binary.run(["run", file.path, "--runs", "8", "--format", "csv"], in: dir)
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.first == ["variant", "replication", "seed", "metric", "value"])
        func uplift(_ v: String) -> [Int: Double] {
            Dictionary(uniqueKeysWithValues: rows.filter { $0.count == 5 && $0[0] == v && $0[3] == "uplift" }
                .map { (Int($0[1])!, Double($0[4])!) })
        }
        let base = uplift("base"), better = uplift("better_pitch")
        #expect(base.count == 8 && better.count == 8)
        let pairedMean = (0..<8).map { better[$0]! - base[$0]! }.reduce(0, +) / 8
        let json = try Binary.run(["run", file.path, "--runs", "8", "--format", "json"], in: dir)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let metrics = try #require((doc["comparison"] as? [String: Any])?["metrics"] as? [String: Any])
        let diff = try #require(((metrics["uplift"] as? [String: Any])?["diffs"] as? [[String: Any]])?.first?["diff"] as? [String: Any])
        let mean = try #require(diff["mean"] as? Double)
        #expect(abs(pairedMean - mean) <= 1e-6 * max(1, abs(mean)), "CSV pairs give \(pairedMean), JSON \(mean)")
        #expect((doc["runs"] as? [[String: Any]])?.compactMap { $0["variant"] as? String } == ["base", "better_pitch"])
    }

    @Test func commonRandomNumbersTightenThePairedDifferenceAtLeastThreefold() throws {
        let crn = try halfWidth(independent: false)
        let ind = try halfWidth(independent: true)
        #expect(crn.mean > 0, "a better pitch should bring more uplift")
        #expect(crn.half > 0)
        print("paired uplift difference: CRN half-width \(crn.half), independent \(ind.half), ratio \(ind.half / crn.half)")
        #expect(crn.half * 3 <= ind.half, "CRN half-width \(crn.half) vs independent \(ind.half)")
    }

    /// The AVX-512 kernels (selection, sorting, starting balances, keyed draws, funnel stages)
    /// and the scalar code give byte-identical results, in the build under test: this scenario,
    /// one whose customers start with holdings, flat cards, terms and segments, and every
    /// bundled playbook.
    @Test func resultsDoNotDependOnTheVectorKernels() throws {
        let dir = try Paths.temporaryDirectory()
        let crn = dir.appendingPathComponent("crn.bsim")
        try Data(Self.scenario(independent: false).utf8).write(to: crn)
        let holdings = dir.appendingPathComponent("holdings.bsim")
        try Data(Self.holdingsScenario.utf8).write(to: holdings)
        let playbooks = try FileManager.default.contentsOfDirectory(at: Paths.scenarios, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "bsim" }
        #expect(playbooks.count >= 5)
        for file in [crn, holdings] + playbooks {
            let fast = try Binary.run(["run", file.path, "--runs", "6", "--threads", "2", "--format", "json"], in: dir)
            let slow = try Binary.run(["run", file.path, "--runs", "6", "--threads", "2", "--format", "json"], in: dir,
                                      environment: ["BRANCHSIM_NO_SIMD": "1"])
            #expect(fast.status != 2 && slow.status != 2, "\(file.lastPathComponent): \(fast.stderr)\(slow.stderr)")
            #expect(!fast.stdout.isEmpty)
            #expect(fast.stdout == slow.stdout, "\(file.lastPathComponent)")
        }
    }

    static let holdingsScenario = """
        scenario "holdings" { horizon 3 months  step week  runs 6  seed 7 }
        tier longtail  below 5万          share 85%   reachable 60%  holds deposit 40%, fund 30%, card 30%
        tier potential from 5万 to 20万   share 10%   reachable 75%  holds deposit 20%, wealth_6m 20%, fund 10%, card 50%
        tier midhigh   from 20万 to 600万 share 4.5%  reachable 90%  holds deposit 80%, card 20%
        tier private   from 600万         share 0.5%  reachable 98%
        product deposit    points 1.0
        product wealth_6m  points 1.0 term 6 months retain 70%
        product fund       points 1.2
        product card       points 5000 flat
        segment payroll share 25%
        segment loan share 12% in potential, midhigh
        branch a { customers 3000 }
        branch b { customers 2000 }
        campaign near {
          at a, b
          channel phone
          target longtail where balance 4万..5万
          frequency 1 per week
          contacts 30
          funnel reach 80% -> convert 30%
          amount uniform(5000, 20000)
          buys fund 100%
          referrals 20% new longtail
          cooldown 4 weeks
        }
        campaign payroll_pitch {
          at a
          channel event
          target potential where payroll
          frequency 1 per week
          contacts 20
          funnel attend 50% -> convert 40%
          amount lognormal(median 5万, p90 15万)
          buys wealth_6m 50%, deposit 50%, card 30%
        }
        run
        """

    /// The base leaves the long-tail tier untouched (it would be aggregated, docs/model.md);
    /// the variant calls into it. Compared, both draw the long tail customer by customer, so
    /// every replication starts from the same AUM: the paired difference is exactly zero.
    @Test func variantsThatTouchOtherTiersStartFromTheSameAUM() throws {
        let dir = try Paths.temporaryDirectory()
        let file = dir.appendingPathComponent("start.bsim")
        try Data("""
            scenario "start" { horizon 3 months  step week  runs 12  seed 9 }
            branch a { customers 5000 }
            campaign meeting {
              target potential
              frequency 1 per week
              contacts 20
              funnel reach 100% -> convert 30%
              amount lognormal(median 6万, p90 20万) max offbank
            }
            variant calls {
              campaign calls {
                target longtail
                frequency 1 per week
                contacts 20
                funnel reach 100% -> convert 10%
                amount fixed 1万
              }
            }
            compare base, calls on aum.start, uplift
            export last to "start.json"

            """.utf8).write(to: file)
        let r = try Binary.run(["run", file.path], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let data = try Data(contentsOf: dir.appendingPathComponent("start.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let comparison = try #require(json["comparison"] as? [String: Any])
        let metrics = try #require(comparison["metrics"] as? [String: Any])
        let start = try #require(metrics["aum.start"] as? [String: Any])
        let diff = try #require((start["diffs"] as? [[String: Any]])?.first?["diff"] as? [String: Any])
        #expect(diff["mean"] as? Double == 0)
        #expect(diff["ci_low"] as? Double == 0)
        #expect(diff["ci_high"] as? Double == 0)
        let uplift = try #require(metrics["uplift"] as? [String: Any])
        let upliftDiff = try #require((uplift["diffs"] as? [[String: Any]])?.first?["diff"] as? [String: Any])
        #expect((upliftDiff["mean"] as? Double ?? 0) != 0, "the calls should change the uplift")
    }
}

import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// `observed NAME { ... }` and `calibrate PATH in A..B, ... to NAME` (issue 17, item 5).
@Suite struct CalibrationSyntaxTests {
    func request(_ text: String) throws -> CalibrateRequest {
        let o = check(minimal + text)
        #expect(!o.hasErrors, "\(brief(o))")
        let program = try #require(o.program)
        for a in program.actions { if case .decision(.calibrate(let q)) = a.action { return q } }
        Issue.record("no calibrate in \(program.actions)")
        throw CancellationError()
    }

    @Test func figuresAreNearOrBoundsInTheMetricsUnits() throws {
        let q = try request("""
            metric attend_share = funnel.meet.attend / funnel.meet.contacts
            observed bank {
              funnel.meet.attend.mean 300 ± 30   # '.mean' is the metric itself
              subscribed.meet >= 1900万, attend_share <= 60% ± 5%
            }
            calibrate meet.attend in 40%..80% step 10%, meet.contacts in 20..60 step 20 to bank

            """)
        #expect(q.observations.map(\.metric) == ["funnel.meet.attend", "subscribed.meet", "attend_share"])
        #expect(q.observations[0].condition == .near(300, tolerance: 30))
        #expect(q.observations[1].condition == .atLeast(19_000_000, tolerance: 0))
        #expect(q.observations[2].condition == .atMost(0.6, tolerance: 0.05))
        #expect(q.paths == ["meet.attend", "meet.contacts"])
        #expect(q.candidates.count == 15 && q.exhaustive && q.gridSize == 15 && q.grid == nil)
        #expect(q.candidates[0].values == ["40%", "20"] && q.candidates[14].values == ["80%", "60"])
        #expect(abs(q.candidates[14].scenario.campaigns[0].funnel[1].probability - 0.8) < 1e-12)
        #expect(q.runs == ProgramChecker.calibrateDefaultRuns)
        #expect(q.observedName == "bank")
    }

    @Test func aFigureMayBeNegative() throws {
        // A net change can be below zero; `-` before the value makes it so.
        let q = try request("""
            observed bank {
              uplift -50万 ± 20万
              downgrades >= -3
            }
            calibrate meet.attend in 40%..60% step 10% to bank

            """)
        #expect(q.observations[0].condition == .near(-500_000, tolerance: 200_000))
        #expect(q.observations[1].condition == .atLeast(-3, tolerance: 0))
        // The tolerance cannot be negative.
        #expect(check(minimal + "observed bank { uplift 5万 ± -1万 }\n").hasErrors)
    }

    @Test func aLetIsAParameterAndALargeGridIsSampled() throws {
        let text = minimal.replacingOccurrences(of: "amount fixed 1万", with: "amount fixed typical")
        let o = check("let typical = 1万\n" + text + """
            observed bank { uplift >= 1万 }
            calibrate let typical in 1万..9万 step 1万, meet.attend in 10%..90% step 5%, meet.contacts in 20..60 to bank runs 30

            """)
        #expect(!o.hasErrors, "\(brief(o))")
        guard case .decision(.calibrate(let q))? = try #require(o.program).actions.last?.action else {
            Issue.record("no calibrate")
            return
        }
        #expect(q.paths == ["let typical", "meet.attend", "meet.contacts"])
        #expect(!q.exhaustive && q.gridSize == 9 * 17 * 5)
        #expect(q.candidates.count <= ProgramChecker.calibrateSampled && q.candidates.count > 50)
        #expect(q.runs == 30)
        // The whole grid stays reachable for the refinement: any point's plan on demand.
        let grid = try #require(q.grid)
        #expect(grid.levelCounts == [9, 17, 5] && grid.rows.count == q.candidates.count)
        let plan = try #require(grid.plan(at: [8, 0, 4]))
        #expect(plan.values == ["9万", "10%", "60"])
        #expect(abs(plan.scenario.campaigns[0].funnel[1].probability - 0.1) < 1e-12)
        #expect(grid.plan(at: grid.rows[3])?.scenario == q.candidates[3].scenario)
    }

    @Test func badFiguresAndCalibrationsSayWhatToWrite() {
        func first(_ text: String) -> String { brief(check(minimal + text)).first ?? "" }
        #expect(first("observed bank { funnel.meet.atend 300 ± 30 }\n") == "14:17 error: unknown metric 'funnel.meet.atend'")
        let o = check(minimal + "observed bank { funnel.meet.atend 300 ± 30 }\n")
        #expect(o.diagnostics.first?.notes.contains { $0.message.contains("funnel.meet.attend") } == true)
        #expect(first("observed bank { uplift 300 }\n")
            == "14:17 error: expected 'METRIC VALUE ± TOL' or 'METRIC >= VALUE' in observed 'bank', found nothing")
        #expect(first("observed bank { uplift 3万 ± -1万 }\n")
            == "14:29 error: expected 'METRIC VALUE ± TOL' or 'METRIC >= VALUE' in observed 'bank', found '-'")
        #expect(first("observed bank { uplift 3万 ± 0 }\n") == "14:29 error: the tolerance of 'uplift' in observed 'bank' must be more than zero")
        #expect(first("observed bank { uplift >= 1万 }\ncalibrate meet.attend in 40%..80% to banc\n")
            == "15:38 error: unknown observed set 'banc'")
        #expect(first("observed bank { uplift >= 1万 }\ncalibrate meet.attend in 80%..40% to bank\n")
            == "15:26 error: the range of 'meet.attend' is empty: 80% is above 40%")
        #expect(first("variant v {\n  observed bank { uplift >= 1万 }\n}\n")
            == "15:3 error: 'observed' is not allowed inside a variant")
        #expect(first("observed bank { uplift >= 1万 }\nobserved bank { uplift >= 2万 }\n") == "15:10 error: duplicate observed 'bank'")
    }

    @Test func observedSetsFormatAsWritten() throws {
        let source = """
            observed bank {
              # the bank's own figures
              funnel.meet.attend 300 ± 30
              subscribed.meet >= 1900万  # over 19 million yuan
            }

            observed small { uplift >= 1万 }
            calibrate meet.attend in 40%..80% step 10% to bank runs 40

            """
        let formatted = try Formatter.format(source, file: "t.bsim")
        #expect(formatted == source)
    }
}

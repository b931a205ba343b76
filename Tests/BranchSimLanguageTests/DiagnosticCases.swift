import Foundation
import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// Bad inputs and the exact diagnostic each gives: "line:col severity: message".
struct BadInput: CustomTestStringConvertible, Sendable {
    var name: String
    var source: String
    var expected: String
    var files: [String: String] = [:]
    var testDescription: String { name }
}

/// `minimal` with `line` (1-based) replaced by `text`.
func replacing(_ line: Int, with text: String) -> String {
    var lines = minimal.components(separatedBy: "\n")
    lines[line - 1] = text
    return lines.joined(separator: "\n")
}

let campaignHeader = 7  // line of 'campaign meet {'

let badInputs: [BadInput] = [
    BadInput(name: "unknown tier in target", source: replacing(8, with: "  target potentail"),
             expected: "8:10 error: unknown tier 'potentail'"),
    BadInput(name: "duplicate tier", source: minimal + "tier potential from 5万 to 20万 share 6%\n",
             expected: "14:6 error: duplicate tier 'potential'"),
    BadInput(name: "tier shares", source: replacing(4, with: "tier private   from 600万         share 1%"),
             expected: "4:34 error: tier shares add up to 100.5%, not 100%"),
    BadInput(name: "probability above 100%", source: replacing(11, with: "  funnel reach 100% -> attend 150% -> convert 40%"),
             expected: "11:31 error: stage 'attend' is 150%, outside 0..100%"),
    BadInput(name: "probability without percent", source: replacing(11, with: "  funnel reach 100% -> attend 0.5 -> convert 40%"),
             expected: "11:31 error: stage 'attend' must be a percentage, found '0.5'"),
    BadInput(name: "reversed tier range", source: replacing(2, with: "tier potential from 20万 to 5万   share 6%"),
             expected: "2:16 error: the range of tier 'potential' is reversed: 5万 is not above 20万"),
    BadInput(name: "overlapping tiers", source: replacing(2, with: "tier potential from 4万 to 20万   share 6%"),
             expected: "2:16 error: tier 'potential' overlaps tier 'longtail': 4万 is below 5万"),
    BadInput(name: "gap between tiers", source: replacing(2, with: "tier potential from 6万 to 20万   share 6%"),
             expected: "2:16 error: gap between tier 'longtail' (up to 5万) and tier 'potential' (from 6万)"),
    BadInput(name: "top tier closed", source: replacing(4, with: "tier private   from 600万 to 1亿  share 0.5%"),
             expected: "4:16 error: the top tier 'private' ends at 1亿: customers above it have no tier"),
    BadInput(name: "capacity at unknown stage", source: replacing(12, with: "  capacity 20 at atend"),
             expected: "12:18 error: campaign 'meet' has no funnel stage 'atend'"),
    BadInput(name: "effort at unknown stage", source: replacing(12, with: "  effort stage sitting wealth_manager 5 min"),
             expected: "12:16 error: campaign 'meet' has no funnel stage 'sitting'"),
    BadInput(name: "unknown role in effort", source: replacing(12, with: "  effort contact welth_manager 5 min"),
             expected: "12:18 error: unknown role 'welth_manager'"),
    BadInput(name: "unknown product in buys", source: replacing(12, with: "  buys depsit 100%"),
             expected: "12:8 error: unknown product 'depsit'"),
    BadInput(name: "at hub without network", source: replacing(12, with: "  at hub"),
             expected: "12:3 error: 'at hub' needs a network"),
    BadInput(name: "audience network without network", source: replacing(12, with: "  audience network"),
             expected: "12:3 error: 'audience network' needs a network"),
    BadInput(name: "unknown metric in report", source: minimal + "run\nreport uplfit\n",
             expected: "15:8 error: unknown metric 'uplfit'"),
    BadInput(name: "unknown metric in expect", source: minimal + "run\nexpect upgrades.p99 > 0\n",
             expected: "15:8 error: unknown metric 'upgrades.p99'"),
    BadInput(name: "lognormal p90 below median", source: replacing(12, with: "  amount lognormal(median 6万, p90 2万)"),
             expected: "12:10 error: the p90 of 'lognormal' (2万) must be above its median (6万)"),
    BadInput(name: "uniform reversed", source: replacing(12, with: "  amount uniform(5万, 1万)"),
             expected: "12:10 error: 'uniform' needs its lower bound first: 5万 is above 1万"),
    BadInput(name: "pareto alpha zero", source: replacing(12, with: "  amount pareto(min 1万, alpha 0)"),
             expected: "12:10 error: the alpha of 'pareto' must be more than zero, found 0"),
    BadInput(name: "unknown number suffix", source: replacing(9, with: "  frequency 2 per weak"),
             expected: "9:19 error: unknown period 'weak' in 'frequency' of campaign 'meet'"),
    BadInput(name: "bad number suffix", source: replacing(10, with: "  contacts 40kg"),
             expected: "10:14 error: unknown number suffix 'kg'"),
    BadInput(name: "unknown property", source: replacing(10, with: "  contact 40"),
             expected: "10:3 error: unknown property 'contact' for campaign 'meet'"),
    BadInput(name: "unknown inline tier property", source: replacing(1, with: "tier longtail  below 5万          share 91% reachabel 60%"),
             expected: "1:44 error: unexpected 'reachabel' in 'share' of tier 'longtail'"),
    BadInput(name: "missing contacts", source: replacing(10, with: ""),
             expected: "7:10 error: campaign 'meet' needs 'contacts'"),
    BadInput(name: "at needed with two branches", source: replacing(6, with: "branch downtown { customers 2000 }\nbranch uptown { customers 2000 }"),
             expected: "8:10 error: campaign 'meet' needs 'at': there are 2 branches"),
    BadInput(name: "include missing file", source: "include \"nope.bsim\"\n" + minimal,
             expected: "1:9 error: cannot include 'nope.bsim': no such file"),
    BadInput(name: "include cycle", source: "include \"a.bsim\"\n" + minimal,
             expected: "1:9 error: include cycle: a.bsim -> b.bsim -> a.bsim",
             files: ["a.bsim": "include \"b.bsim\"\n", "b.bsim": "include \"a.bsim\"\n"]),
    BadInput(name: "population too large", source: replacing(6, with: "branch downtown { customers 100000000  staff wealth_manager 2 }") + "scenario { threads 1 }\n",
             expected: "6:19 error: population too large for memory: 100000000 customers need about 12.5 GiB with 1 thread (limit 4 GiB)"),
    BadInput(name: "unknown statement", source: "campain x\n" + minimal,
             expected: "1:1 error: expected a statement, found 'campain'"),
    BadInput(name: "unterminated string", source: "scenario \"title\n" + minimal,
             expected: "1:10 error: unterminated string"),
    BadInput(name: "missing closing brace", source: String(minimal.dropLast(2)),
             expected: "7:15 error: missing '}' to close the block of campaign 'meet'"),
    BadInput(name: "unknown variant in compare", source: minimal + "variant big { campaign meet { contacts 80 } }\ncompare base, bigg\n",
             expected: "15:15 error: unknown variant 'bigg'"),
    BadInput(name: "drop of missing campaign", source: minimal + "variant v { drop campaign meat }\n",
             expected: "14:27 error: variant 'v' drops campaign 'meat', which does not exist"),
    BadInput(name: "unknown channel", source: replacing(12, with: "  channel wechatt"),
             expected: "12:11 error: unknown channel 'wechatt'"),
    BadInput(name: "unknown let", source: replacing(10, with: "  contacts n_guests"),
             expected: "10:12 error: expected a number for 'contacts' of campaign 'meet', found 'n_guests'"),
    BadInput(name: "let division by zero", source: "let a = 1 / (2 - 2)\n" + minimal,
             expected: "1:9 error: division by zero"),
    BadInput(name: "duplicate property", source: replacing(12, with: "  contacts 50"),
             expected: "12:3 error: 'contacts' is given twice for campaign 'meet'"),
    BadInput(name: "branch tier override shares", source: replacing(6, with: "branch downtown { customers 2000  tier potential share 8% }"),
             expected: "6:50 error: tier shares at branch 'downtown' add up to 102%, not 100%"),
    BadInput(name: "expect with single equals", source: minimal + "run\nexpect uplift.mean = 0\n",
             expected: "15:20 error: expected a comparison ('>', '>=', '<', '<=', '==', '!=') or 'within' after 'uplift.mean', found '='"),
    BadInput(name: "compare diff without compare", source: minimal + "run\nexpect compare.uplift.diff.mean > 0\n",
             expected: "15:8 error: 'compare.uplift.diff.mean' needs a 'compare' before this 'expect'"),
    BadInput(name: "export extension", source: minimal + "run\nexport last to \"out.txt\"\n",
             expected: "15:16 error: cannot export to 'out.txt': the file name must end in .csv, .json or .html"),
    BadInput(name: "sweep unknown stage", source: minimal + "sweep meet.funnel.atend over 30%, 40%\n",
             expected: "14:7 error: campaign 'meet' has no funnel stage 'atend'"),
    BadInput(name: "sweep value invalid", source: minimal + "sweep meet.funnel.convert over 40%, 140%\n",
             expected: "14:37 error: sweep value '140%' makes the scenario invalid"),
    BadInput(name: "campaign without amount warns", source: replacing(12, with: ""),
             expected: "7:10 warning: campaign 'meet' has no 'amount': its conversions bring in no money"),
    BadInput(name: "buys shares warning", source: replacing(12, with: "  amount fixed 1万\n  buys deposit 70%"),
             expected: "13:3 warning: 'buys' shares add up to 70% (70% without flat products), not 100%"),
    BadInput(name: "unexpected character", source: "tier x below 5万 share 100% @\n",
             expected: "1:28 error: unexpected character '@'"),
    BadInput(name: "drop at top level", source: minimal + "drop campaign meet\n",
             expected: "14:1 error: 'drop' belongs inside a variant"),
    BadInput(name: "segment in unknown tier", source: minimal + "segment payroll share 25% in potentail\n",
             expected: "14:30 error: unknown tier 'potentail'"),
    BadInput(name: "network unknown branch", source: minimal + "network city { hub downtwn }\n",
             expected: "14:20 error: unknown branch 'downtwn'"),
    BadInput(name: "block left open before the next statement",
             source: "campaign meet {\n  target potential\ncampaign other { target midhigh }\n",
             expected: "1:15 error: missing '}' to close the block of campaign 'meet'"),
    BadInput(name: "name missing", source: "tier below 5万 share 10%\n",
             expected: "1:6 error: expected a name after 'tier', found 'below'"),
    BadInput(name: "lowest tier not from zero", source: replacing(1, with: "tier longtail  from 1万 to 5万    share 91%"),
             expected: "1:16 error: the lowest tier 'longtail' starts at 1万: customers below it have no tier"),
    BadInput(name: "weights on some targets only", source: replacing(8, with: "  target potential 2/3, midhigh"),
             expected: "8:3 error: give a weight to every target tier or to none"),
    BadInput(name: "branch in two networks", source: minimal + "branch b2 { customers 10 }\nnetwork n1 { hub downtown }\nnetwork n2 { hub b2  satellites downtown }\n",
             expected: "16:33 error: branch 'downtown' is already in network 'n1'"),
    BadInput(name: "funnel without arrow", source: replacing(11, with: "  funnel reach 100% attend 50%"),
             expected: "11:21 error: expected '->' between funnel stages, found 'attend'"),
    BadInput(name: "managed by a role without capacity", source: replacing(3, with: "tier midhigh   from 20万 to 600万 share 2.5% managed by wealth_manager"),
             expected: "3:44 warning: tier 'midhigh' is managed by role 'wealth_manager', which has no 'capacity': its managed FTE cannot be counted"),
    BadInput(name: "campaign after the horizon", source: replacing(12, with: "  amount fixed 1万  starts 2 years"),
             expected: "12:20 warning: campaign 'meet' starts at 2 years, after the horizon (1 year): it never runs"),
    BadInput(name: "enforce staff without the role", source: replacing(12, with: "  amount fixed 1万  effort contact wealth_manager 5 min")
                .replacingOccurrences(of: "staff wealth_manager 2", with: "offbank 1x") + "enforce staff\n",
             expected: "7:10 warning: with 'enforce staff', campaign 'meet' never runs at branch 'downtown': it has no 'wealth_manager' staff"),
    BadInput(name: "tier shares with a zero share", source: replacing(4, with: "tier private   from 600万         share 0%"),
             expected: "4:34 error: tier shares add up to 99.5%, not 100%"),
    BadInput(name: "below and from", source: replacing(2, with: "tier potential below 5万 from 5万 to 20万 share 6%"),
             expected: "2:25 error: tier 'potential' has both 'below' and 'from'"),
    BadInput(name: "compare one variant", source: minimal + "compare base on uplift\n",
             expected: "14:1 error: 'compare' needs at least two variants"),
    BadInput(name: "dotted name", source: minimal + "segment pay.roll share 5%\n",
             expected: "14:9 error: a name cannot contain '.'"),
    BadInput(name: "too many runs", source: minimal + "scenario { runs 1000001 }\n",
             expected: "14:17 error: 'runs' of the scenario must be at most 1000000, found '1000001'"),
    BadInput(name: "too many runs in a run action", source: minimal + "run runs 2000000\n",
             expected: "14:10 error: 'runs' must be at most 1000000, found '2000000'"),
    BadInput(name: "runs until capped too high", source: minimal + "scenario { runs until uplift within 1% max 2000000 }\n",
             expected: "14:44 error: the cap of 'runs until' must be at most 1000000, found '2000000'"),
    BadInput(name: "cjk column", source: "tier 长尾 below 5万 share 100% reachable 60\n",
             expected: "1:39 error: 'reachable' of tier '长尾' must be a percentage, found '60'"),
    BadInput(name: "growth below -100%",
             source: replacing(1, with: "tier longtail  below 5万          share 91%  growth -150% per month"),
             expected: "1:52 error: 'growth' of tier 'longtail' is -150%, below -100%"),
    BadInput(name: "attrition above 100% a month",
             source: replacing(1, with: "tier longtail  below 5万          share 91%  attrition 150% per month"),
             expected: "1:55 error: 'attrition' of tier 'longtail' is 150%, outside 0..100%"),
    // Found by fuzzing: each of these trapped or asked for hundreds of gigabytes.
    BadInput(name: "horizon of centuries", source: minimal + "scenario { horizon 99999999 years }\n",
             expected: "14:12 error: the horizon must be at most 100 years, found 99999999 years"),
    BadInput(name: "frequency beyond 100 a day", source: replacing(9, with: "  frequency 10000000000000000000 per week"),
             expected: "9:3 error: the frequency of campaign 'meet' must be at most 100 per day (700 per week), found '1e+19 per week'"),
    BadInput(name: "policy limit too high", source: minimal + "policy max 99999999999999 contacts per week\n",
             expected: "14:12 error: the contact limit must be at most 100, found '99999999999999'"),
    BadInput(name: "sweep of 10^20 values", source: minimal + "sweep meet.contacts from 0 to 99999999999999999999 step 1\n",
             expected: "14:57 error: the sweep has more than 10^15 values; at most 1000"),
    BadInput(name: "expression of 1,500 operators", source: "let a = " + Array(repeating: "1", count: 1501).joined(separator: " - ") + "\n",
             expected: "1:4011 error: expression too long (more than 1000 operators)"),
    BadInput(name: "self-include written with ./", source: "include \"a.bsim\"\n" + minimal,
             expected: "1:9 error: include cycle: a.bsim -> a.bsim",
             files: ["a.bsim": "include \"./a.bsim\"\ninclude \"./x/../a.bsim\"\n"]),
    BadInput(name: "includes nested too deep", source: "include \"a0.bsim\"\n" + minimal,
             expected: "1:9 error: includes nested more than 64 deep at 'a63.bsim'",
             files: Dictionary(uniqueKeysWithValues: (0..<100).map { ("a\($0).bsim", "include \"a\($0 + 1).bsim\"\n") })),
    BadInput(name: "maturing window of centuries",
             source: minimal.replacingOccurrences(of: "  target potential", with: "  target potential where maturing deposit within 200 years"),
             expected: "8:50 error: the 'maturing' window must be at most 100 years, found 200 years"),
    BadInput(name: "campaign ends when it starts",
             source: minimal.replacingOccurrences(of: "  contacts 40", with: "  contacts 40\n  starts 1 day\n  ends 1 day"),
             expected: "12:3 error: campaign 'meet' ends when it starts (1 day): it would never run"),
    BadInput(name: "negative runs keep their sign", source: minimal + "scenario { runs -5 }\n",
             expected: "14:17 error: 'runs' of the scenario must be at least 1, found '-5'"),
    BadInput(name: "whole but too large", source: minimal + "scenario { runs 9223372036854775807 }\n",
             expected: "14:17 error: 'runs' of the scenario must be at most 1000000, found '9223372036854775807'"),
    BadInput(name: "sweep over 1001 values", source: minimal + "sweep meet.contacts over " + (1...1001).map(String.init).joined(separator: ", ") + "\n",
             expected: "14:4919 error: the sweep has 1001 values; at most 1000"),
    BadInput(name: "results beyond memory",
             source: (1...40).map { "role r\($0) hours 40 per week\n" }.joined() + minimal
                 + "scenario { horizon 100 years  runs 2000 }\n",
             expected: "54:12 error: results too large for memory: 5200 steps of 92 series for 2000 replications need about 7.1 GiB (limit 4 GiB)"),
    // MARK: journeys: conditions, hand-offs and ranking (line 16 is the 'target' of `handoff`)
    BadInput(name: "hand-off from an unknown stage", source: handoff("passed meet.atend within 2 weeks"),
             expected: "16:33 error: campaign 'meet' has no funnel stage 'atend' to hand off from"),
    BadInput(name: "hand-off from an unknown campaign", source: handoff("passed meat.attend within 2 weeks"),
             expected: "16:33 error: unknown campaign 'meat' in the 'where' of campaign 'call'"),
    BadInput(name: "passed without a stage", source: handoff("passed meet within 2 weeks"),
             expected: "16:33 error: expected 'CAMPAIGN.STAGE' after 'passed', found 'meet'"),
    BadInput(name: "converted with a stage", source: handoff("converted meet.attend"),
             expected: "16:36 error: 'converted' takes a campaign, not a stage: found 'meet.attend'"),
    BadInput(name: "converted without a campaign", source: handoff("converted within 2 weeks"),
             expected: "16:36 error: expected a campaign after 'converted' in 'where' of 'target' of campaign 'call', found 'within'"),
    BadInput(name: "holds an undeclared product", source: handoff("holds fnd") + "product deposit points 1\nproduct fund points 1\n",
             expected: "16:32 error: unknown product 'fnd' in 'holds'"),
    BadInput(name: "holds within a window", source: handoff("holds deposit within 1 month") + "product deposit points 1\n",
             expected: "16:40 error: 'holds' takes no 'within': it is what the customer holds now"),
    BadInput(name: "products without a comparison", source: handoff("products 2"),
             expected: "16:35 error: expected a comparison after 'products', found '2'"),
    BadInput(name: "dangling and", source: handoff("upgraded and"),
             expected: "16:38 error: expected a condition after 'and' in 'where' of 'target' of campaign 'call', found nothing"),
    BadInput(name: "unclosed group", source: handoff("(upgraded or downgraded"),
             expected: "16:49 error: expected ')' to close '(' in 'where' of 'target' of campaign 'call', found nothing"),
    BadInput(name: "new without a window", source: handoff("new"),
             expected: "16:29 error: expected 'within DURATION' after 'new'"),
    BadInput(name: "cycle of hand-offs", source: replacing(8, with: "  target potential where passed call.convert within 1 week") + "\n"
                 + "campaign call {\n  target potential where converted meet within 2 weeks\n  frequency weekly\n  contacts 10\n  funnel convert 30%\n  amount fixed 1万\n}\n",
             expected: "16:36 error: hand-offs form a cycle: 'meet' takes from 'call', 'call' takes from 'meet'"),
    BadInput(name: "unknown ranking", source: minimal + "\ncampaign call {\n  target potential\n  frequency weekly\n  contacts 10\n  amount fixed 1万\n  rank by gaps\n}\n",
             expected: "20:11 error: unknown ranking 'gaps': rank by gap, balance desc, balance asc or last_contact"),
]

/// `minimal` and a campaign `call` whose `where` (on line 16, from column 26) is `condition`.
func handoff(_ condition: String) -> String {
    minimal + "\ncampaign call {\n  target potential where \(condition)\n  frequency weekly\n  contacts 10\n  amount fixed 1万\n}\n"
}

@Suite struct DiagnosticTests {
    @Test(arguments: badInputs)
    func badInputGivesDiagnostic(_ c: BadInput) {
        let o = check(c.source, files: c.files)
        let all = brief(o)
        #expect(all.contains(c.expected), "got:\n\(all.joined(separator: "\n"))")
    }

    /// A rate out of range with its period ("per month", "per year") is reported once: the
    /// period is read before the range is checked, so it is not left over as a second error.
    @Test func outOfRangeRateWithItsPeriodIsOneError() {
        for rate in ["growth -150% per month", "growth -120% per year", "attrition 150% per month", "attrition -5% per year"] {
            let o = check(replacing(1, with: "tier longtail  below 5万          share 91%  " + rate))
            #expect(brief(o).count == 1, "\(rate): \(brief(o))")
        }
    }

    /// A file of nothing but problems stops at the limit with one closing error, and a
    /// binary file is refused before it is lexed (both found by fuzzing the shell).
    @Test func floodsAreCutAndBinaryFilesRefused() throws {
        let o = check(String(repeating: "tier\n", count: 500))
        #expect(o.diagnostics.count == DiagnosticSink.limit + 1)
        #expect(o.diagnostics.last?.message == "too many problems; only the first 200 are shown")

        let path = NSTemporaryDirectory() + "branchsim-binary-\(UUID().uuidString).bsim"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00] + Array("run\n".utf8)).write(to: URL(fileURLWithPath: path))
        let binary = FrontEnd.check(path: path)
        #expect(brief(binary) == ["0:0 error: cannot read '\(path)': it is a binary file (it contains NUL bytes), not a scenario"])
    }

    /// What an include names is looked at before it is read: a huge file by its size (not
    /// read whole first), a FIFO or a device as what it is, a symbolic link loop as a loop.
    @Test func includesThatAreNotScenarioFilesSayWhatTheyAre() throws {
        let dir = NSTemporaryDirectory() + "branchsim-loader-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Sparse: instant to make. Read whole first, it said "binary file" (a 3 GiB one took 28 s).
        let huge = dir + "/huge.bsim"
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        let fd = open(huge, O_WRONLY)
        #expect(ftruncate(fd, 64 << 20) == 0)
        close(fd)
        #expect(mkfifo(dir + "/pipe.bsim", 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: dir + "/a.bsim", withDestinationPath: dir + "/b.bsim")
        try FileManager.default.createSymbolicLink(atPath: dir + "/b.bsim", withDestinationPath: dir + "/a.bsim")
        let cases = [
            (huge, "it is 64 MiB; a scenario file is at most 16 MiB"),
            (dir + "/pipe.bsim", "it is a named pipe (FIFO), not a regular file"),
            (dir + "/a.bsim", "it is a symbolic link loop (a link that leads, through links, back to itself)"),
            (dir + "/missing.bsim", "no such file"),
            (dir, "it is a directory"),
        ]
        for (path, reason) in cases {
            let main = dir + "/main.bsim"
            try Data("include \"\(path)\"\n".utf8).write(to: URL(fileURLWithPath: main))
            let o = FrontEnd.check(path: main)
            #expect(o.diagnostics.map(\.message) == ["cannot include '\(path)': \(reason)"])
        }
        // A device is outside the scenario's folder: refused before it is looked at; in an
        // allowed folder, it is named for what it is.
        try Data("include \"/dev/zero\"\n".utf8).write(to: URL(fileURLWithPath: dir + "/main.bsim"))
        let outside = FrontEnd.check(path: dir + "/main.bsim")
        #expect(outside.diagnostics.map(\.message) == ["'/dev/zero' is outside the scenario's folder '\(FileAccess.resolved(dir))'"])
        #expect(throws: SourceLoadError.self) { try FileSystemLoader(folder: "/dev").load("/dev/zero", relativeTo: "/dev/main.bsim") }
    }

    @Test func atLeastThirtyDistinctBadInputs() {
        #expect(Set(badInputs.map(\.expected)).count >= 30)
    }
}

import BranchSimModel
import Testing
@testable import BranchSimShell

@Suite struct ShellCommandTests {
    @Test(arguments: [
        (":load scenarios/potential-upgrade.bsim", ShellCommand.load(path: "scenarios/potential-upgrade.bsim")),
        (":load \"my plan.bsim\"", .load(path: "my plan.bsim")),
        (":save x", .save(path: "x", force: false)),
        (":save x --force", .save(path: "x", force: true)),
        (":save --force x", .save(path: "x", force: true)),
        ("  :save x -f  ", .save(path: "x", force: true)),
        (":show", .show(name: nil)),
        (":show upgrade_meeting", .show(name: "upgrade_meeting")),
        (":set upgrade_meeting.funnel.convert 50%", .set(path: "upgrade_meeting.funnel.convert", value: "50%")),
        (":set upgrade_meeting.amount lognormal(median 6万, p90 20万)",
         .set(path: "upgrade_meeting.amount", value: "lognormal(median 6万, p90 20万)")),
        (":unset upgrade_meeting.contacts", .unset(path: "upgrade_meeting.contacts")),
        (":drop campaign upgrade_meeting", .drop(kind: "campaign", name: "upgrade_meeting")),
        (":reset", .reset),
        (":help", .help(topic: nil)),
        (":help metrics", .help(topic: "metrics")),
        (":history", .history(count: nil)),
        (":history 5", .history(count: 5)),
        (":format csv", .format("csv")),
        (":format JSON", .format("json")),
        (":format", .format(nil)),
        (":mode html", .format("html")),
        (":units wan", .units("wan")),
        (":units 万", .units("wan")),
        (":units", .units(nil)),
        (":output \"my results.txt\"", .output(path: "my results.txt")),
        (":output", .output(path: nil)),
        (":cancel", .cancel),
        (":buffer", .buffer),
        (":quit", .quit),
        (":q", .quit),
    ] as [(String, ShellCommand)])
    func parses(line: String, command: ShellCommand) {
        #expect(ShellCommand.parse(line) == .success(command))
    }

    @Test(arguments: [
        (":save", "say which file to save to; usage: :save FILE [--force] [--chosen]"),
        (":save a b", "give one file name (quote names with spaces); usage: :save FILE [--force] [--chosen]"),
        (":save a --forse", "unknown option '--forse'; usage: :save FILE [--force] [--chosen]"),
        (":load", "say which file to load; usage: :load FILE"),
        (":load \"open", "a quote is not closed; usage: :load FILE"),
        (":set upgrade_meeting.contacts", "say the new value of 'upgrade_meeting.contacts'; usage: :set PATH VALUE"),
        (":history x", "'x' is not a positive whole number; usage: :history [N]"),
        (":reset now", ":reset takes no arguments; usage: :reset"),
        (":drop campaign", "say the kind and the name, e.g. ':drop campaign meet'; usage: :drop KIND NAME"),
        (":format jsn", "unknown format 'jsn'; did you mean 'json'? formats: table, csv, json, html; usage: :format [table|csv|json|html]"),
        (":units usd", "unknown units 'usd'; write 'yuan' or 'wan' (万); usage: :units [yuan|wan]"),
        (":output a b", "give one file name (quote names with spaces); usage: :output [FILE]"),
        (":cancel all", ":cancel takes no arguments; usage: :cancel"),
    ])
    func usageErrors(line: String, message: String) throws {
        guard case .failure(let e) = ShellCommand.parse(line) else {
            Issue.record("\(line) parsed")
            return
        }
        #expect(e.description == message)
    }

    @Test func unknownCommandsSuggestTheNearest() {
        #expect(ShellCommand.parse(":lod x") == .failure(.unknown("lod", suggestion: "load")))
        #expect(ShellCommand.parse(":hlep") == .failure(.unknown("hlep", suggestion: "help")))
        #expect(ShellCommand.parse(":quiet") == .failure(.unknown("quiet", suggestion: "quit")))
        #expect(ShellCommand.parse(":frobnicate") == .failure(.unknown("frobnicate", suggestion: nil)))
        #expect(ShellCommand.ParseError.unknown("lod", suggestion: "load").description
                == "unknown command ':lod'; did you mean ':load'? (:help commands lists them)")
    }

    @Test func editDistance() {
        #expect(BranchSimModel.editDistance("kitten", "sitting") == 3)
        #expect(BranchSimModel.editDistance("", "abc") == 3)
        #expect(BranchSimModel.editDistance("same", "same") == 0)
    }
}

import Foundation
import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// A scenario (or a shell edit) that gives one diagnostic ID: the catalogue's example.
struct Trigger: Sendable, CustomTestStringConvertible {
    /// The ID it must give (nil for the bad inputs, which state their whole message instead).
    var id: DiagnosticID?
    /// What the catalogue shows: the source line at the diagnostic, or the shell command.
    var example: String?
    var run: @Sendable () -> (diagnostics: [Diagnostic], sources: [String: SourceFile])
    var testDescription: String { id?.rawValue ?? "bad input" }

    /// `source` checked as the file `t.bsim` (with `files` for includes).
    static func file(_ id: DiagnosticID, _ source: String, files: [String: String] = [:]) -> Trigger {
        Trigger(id: id, example: nil, run: { let o = check(source, files: files); return (o.diagnostics, o.sources) })
    }

    /// A shell edit on a document holding `minimal`.
    static func edit(_ id: DiagnosticID, _ command: String,
                     _ body: @escaping @Sendable (inout ScenarioDocument) -> [Diagnostic]) -> Trigger {
        Trigger(id: id, example: command, run: {
            var d = ScenarioDocument()
            _ = d.enter(minimal)
            let ds = body(&d)
            return (ds, d.sources)
        })
    }
}

/// `minimal` with `text` added at the end of the campaign block.
/// `source` with a second role, `lobby_manager`, that the branch has no staff of.
func withLobbyRole(_ source: String) -> String {
    source.replacingOccurrences(of: "role wealth_manager hours 40 per week",
                                with: "role wealth_manager hours 40 per week\nrole lobby_manager hours 40 per week")
}

func inCampaign(_ text: String) -> String {
    minimal.replacingOccurrences(of: "  amount fixed 1万\n}", with: "  amount fixed 1万\n  \(text)\n}")
}

/// Triggers for the IDs the bad inputs (DiagnosticCases.swift) do not give.
let triggers: [Trigger] = [
    // Lexical and syntax
    .file(.unexpectedDot, replacing(1, with: "tier longtail below 5万 share .")),
    .file(.unexpectedBang, minimal + "run\nexpect uplift.mean ! 0\n"),
    .file(.unknownEscape, minimal + "scenario \"a\\qb\"\n"),
    .file(.numberLiteralTooLarge, "let a = 1" + String(repeating: "0", count: 400) + "\n"),
    .file(.unexpectedCloseBrace, minimal + "}\n"),
    .file(.variantBraceExpected, minimal + "variant v campaign meet\n"),
    .file(.variantUnclosed, minimal + "variant v {\n  campaign meet { contacts 80 }\n"),
    .file(.letEqualsExpected, "let a 5\n"),
    .file(.letTrailing, "let a = 1 2\n"),
    .file(.operandExpected, "let a = * 2\n"),
    .file(.parenUnclosed, "let a = (1 + 2\n"),
    .file(.parenUnexpected, replacing(10, with: "  contacts 40)")),
    .file(.callUnclosed, replacing(12, with: "  amount uniform(1万, 5万")),
    .file(.callArgumentUnclosed, replacing(12, with: "  amount uniform((1万, 5万)")),
    .file(.expressionTooDeep, "let a = " + String(repeating: "(", count: 101) + "1" + String(repeating: ")", count: 101) + "\n"),
    .file(.statementTrailing, minimal + "branch b { customers 10 } x\n"),
    .file(.blockNested, minimal + "branch b {\n  { customers 10 }\n}\n"),
    .file(.blockTrailing, minimal + "branch b { customers 10 {\n}\n"),
    .file(.propertyNameExpected, "tier x 5万\n"),
    // Files and includes
    .file(.includeFileExpected, "include common\n" + minimal),
    .file(.tooManyProblems, String(repeating: "tier\n", count: 500)),
    Trigger(id: .fileUnreadable, example: "branchsim check missing.bsim", run: {
        let o = FrontEnd.check(path: "/nonexistent/missing.bsim"); return (o.diagnostics, o.sources)
    }),
    // Names and lets
    .file(.nameUnknown, "let b = a + 1\n" + minimal),
    .file(.letNotFinite, "let a = " + Array(repeating: "1亿", count: 40).joined(separator: " * ") + "\n"),
    .file(.referenceMissing, replacing(8, with: "  target")),
    .file(.referenceExpected, replacing(8, with: "  target 5")),
    // Numbers and units
    .file(.numberMissing, replacing(10, with: "  contacts")),
    .file(.amountExpected, replacing(12, with: "  amount fixed 5%")),
    .file(.numberNegative, minimal + "product deposit points -1\n"),
    .file(.wholeNumberExpected, replacing(10, with: "  contacts 2.5")),
    .file(.multiplierExpected, replacing(6, with: "branch downtown { customers 2000  staff wealth_manager 2  offbank 20% }")),
    .file(.calendarUnitExpected, inCampaign("cooldown 8")),
    .file(.durationNotWhole, inCampaign("cooldown 1.5 days")),
    .file(.timeUnitExpected, inCampaign("effort contact wealth_manager 5")),
    .file(.numberNotPositive, inCampaign("effort contact wealth_manager 0 min")),
    .file(.perExpected, replacing(9, with: "  frequency 2")),
    .file(.periodNotPositive, replacing(9, with: "  frequency 1 per 0 weeks")),
    // Distributions
    .file(.distributionMissing, replacing(12, with: "  amount")),
    .file(.distributionExpected, replacing(12, with: "  amount 5万")),
    .file(.distributionUnknown, replacing(12, with: "  amount normal(1, 2)")),
    .file(.distributionArity, replacing(12, with: "  amount uniform(1万)")),
    .file(.distributionLabelExpected, replacing(12, with: "  amount lognormal(6万, 20万)")),
    .file(.lognormalMedianNotPositive, replacing(12, with: "  amount lognormal(median 0, p90 1万)")),
    .file(.paretoMinNotPositive, replacing(12, with: "  amount pareto(min 0, alpha 1.5)")),
    .file(.shareOfOffbankExpected, replacing(12, with: "  amount share 30%")),
    // Tiers, segments, products, roles, branches, networks
    .file(.tierRangeMissing, minimal + "tier extra share 0%\n"),
    .file(.tierShareMissing, "tier all below 5万\n"),
    .file(.tierAfterOpenTop, minimal + "tier extra from 700万 to 800万 share 0%\n"),
    .file(.tierOrder, replacing(2, with: "tier midhigh   from 20万 to 600万 share 2.5%").replacingOccurrences(
        of: "tier midhigh   from 20万 to 600万 share 2.5%\ntier private", with: "tier potential from 5万 to 20万   share 6%\ntier private")),
    .file(.holdsSharesNotWhole, replacing(2, with: "tier potential from 5万 to 20万   share 6%  holds deposit 60%") + "product deposit points 1\n"),
    .file(.managedByExpected, replacing(3, with: "tier midhigh   from 20万 to 600万 share 2.5% managed wealth_manager")),
    .file(.ratePeriodUnknown, replacing(1, with: "tier longtail  below 5万          share 91%  attrition 1% per week")),
    .file(.segmentShareMissing, minimal + "segment payroll\n"),
    .file(.productPointsMissing, minimal + "product deposit\n"),
    .file(.productTermNotPositive, minimal + "product a points 1 term 0 months\n"),
    .file(.productRetainWithoutTerm, minimal + "product a points 1 retain 50%\n"),
    .file(.roleHoursMissing, minimal + "role rm capacity 600 customers\n"),
    .file(.roleHoursNotPositive, minimal + "role rm hours 0 per week\n"),
    .file(.rolePeriodUnknown, minimal + "role rm hours 40 per fortnight\n"),
    .file(.branchTierPropertyExpected, replacing(6, with: "branch downtown { customers 2000  staff wealth_manager 2  tier potential 8% }")),
    .file(.branchTierPropertyFixed, replacing(6, with: "branch downtown { customers 2000  staff wealth_manager 2  tier potential managed by wealth_manager }")),
    .file(.networkHubMissing, minimal + "network city { satellites downtown }\n"),
    // Campaigns
    .file(.audienceInvalid, inCampaign("audience all")),
    .file(.audienceHostOutsideNetwork, inCampaign("at all\n  audience network") + "branch b2 { customers 10 }\nnetwork n { hub downtown }\n"),
    .file(.frequencyNotPositive, replacing(9, with: "  frequency 0 per week")),
    .file(.capacityStageExpected, inCampaign("capacity 20")),
    .file(.capacityStageNameExpected, inCampaign("capacity 20 at")),
    .file(.offbankExpected, replacing(12, with: "  amount fixed 1万 max")),
    .file(.referralTierExpected, inCampaign("referrals 10%")),
    .file(.effortStageNameExpected, inCampaign("effort stage")),
    .file(.effortUnitExpected, inCampaign("effort meeting wealth_manager 60 min")),
    .file(.staffCountNotPositive, inCampaign("effort occurrence wealth_manager 0x 60 min")),
    .file(.costUnitExpected, inCampaign("cost 500")),
    .file(.costUnitUnknown, inCampaign("cost 500 per meeting")),
    .file(.campaignEndsBeforeStart, inCampaign("starts 3 months\n  ends 2 months")),
    .file(.hostNamedTwice, inCampaign("at downtown, downtown")),
    .file(.targetTierTwice, replacing(8, with: "  target potential, potential")),
    .file(.weightNotPositive, replacing(8, with: "  target potential 0")),
    .file(.weightDivisionByZero, replacing(8, with: "  target potential 1/0")),
    .file(.balanceBandExpected, replacing(8, with: "  target potential where balance 3万")),
    .file(.balanceBandReversed, replacing(8, with: "  target potential where balance 5万..3万")),
    .file(.maturingWindowExpected, replacing(8, with: "  target potential where maturing deposit") + "product deposit points 1 term 1 year\n"),
    .file(.funnelStageNameExpected, replacing(11, with: "  funnel 100%")),
    .file(.funnelStageTwice, replacing(11, with: "  funnel reach 100% -> reach 50%")),
    .file(.buysProductTwice, inCampaign("buys deposit 50%, deposit 50%") + "product deposit points 1\n"),
    .file(.buysNoMoneyProduct, inCampaign("buys card 100%") + "product card points 5000 flat\n"),
    // MARK: journeys
    .file(.filterProductExpected, handoff("holds and new within 1 month")),
    .file(.filterParenUnexpected, handoff("upgraded or downgraded)")),
    .file(.filterWindowTooLong, handoff("upgraded within 200 years")),
    .file(.filterNewWithoutJoiners, handoff("new within 3 months")),
    .file(.filterTooComplex, handoff(Array(repeating: "upgraded", count: 61).joined(separator: " or "))),
    .file(.rankByExpected, inCampaign("rank gap")),
    .file(.rankWithoutChoice, replacing(10, with: "  contacts all\n  rank by balance desc")),
    .file(.quotaRoleAbsent, withLobbyRole(replacing(10, with: "  contacts 20 per lobby_manager"))),
    // Policy, enforce, scenario
    .file(.policyMaxExpected, minimal + "policy 2 contacts per month\n"),
    .file(.policyContactsExpected, minimal + "policy max 2 per month\n"),
    .file(.policyPeriodExpected, minimal + "policy max 2 contacts\n"),
    .file(.policyPerCustomerExpected, minimal + "policy max 2 contacts per month per branch\n"),
    .file(.enforceStaffExpected, minimal + "enforce budget\n"),
    .file(.horizonNotPositive, minimal + "scenario { horizon 0 months }\n"),
    .file(.stepUnknown, minimal + "scenario { step day }\n"),
    .file(.untilMetricExpected, minimal + "scenario { runs until }\n"),
    .file(.untilWithinExpected, minimal + "scenario { runs until uplift }\n"),
    .file(.untilPrecisionNotPositive, minimal + "scenario { runs until uplift within 0% }\n"),
    .file(.untilMetricUnknown, minimal + "scenario { runs until uplfit within 1% }\n"),
    // Variants and drop
    .file(.dropKindExpected, minimal + "variant v { drop x }\n"),
    .file(.dropNameExpected, minimal + "variant v { drop campaign }\n"),
    .file(.dropUnexpected, minimal + "variant v { drop campaign meet x }\n"),
    .file(.variantNamedBase, minimal + "variant base { }\n"),
    .file(.notAllowedInVariant, minimal + "variant v { run }\n"),
    // Actions
    .file(.runUnexpected, minimal + "run fast\n"),
    .file(.runVariantExpected, minimal + "run variant\n"),
    .file(.reportMetricsExpected, minimal + "run\nreport\n"),
    .file(.metricNameExpected, minimal + "run\nreport 5\n"),
    .file(.compareVariantExpected, minimal + "variant big { campaign meet { contacts 80 } }\ncompare base, 5\n"),
    .file(.compareVariantTwice, minimal + "compare base, base\n"),
    .file(.compareUnexpected, minimal + "variant big { campaign meet { contacts 80 } }\ncompare base, big independent x\n"),
    .file(.expectMetricExpected, minimal + "run\nexpect > 0\n"),
    .file(.expectRangeExpected, minimal + "run\nexpect uplift.mean within 5\n"),
    .file(.expectRangeReversed, minimal + "run\nexpect uplift.mean within 5..1\n"),
    .file(.expectUnexpected, minimal + "run\nexpect uplift.mean > 0 x\n"),
    .file(.exportLastExpected, minimal + "run\nexport to \"a.csv\"\n"),
    .file(.exportFileExpected, minimal + "run\nexport last to a.csv\n"),
    .file(.exportUnexpected, minimal + "run\nexport last to \"a.csv\" x\n"),
    // grain: named metrics, metric expressions, rankings
    .file(.metricEqualsExpected, minimal + "metric score 5\n"),
    .file(.metricTrailing, minimal + "metric score = uplift 2\n"),
    .file(.metricNameUnknown, minimal + "metric score = upliftt * 2\n"),
    .file(.metricCycle, minimal + "metric a = b + 1\nmetric b = a * 2\n"),
    .file(.metricNameTaken, minimal + "metric uplift = cost * 2\n"),
    .file(.metricStatisticInDefinition, minimal + "metric score = uplift.p95\n"),
    .file(.metricUnitUnknown, minimal + "metric score = uplift / cost as percent\n"),
    .file(.rankOutletsExpected, minimal + "run\nrank branches by uplift\n"),
    .file(.rankMetricExpected, minimal + "run\nrank outlets by\n"),
    .file(.rankMetricNotPerOutlet, minimal + "run\nrank outlets by new_customers\n"),
    .file(.rankUnexpected, minimal + "run\nrank outlets by uplift quickly\n"),
    .file(.productMarginPeriodExpected, minimal + "product fund points 1 margin 0.8%\n"),
    .file(.productFeeOnPurchaseExpected, minimal + "product fund points 1 fee 1% on sale\n"),
    .file(.roleCostPeriodExpected, minimal + "role rm hours 40 per week cost 150\n"),
    // Sweep
    .file(.sweepPathExpected, minimal + "sweep 5 over 1, 2\n"),
    .file(.sweepValuesExpected, minimal + "sweep meet.contacts 1, 2\n"),
    .file(.sweepRangeExpected, minimal + "sweep meet.contacts from 10 to 20\n"),
    .file(.sweepStepNotPositive, minimal + "sweep meet.contacts from 10 to 20 step 0\n"),
    .file(.sweepBackwards, minimal + "sweep meet.contacts from 50 to 10 step 10\n"),
    .file(.sweepNoValues, minimal + "sweep meet.contacts over\n"),
    .file(.sweepUnexpected, minimal + "sweep meet.contacts from 10 to 20 step 5 x\n"),
    // Shell edits
    .edit(.editValueExpected, ":set meet.contacts") { $0.set(path: "meet.contacts", value: "") },
    .edit(.editNotAPath, ":set meet 1") { $0.set(path: "meet", value: "1") },
    .edit(.editPathNameUnknown, ":set meat.contacts 1") { $0.set(path: "meat.contacts", value: "1") },
    .edit(.editPropertyUnknown, ":set meet.contact 1") { $0.set(path: "meet.contact", value: "1") },
    .edit(.editStageSingleValue, ":set meet.funnel.convert 30% 40%") { $0.set(path: "meet.funnel.convert", value: "30% 40%") },
    .edit(.editLetUnknown, ":set let m 1") { $0.set(path: "let m", value: "1") },
    .edit(.editLetSingleValue, ":set let n 1 2") { d in _ = d.enter("let n = 5"); return d.set(path: "let n", value: "1 2") },
    .edit(.editLetNumberExpected, ":set let n \"x\"") { d in _ = d.enter("let n = 5"); return d.set(path: "let n", value: "\"x\"") },
    .edit(.editStageUnset, ":unset meet.funnel.convert") { $0.unset(path: "meet.funnel.convert") },
    .edit(.editPropertyNotSet, ":unset meet.cooldown") { $0.unset(path: "meet.cooldown") },
    .edit(.editDropKindUnknown, ":drop run x") { $0.drop(kind: "run", name: "x") },
    .edit(.editDropNameUnknown, ":drop campaign meat") { $0.drop(kind: "campaign", name: "meat") },
    Trigger(id: .settingValueMissing, example: "branchsim run t.bsim --set meet.contacts=", run: {
        let o = FrontEnd.check(path: "t.bsim", settings: [("meet.contacts", "")], loader: InMemoryLoader(["t.bsim": minimal]))
        return (o.diagnostics, o.sources)
    }),
    // MARK: decisions
    .file(.inputArgumentsExpected, replacing(11, with: "  funnel reach 100% -> attend uncertain(60%, 80%) -> convert 40%")),
    .file(.inputOrder, replacing(11, with: "  funnel reach 100% -> attend uncertain(80%..60%) -> convert 40%")),
    .file(.inputBetaTooWide, replacing(11, with: "  funnel reach 100% -> attend beta(mean 50%, sd 60%) -> convert 40%")),
    .file(.decisionMetricExpected, minimal + "sensitivity uplift\n"),
    .file(.decisionNoInputs, minimal + "sensitivity of uplift\n"),
    .file(.decisionFactorExpected, minimal + "sensitivity of uplift over meet.contacts 20%\n"),
    .file(.decisionPathNotANumber, minimal + "sensitivity of uplift over meet.target ±20%\n"),
    .file(.decisionRunsExpected, minimal + "sensitivity of uplift over meet.contacts ±20% runs 1\n"),
    .file(.decisionUnexpected, minimal + "sensitivity of uplift over meet.contacts ±20% runs 20 x\n"),
    .file(.designLatinCountExpected, minimal + "sweep meet.contacts in 20..60 and meet.frequency in 1..3 latin 1\n"),
    .file(.designLevelsExpected, minimal + "sweep meet.contacts in 20..60 and meet.frequency over 1, 2\n"),
    .file(.designRangeExpected, minimal + "sweep meet.contacts over 20, 40 and meet.frequency over 1, 2 latin 5\n"),
    .file(.optimizeGoalExpected, minimal + "optimize uplift over meet.contacts in 20..60\n"),
    .file(.optimizeOverExpected, minimal + "optimize maximize uplift meet.contacts in 20..60\n"),
    .file(.optimizeConstraintExpected, minimal + "optimize maximize uplift over meet.contacts in 20..60 subject to cost\n"),
    .file(.optimizeWithinExpected, minimal + "optimize maximize uplift over meet.contacts in 20..60 within 5%\n"),
    .file(.decisionValueInvalid, minimal + "sensitivity of uplift over downtown.customers ±200%\n"),
    // MARK: uncertain
    .file(.inputBetaNotAmount, inCampaign("cost beta(mean 40%, sd 5%) per contact")),
    .file(.inputPathTwice, inCampaign("cost uncertain(10..20) per contact\n  cost triangular(1, 2, 4) per contact")),
    // MARK: calibrate
    .file(.observedBraceExpected, minimal + "observed seen funnel.meet.attend 300 ± 30\n"),
    .file(.observedFigureExpected, minimal + "observed seen { funnel.meet.attend 300 }\n"),
    .file(.observedToleranceNotPositive, minimal + "observed seen { funnel.meet.attend 300 ± 0 }\n"),
    .file(.observedEmpty, minimal + "observed seen {}\n"),
    .file(.observedMetricTwice, minimal + "observed seen {\n  uplift >= 1万\n  uplift <= 9万\n}\n"),
    .file(.calibrateToExpected, minimal + "observed seen { uplift >= 1万 }\ncalibrate meet.contacts in 20..60 step 20 runs 5\n"),
    .file(.calibrateObservedUnknown, minimal + "observed seen { uplift >= 1万 }\ncalibrate meet.contacts in 20..60 step 20 to sen\n"),
    .file(.calibrateRangeEmpty, minimal + "observed seen { uplift >= 1万 }\ncalibrate meet.contacts in 60..20 to seen\n"),
    .file(.calibratePathTwice, minimal + "observed seen { uplift >= 1万 }\ncalibrate meet.contacts in 20..60 step 20, meet.contacts in 1..2 to seen\n"),
    // MARK: uncertain2
    .file(.inputSharesExceed, replacing(1, with: "tier longtail  below 5万          share uncertain(83%..99%)")),
    .file(.inputSharesNoRemainder, minimal.replacingOccurrences(of: "share 91%", with: "share uncertain(90%..92%)")
        .replacingOccurrences(of: "share 6%", with: "share uncertain(5%..7%)").replacingOccurrences(of: "share 2.5%", with: "share uncertain(2%..3%)")
        .replacingOccurrences(of: "share 0.5%", with: "share uncertain(0%..1%)")),
]

/// IDs no test triggers yet. Each should get a trigger; none may be listed and triggered.
let untriggered: Set<DiagnosticID> = [
    // A funnel line cannot reach it: 'contacts' is a campaign property, so the line is split
    // before it, and "'contacts' is given twice" is reported instead.
    .funnelStageNameReserved,
]

/// Every trigger, bad inputs first, each with what it gave.
let everyTrigger: [Trigger] = badInputs.map { b in
    Trigger(id: nil, example: nil, run: { let o = check(b.source, files: b.files); return (o.diagnostics, o.sources) })
} + triggers + dataTriggers

@Suite struct DiagnosticCatalogueTests {
    static let outcomes: [(trigger: Trigger, diagnostics: [Diagnostic], sources: [String: SourceFile])] =
        everyTrigger.map { t in let r = t.run(); return (t, r.diagnostics, r.sources) }

    @Test func everyMessageMatchesItsPattern() {
        for (_, ds, _) in Self.outcomes {
            for d in ds {
                #expect(d.id.entry.matches(d.message), "\(d.id.rawValue): '\(d.message)' is not '\(d.id.entry.pattern)'")
                #expect(d.severity == d.id.entry.severity, "\(d.id.rawValue)")
            }
        }
    }

    @Test func everyIDIsTriggered() {
        var seen: Set<DiagnosticID> = []
        for (t, ds, _) in Self.outcomes {
            for d in ds { seen.insert(d.id) }
            if let id = t.id { #expect(ds.contains { $0.id == id }, "\(id.rawValue): got \(ds.map(\.message))") }
        }
        let missing = Set(DiagnosticID.allCases).subtracting(seen).subtracting(untriggered)
        #expect(missing.isEmpty, "no trigger for: \(missing.map(\.rawValue).sorted())")
        let listed = untriggered.intersection(seen)
        #expect(listed.isEmpty, "triggered, so remove from `untriggered`: \(listed.map(\.rawValue).sorted())")
    }

    @Test func idsAreUniqueAndWellFormed() {
        let raw = DiagnosticID.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        for r in raw { #expect(r.wholeMatch(of: /[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*/) != nil, "\(r)") }
    }

    /// The catalogue in docs/language.md is this code's: regenerate it with `make docs`.
    @Test func docsCatalogueIsCurrent() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/language.md").standardizedFileURL.path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let begin = try #require(text.range(of: Catalogue.begin)), end = try #require(text.range(of: Catalogue.end))
        let current = String(text[begin.upperBound..<end.lowerBound])
        let generated = Catalogue.markdown(Self.outcomes)
        if ProcessInfo.processInfo.environment["BRANCHSIM_WRITE_DOCS"] == "1" {
            try (String(text[..<begin.upperBound]) + generated + String(text[end.lowerBound...]))
                .write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        #expect(current == generated, "docs/language.md's diagnostics catalogue is stale: run 'make docs'")
    }
}

/// The diagnostics catalogue of docs/language.md, generated from `DiagnosticID` and the triggers.
enum Catalogue {
    static let begin = "<!-- catalogue: generated by `make docs` from DiagnosticID and its test triggers; do not edit -->\n"
    static let end = "<!-- end of catalogue -->"

    static let sections: [(title: String, domains: [String])] = [
        ("Lexical", ["lex"]), ("Syntax", ["syntax"]), ("Files and includes", ["file", "include"]),
        ("Names and lets", ["name"]), ("Properties", ["property", "value"]), ("Numbers and units", ["number"]),
        ("Distributions", ["distribution"]),
        ("Tiers, segments, products, roles, branches, networks", ["tier", "segment", "product", "role", "branch", "network"]),
        ("Campaigns", ["campaign", "filter"]), ("Policy, enforce, scenario", ["policy", "settings"]), ("Variants and drop", ["variant"]),
        ("Actions", ["action"]), ("Sweep", ["sweep"]), ("Shell edits (`:set`, `:unset`, `:drop`)", ["edit"]),
        ("Data files (`branches from`, `customers from`; docs/data.md)", ["data"]),
        // MARK: decisions
        ("Uncertain inputs and decisions", ["input", "decision"]),
        // MARK: calibrate
        ("Calibration (`observed`, `calibrate`)", ["observed", "calibrate"]),
    ]

    static func markdown(_ outcomes: [(trigger: Trigger, diagnostics: [Diagnostic], sources: [String: SourceFile])]) -> String {
        var example: [DiagnosticID: String] = [:]
        for (t, ds, sources) in outcomes {
            for d in ds where example[d.id] == nil && (t.id == nil || t.id == d.id) {
                if let shown = t.example {
                    example[d.id] = shown
                } else if d.location.line > 0, let file = sources[d.location.file] {
                    // An error at the end of a line points at the next one: show the line before.
                    var line = file.lineText(d.location.line).trimmingCharacters(in: .whitespaces)
                    if line.isEmpty || line == "}", d.location.line > 1 {
                        line = file.lineText(d.location.line - 1).trimmingCharacters(in: .whitespaces)
                    }
                    example[d.id] = line
                }
            }
        }
        let domains = Set(sections.flatMap(\.domains))
        precondition(DiagnosticID.allCases.allSatisfy { domains.contains(domain($0)) }, "a DiagnosticID domain has no section")
        var out = "\n"
        for (title, ds) in sections {
            let ids = DiagnosticID.allCases.filter { ds.contains(domain($0)) }.sorted { $0.rawValue < $1.rawValue }
            out += "### \(title)\n\n| id | message | help | example |\n|---|---|---|---|\n"
            for id in ids {
                let e = id.entry
                let message = (e.severity == .warning ? "warning: " : "") + code(e.pattern)
                out += "| `\(id.rawValue)` | \(message) | \(e.help.map(code) ?? "") | \(example[id].map { code(cut($0)) } ?? "—") |\n"
            }
            out += "\n"
        }
        return out
    }

    static func domain(_ id: DiagnosticID) -> String { String(id.rawValue.prefix { $0 != "." }) }

    /// A code span that survives a table cell.
    static func code(_ s: String) -> String {
        let escaped = s.replacingOccurrences(of: "|", with: "\\|")
        return escaped.contains("`") ? "`` \(escaped) ``" : "`\(escaped)`"
    }

    static func cut(_ s: String) -> String { s.count <= 70 ? s : String(s.prefix(69)) + "…" }
}

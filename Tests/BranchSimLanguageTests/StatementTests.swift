import Testing
@testable import BranchSimLanguage
import BranchSimModel

/// Each statement and property, checked into the model.
@Suite struct StatementTests {
    /// Whole occurrences with the fraction carried (MODEL.md): `1 per month` over a one-month
    /// horizon of weekly steps (4 steps, 0.92 of an occurrence) never runs, and says so.
    @Test func frequencyThatNeverComesDueWarns() {
        let monthly = minimal.replacingOccurrences(of: "frequency 2 per week", with: "frequency 1 per month")
        let o = check("scenario \"s\" { horizon 1 month }\n" + monthly)
        #expect(brief(o) == ["10:3 warning: campaign 'meet' never runs: 1 per month over its 4 weekly steps comes to 0.92 occurrences, and only whole occurrences run"])
        #expect(o.diagnostics.first?.notes == [.help("raise the frequency or lengthen the horizon (1 month is 4 weekly steps; a month is 52/12 weeks)")])
        // Monthly steps, a longer horizon or a higher rate: it runs, no warning.
        #expect(check("scenario \"s\" { horizon 1 month  step month }\n" + monthly).diagnostics.isEmpty)
        #expect(check("scenario \"s\" { horizon 5 weeks }\n" + monthly).diagnostics.isEmpty)
        #expect(check("scenario \"s\" { horizon 1 month }\n" + minimal).diagnostics.isEmpty)
        // A campaign that ends before its first occurrence comes due.
        let ending = monthly.replacingOccurrences(of: "amount fixed 1万", with: "amount fixed 1万  ends 3 weeks")
        #expect(brief(check(ending)).first?.contains("never runs: 1 per month over its 3 weekly steps comes to 0.69 occurrences") == true)
    }

    func program(_ src: String, files: [String: String] = [:]) throws -> CheckedProgram {
        let o = check(src, files: files)
        let clean = !o.hasErrors
        #expect(clean, "\(brief(o))")
        return try #require(o.program)
    }

    @Test func lexesNumbersWithScalesAndUnderscores() throws {
        let (tokens, problems) = Lexer.tokenize(SourceFile(path: "x", text: "5万 600万 1亿 20k 2M 1_000 2.5 35% 1.2x 3万..4万 -> ，"))
        #expect(problems.isEmpty)
        let values = tokens.compactMap { t -> Double? in if case .number(let v, _) = t.kind { return v } else { return nil } }
        #expect(values == [50_000, 6_000_000, 100_000_000, 20_000, 2_000_000, 1000, 2.5, 0.35, 1.2, 30_000, 40_000])
        #expect(tokens.contains { $0.kind == .dotdot } && tokens.contains { $0.kind == .arrow } && tokens.contains { $0.kind == .comma })
    }

    @Test func continuationLinesAndSemicolons() throws {
        let p = try program(minimal.replacingOccurrences(of: "  funnel reach 100% -> attend 50% -> convert 40%",
                                                         with: "  funnel reach 100% ->\n    attend 50% ->\n    convert 40%")
                            + "segment payroll share 25% in potential,\n  midhigh; segment mortgage share 5%\n")
        #expect(p.base.campaigns[0].funnel.map(\.name) == ["reach", "attend", "convert"])
        #expect(p.base.segments.map(\.name) == ["payroll", "mortgage"])
        #expect(p.base.segments[0].shareByTier == [0, 0.25, 0.25, 0])
    }

    @Test func scenarioSettings() throws {
        let p = try program(minimal + "scenario \"Test\" { horizon 6 months  step month  runs 500  seed 42  threads 2 }\n")
        #expect(p.base.title == "Test")
        #expect(p.base.settings == RunSettings(horizon: .months(6), step: .month, runs: .fixed(500), seed: 42, threads: 2))
        let q = try program(minimal + "scenario { runs until uplift within 1% max 4000 }\n")
        #expect(q.base.settings.runs == .until(metric: MetricPath(metric: "uplift"), relativeHalfWidth: 0.01, cap: 4000))
        let r = try program(minimal + "scenario { runs until uplift.mean within 2% }\n")
        #expect(r.base.settings.runs == .until(metric: MetricPath(metric: "uplift", statistic: .mean), relativeHalfWidth: 0.02, cap: 10_000))
    }

    @Test func defaults() throws {
        let p = try program("campaign c { target potential  frequency daily  contacts 10 }\n")
        #expect(p.base.tiers == LanguageDefaults.tiers)
        #expect(p.base.products == [Product(name: "deposit", points: 1)])
        #expect(p.base.branches.count == 1 && p.base.branches[0].customers == 20_000)
        #expect(p.base.settings == RunSettings())
        let c = p.base.campaigns[0]
        #expect(c.hosts == [0] && c.audience == .own && c.funnel.isEmpty)
        #expect(c.frequency == Rate(count: 1, per: .workday))
        #expect(c.buys == [ProductShare(product: 0, share: 1)])
        #expect(p.base.tiers.allSatisfy { $0.reachable == 1 && $0.offbank == 1 })
    }

    @Test func tiersWithEveryProperty() throws {
        let src = """
            product deposit points 1.0
            product wealth points 1.0
            product bond points 1.0 term 1 year retain 60%
            role rm hours 40 per week capacity 600 customers
            tier low below 5万 share 90% reachable 60% offbank 1.5x aum uniform(1k, 5万) holds deposit 70%, wealth 30% attrition 1% per month growth 0.5% per month
            tier high from 5万 share 10% managed by rm aum pareto(min 5万, alpha 1.5)
            branch b { customers 100  offbank 2x  tier high share 20% reachable 50%
              tier low share 80% }

            """
        let p = try program(src)
        let t = p.base.tiers
        #expect(t[0] == Tier(name: "low", low: 0, high: 50_000, share: 0.9, reachable: 0.6, offbank: 1.5, aum: .uniform(1000, 50_000),
                            holds: [ProductShare(product: 0, share: 0.7), ProductShare(product: 1, share: 0.3)],
                            attritionPerMonth: 0.01, growthPerMonth: 0.005))
        #expect(t[1].managedBy == 0 && t[1].high == nil && t[1].aum == .pareto(min: 50_000, alpha: 1.5))
        #expect(p.base.products[2] == Product(name: "bond", points: 1, term: .years(1), retain: 0.6))
        #expect(p.base.roles[0] == Role(name: "rm", hoursPerWeek: 40, capacityCustomers: 600))
        let b = p.base.branches[0]
        #expect(b.tiers[1].share == 0.2 && b.tiers[1].reachable == 0.5 && b.tiers[0].share == 0.8)
        #expect(b.tiers.allSatisfy { $0.offbank == 2 })
    }

    @Test func campaignWithEveryProperty() throws {
        let src = minimal + """
            product deposit points 1.0
            product card points 5000 flat
            product bond points 1.0 term 1 year
            segment payroll share 25%
            branch uptown { customers 3000 }
            network city { hub downtown  satellites uptown }
            campaign big {
              at satellites
              audience network
              channel sms
              target potential 2/3, midhigh 1/3 where balance 3万..5万
              frequency 1 per 2 weeks
              contacts all
              funnel reach 70% -> attend 35% -> convert 45%
              capacity 15 at attend
              amount share 30% of offbank max offbank
              buys deposit 90%, card 10%
              cooldown 30 days
              referrals 10% new potential
              effort occurrence wealth_manager 2 x 90 min
              effort stage attend wealth_manager 1 h
              effort conversion wealth_manager 3x 10 min
              cost 3000 per occurrence
              cost 0.5 per contact
              starts 1 month
              ends 40 weeks
            }
            campaign follow {
              at downtown
              target all where maturing bond within 1 month
              frequency weekly
              contacts 10
              amount fixed 1万
            }

            """
        let p = try program(src.replacingOccurrences(of: "branch downtown { customers 2000  staff wealth_manager 2 }",
                                                     with: "branch downtown { customers 2000  staff wealth_manager 2 }\n")
                            .replacingOccurrences(of: "campaign meet {", with: "campaign meet {\n  at downtown"))
        let c = p.base.campaigns[1]
        #expect(c.hosts == [1] && c.audience == .network && c.hostNetworks == [0] && c.channel == .sms)
        #expect(c.targets.count == 2 && abs(c.targets[0].weight - 2.0 / 3) < 1e-12 && c.weightedTargets)
        #expect(!p.base.campaigns[0].weightedTargets)
        #expect(c.filter == .balance(low: 30_000, high: 50_000))
        #expect(c.frequency == Rate(count: 1, per: .weeks(2)) && c.contacts == .all)
        #expect(c.capacity == StageCapacity(limit: 15, stage: 1))
        #expect(c.amount == .shareOfOffbank(0.3) && c.capByOffbank)
        #expect(c.buys == [ProductShare(product: 0, share: 0.9), ProductShare(product: 1, share: 0.1)])
        #expect(p.base.products.map(\.name) == ["deposit", "card", "bond"])
        #expect(c.cooldown == .days(30) && c.referrals == Referrals(probability: 0.1, tier: 1))
        #expect(c.effort == [Effort(unit: .occurrence, role: 0, people: 2, minutes: 90), Effort(unit: .stage(1), role: 0, people: 1, minutes: 60),
                             Effort(unit: .conversion, role: 0, people: 3, minutes: 10)])
        #expect(c.cost == [Cost(amount: 3000, unit: .occurrence), Cost(amount: 0.5, unit: .contact)])
        #expect(c.starts == .months(1) && c.ends == .weeks(40))
        #expect(p.base.campaigns[2].filter == .maturing(2, within: .months(1)))
        #expect(p.base.campaigns[2].targets.count == 4)
    }

    @Test func policyEnforceAndLets() throws {
        let p = try program("let guests = 20\nlet meetings = guests / 10 + 1\n" + minimal.replacingOccurrences(of: "contacts 40", with: "contacts (guests * 2)")
                                .replacingOccurrences(of: "frequency 2 per week", with: "frequency meetings per week")
                            + "policy max 2 contacts per month\nenforce staff\n")
        #expect(p.base.campaigns[0].contacts == .count(40))
        #expect(p.base.campaigns[0].frequency == Rate(count: 3, per: .week))
        #expect(p.base.policy == ContactPolicy(maxContacts: 2, period: .month))
        #expect(p.base.enforceStaff)
    }

    @Test func includeReadsAnotherFile() throws {
        let p = try program("include \"common.bsim\"\ncampaign c { target potential  frequency daily  contacts 10 }\n",
                            files: ["common.bsim": "role rm hours 40 per week\n"])
        #expect(p.base.roles.map(\.name) == ["rm"])
    }

    @Test func variantsOverrideAddAndDrop() throws {
        let src = minimal + """
            policy max 3 contacts per month
            variant bigger {
              campaign meet { contacts 80 }
              campaign extra { target midhigh  frequency monthly  contacts 5  amount fixed 5万 }
              drop policy
              tier potential share 6% reachable 50%
            }
            variant none { drop campaign meet }
            run variant bigger
            compare base, bigger, none on uplift, funnel
            expect compare.uplift.diff.mean > 0

            """
        let p = try program(src)
        let big = try #require(p.scenario(named: "bigger"))
        #expect(big.campaigns.map(\.name) == ["meet", "extra"])
        #expect(big.campaigns[0].contacts == .count(80))
        #expect(big.campaigns[0].funnel == p.base.campaigns[0].funnel)
        #expect(big.policy == nil && p.base.policy != nil)
        #expect(big.tiers[1].reachable == 0.5)
        #expect(p.scenario(named: "none")?.campaigns.isEmpty == true)
        #expect(p.actions.map(\.action) == [
            .run(runs: nil, variant: "bigger"),
            .compare(variants: ["base", "bigger", "none"], metrics: ["uplift", "funnel"], independent: false),
            .expect(Expectation(path: MetricPath(scope: .compareDiff, metric: "uplift", statistic: .mean),
                                condition: .compare(.greater, 0), text: "expect compare.uplift.diff.mean > 0")),
        ])
    }

    @Test func actions() throws {
        let p = try program(minimal + """
            run runs 200
            report uplift, funnel.meet, staffing.wealth_manager.fte
            expect upgrades.potential_to_midhigh.p95 within 0..100
            export last to "out.csv"

            """)
        #expect(p.actions.map(\.action) == [
            .run(runs: .fixed(200), variant: nil),
            .report(["uplift", "funnel.meet", "staffing.wealth_manager.fte"]),
            .expect(Expectation(path: MetricPath(metric: "upgrades.potential_to_midhigh", statistic: .p95), condition: .within(0, 100),
                                text: "expect upgrades.potential_to_midhigh.p95 within 0..100")),
            .export(path: "out.csv"),
        ])
        #expect(p.actions[0].location == SourceLocation(file: "t.bsim", line: 14, column: 1))
    }

    @Test func withinTakesPercentagesAndNegativeBounds() throws {
        // A share's range is written as percentages, as on the right of a comparison.
        let p = try program(minimal + "run\nexpect funnel.meet.convert.mean within 40%..60%\nexpect uplift.mean within -5万..5万\n")
        let conditions = p.actions.compactMap { a -> BranchSimModel.Expectation.Condition? in
            if case .expect(let e) = a.action { return e.condition } else { return nil }
        }
        #expect(conditions.count == 2)
        if case .within(let a, let b)? = conditions.first { #expect(abs(a - 0.4) < 1e-12 && abs(b - 0.6) < 1e-12) } else { Issue.record("\(conditions)") }
        #expect(conditions.last == .within(-50_000, 50_000))
    }

    @Test func sweepsApplyValuesAndRecheck() throws {
        let p = try program(minimal + """
            let n = 30
            sweep meet.funnel.convert from 30% to 50% step 10% on uplift, conversions
            sweep meet.frequency over 1, 3
            sweep downtown.customers over 1000, 5000
            sweep let n over 10, 20
            sweep scenario.runs over 100, 200

            """)
        guard case .sweep(let path, let points, let metrics) = p.actions[0].action else { Issue.record("not a sweep"); return }
        #expect(path == "meet.funnel.convert" && metrics == ["uplift", "conversions"])
        #expect(points.map(\.label) == ["30%", "40%", "50%"])
        #expect(points.map { $0.scenario.campaigns[0].funnel[2].probability } == [0.3, 0.4, 0.5])
        guard case .sweep(_, let f, _) = p.actions[1].action else { Issue.record("not a sweep"); return }
        #expect(f.map { $0.scenario.campaigns[0].frequency } == [Rate(count: 1, per: .week), Rate(count: 3, per: .week)])
        guard case .sweep(_, let b, _) = p.actions[2].action else { Issue.record("not a sweep"); return }
        #expect(b.map { $0.scenario.branches[0].customers } == [1000, 5000])
        guard case .sweep(_, let r, _) = p.actions[4].action else { Issue.record("not a sweep"); return }
        #expect(r.map { $0.scenario.settings.runs } == [.fixed(100), .fixed(200)])
    }

    /// A stage whose probability is a `let` name is swept like one given as a number (the
    /// sweep said the stage did not exist).
    @Test func sweepsAStageGivenByALet() throws {
        for probability in ["rate", "30%"] {
            let p = try program(minimal.replacingOccurrences(of: "convert 40%", with: "convert \(probability)")
                                + "let rate = 35%\nsweep meet.funnel.convert over 20%, 60%\n")
            guard case .sweep(_, let points, _) = p.actions[0].action else { Issue.record("not a sweep"); return }
            #expect(points.map { $0.scenario.campaigns[0].funnel[2].probability } == [0.2, 0.6], "\(probability)")
        }
    }

    /// A comment after a `let` value is a comment, as after any statement (it was "unexpected
    /// '# hi' after the value of 'let a'"), and formatting keeps it on its line.
    @Test func commentAfterALetValue() throws {
        let src = "let guests = 12 # per meeting\n" + minimal.replacingOccurrences(of: "contacts 40", with: "contacts guests")
        #expect(brief(check(src)).isEmpty)
        #expect(try Formatter.format(src, file: "t.bsim").hasPrefix("let guests = 12  # per meeting\n"))
        #expect(brief(check("let a = 1 2\n")) == ["1:11 error: unexpected '2' after the value of 'let a'"])
    }

    @Test func noMetricCascadeWhenTheScenarioHasErrors() {
        let o = check(replacing(8, with: "  target potentail") + "run\nreport uplift, funnel\nexpect uplift.mean > 0\n")
        #expect(brief(o) == ["8:10 error: unknown tier 'potentail'"])
    }

    @Test func aRejectedTokenIsReportedOnce() {
        #expect(brief(check(replacing(10, with: "  contacts 40kg"))) == ["10:14 error: unknown number suffix 'kg'"])
        #expect(brief(check(replacing(1, with: "tier longtail below 5万 share 91%kg"))) == ["1:33 error: unknown number suffix 'kg'"])
    }

    @Test func reportsEveryProblemNotOnlyTheFirst() {
        let o = check(minimal.replacingOccurrences(of: "target potential", with: "target potentail")
                      .replacingOccurrences(of: "attend 50%", with: "attend 150%")
                      .replacingOccurrences(of: "staff wealth_manager 2", with: "staff welth_manager 2"))
        #expect(o.errors.count == 3, "\(brief(o))")
    }
}

/// Issue 14, item 7: written weights, equal or not, are weights; a plain list is not.
@Test func writtenEqualWeightsAreWeights() throws {
    for (target, weighted) in [("target potential 1/2, midhigh 1/2", true), ("target potential, midhigh", false),
                               ("target potential 0.5001, midhigh 0.4999", true), ("target all", false)] {
        let o = check(replacing(8, with: "  " + target))
        #expect(o.diagnostics.filter { $0.severity == .error }.isEmpty, "\(target): \(brief(o))")
        #expect(o.program?.base.campaigns.first?.weightedTargets == weighted, "\(target)")
    }
}

/// Issue 14, item 5: `contacts N per ROLE`, and a quota on a role a host branch lacks.
@Test func contactsPerRole() throws {
    let ok = check(replacing(10, with: "  contacts 20 per wealth_manager"))
    #expect(ok.diagnostics.isEmpty, "\(brief(ok))")
    #expect(ok.program?.base.campaigns.first?.contacts == .perRole(20, 0))
    let absent = check(withLobbyRole(replacing(10, with: "  contacts 20 per lobby_manager")))
    #expect(brief(absent) == ["11:19 error: campaign 'meet' makes 20 contacts per 'lobby_manager', but branch 'downtown' has no 'lobby_manager' on hand"])
    #expect(absent.diagnostics.first?.id == .quotaRoleAbsent)
    #expect(absent.diagnostics.first?.notes.contains { "\($0)".contains("staff lobby_manager N") } == true)
    let unknown = check(replacing(10, with: "  contacts 20 per teller"))
    #expect(brief(unknown).first?.hasPrefix("10:19 error: unknown role 'teller'") == true, "\(brief(unknown))")
}

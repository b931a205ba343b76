/// The shell's own help topics. The backend may add topics or replace one with a fuller text.
public enum HelpText {
    public static let topics = ["statements", "campaign", "metrics", "commands", "keys"]

    public static let overview = """
        Type statements of the scenario language at the prompt; each runs when it is complete.
        A line ending in `,` or `->`, or an open `{` or `(`, continues on the next line (...>).

          tier potential from 5万 to 20万 share 6%
          campaign upgrade_meeting { ... }
          run runs 500
          report uplift, funnel

        Commands start with `:`, also at ...> in the middle of a statement (:cancel drops it);
        `help`, `quit` and `exit` alone on a line work too. Help topics (:help TOPIC):
          statements   every statement, one line each
          campaign     the properties of a campaign, with an example
          metrics      metric paths for report, expect, compare and sweep
          commands     :load, :save, :show, :set, ...
          keys         editing keys, history, Tab, Ctrl-C and Ctrl-D
        """

    public static func text(for topic: String) -> String? {
        switch topic {
        case "statements": return statements
        case "campaign", "campaigns": return campaign
        case "metrics", "metric": return metrics
        case "commands", "command": return commands
        case "keys", "key", "editing": return keys
        default: return nil
        }
    }

    static let statements = """
        Statements (KEYWORD [NAME] [properties] [{ property lines }]):
          scenario "title" { horizon 12 months  step week  runs 2000  seed 1 }
          tier NAME from 5万 to 20万 share 6% reachable 75% [managed by ROLE]
          segment NAME share P [in TIER]
          product NAME points 1.2 | points 5000 flat [term D retain P] [margin 0.8% per year] [fee 1% on purchase]
          role NAME hours 40 per week [capacity 600 customers] [cost 150 per hour]
          branch NAME { customers 20000  offbank 1.0x  staff ROLE n, ... }
          network NAME { hub B  satellites B1, B2 }
          campaign NAME { ... }                   (:help campaign)
          policy max 2 contacts per month [per customer]
          enforce staff
          let NAME = EXPR
          metric NAME = EXPR [as UNIT]            a metric computed in each run, e.g. metric score = 40% * uplift / 1万 + 60% * conversions
                                                  (as share prints a percentage; also money, count, hours, fte, ratio)
          variant NAME { statements, drop KIND NAME, campaign X { overrides } }
          run [runs N] [variant V]                simulate and print the default report (N at most 1000000)
          report METRIC, ...                      tables for the last run
          compare A, B on METRIC, ...             paired runs of variants (base = no variant)
          sweep PATH over V1, V2, ... | from A to B step S
          sweep P1 over V, ... and P2 over V, ...  every combination (full factorial)
          sweep P1 in A..B and P2 in A..B latin N  a Latin hypercube of N points
          sensitivity of METRIC [over PATH ±P%, ...] [runs N]   rank the uncertain inputs (tornado), inputs vs noise
          optimize maximize|minimize METRIC over PATH in A..B [step S], ... [subject to METRIC-PATH OP VALUE, ...]
                                                  the best plan, chosen with a 95% guarantee (:save --chosen FILE)
          expect METRIC-PATH OP VALUE             e.g. expect uplift.mean > 0
          expect METRIC-PATH OP EXPR              e.g. expect staffing.hub.wealth_manager.fte.p95 <= staffing.hub.wealth_manager.available
          rank outlets by METRIC [echelons 5]     each outlet's rank over runs and its chance of each echelon
          observed NAME { METRIC VALUE ± TOL, METRIC >= X, ... }   figures the bank has seen
          calibrate PATH in A..B [step S], ... to NAME [runs N]   fit the paths to them (:save --chosen writes the fit)
          export last to "file.csv|json|html"
          include "file.bsim"
          branches from "outlets.csv"             the bank's outlets (docs/data.md)
          customers from "customers.csv" | "crm.sqlite" table T   its customers: replace the drawn ones
        Files are read only in the working directory's tree (branchsim repl --allow-path DIR for more);
        export overwrites a file outside it only with branchsim repl --force.
        Numbers: 20000, 2.5, 1_000, 5k, 2M, 5万, 1亿, 45%. Durations: 60 min, 8 weeks, 3 months.
        """

    static let campaign = """
        A campaign works a funnel at one or more branches, a number of times per step:
          campaign upgrade_meeting {
            at downtown                      (BRANCH | all | hub | satellites)
            channel event                    (event phone ai_call sms wechat lobby visit mgm)
            target potential                 (TIER [weight], ... [where SEGMENT | balance A..B])
            frequency 2 per week
            contacts 40                      (or: contacts all, contacts 20 per wealth_manager)
            funnel reach 100% -> accept 45% -> attend 70% -> convert 40%
            capacity 20 at attend
            amount lognormal(median 6万, p90 20万) max offbank
            buys deposit 50%, wealth 30%, fund 20%
            cooldown 8 weeks
            effort occurrence wealth_manager 1 x 60 min
            cost 1500 per occurrence         (per contact|conversion|month, or: cost 5万 once)
          }
        Also: audience own|network, referrals P new TIER, starts D, ends D.
        Written weights split the contacts (target potential 1/2, midhigh 1/2); a plain list draws from the tiers together.
        Under 'enforce staff' an occurrence the hours only partly cover makes the contacts they cover (served_in_part).
        Amounts: fixed X, uniform(A, B), lognormal(median M, p90 Q), share P of offbank, pareto(min M, alpha A).
        Unsure of a number? Draw it once per run: convert uncertain(35%..45%), attend triangular(60%, 70%, 80%),
          accept beta(mean 40%, sd 5%), amount fixed uncertain(3万..5万), amount lognormal(median uncertain(4万..8万), p90 20万),
          referrals uncertain(2%..8%) new TIER, cost triangular(8, 10, 15) per contact (reported as input.PATH);
          a product's fee uncertain(0.5%..1.5%) on purchase, margin uncertain(0.6%..1%) per year and retain uncertain(60%..90%);
          a tier's share uncertain(4%..8%) (the lowest tier with a number takes the rest), reachable beta(mean 60%, sd 10%),
          attrition uncertain(0%..2%) per month and growth triangular(-1%, 1%, 4%) per year (input.TIER.KIND, input.BRANCH.TIER.KIND).
        Change one property later with :set, e.g. :set upgrade_meeting.funnel.convert 50%
        """

    static let metrics = """
        Metric paths (report, expect, compare, sweep):
          uplift  uplift.BRANCH  uplift.TIER  aum.start  aum.end
          upgrades  upgrades.FROM_to_TO  downgrades  migration.FROM.TO
          funnel.CAMPAIGN.STAGE  conversions.CAMPAIGN  turned_away  unserved  new_customers
          cost  uplift_per_cost  staffing.ROLE.hours  staffing.ROLE.fte  staffing.ROLE.managed_fte
          subscribed.CAMPAIGN  upgraded.CAMPAIGN  funnel.CAMPAIGN.STAGE.TIER (by start tier)
          report attribution.CAMPAIGN: the funnel, conversions and money by start tier
          per outlet: outlet.BRANCH.uplift .upgrades .conversions .cost  staffing.BRANCH.ROLE.fte ...
          input.CAMPAIGN.STAGE .amount .referrals .cost.UNIT  input.PRODUCT.fee .margin .retain
          input.TIER.share .reachable .attrition .growth (and input.BRANCH.TIER....: a branch's own) (uncertain inputs' draws)
          after sensitivity: sensitivity.PATH.effect .rank, sensitivity.spread.input_share; after optimize: optimize.best, optimize.PATH
        Add a statistic: .mean .sd .p5 .p50 .p95 .ci_low .ci_high (expect uses .mean if none).
        After compare: compare.METRIC.diff.STAT (later minus first) and compare.METRIC.prob_better.
          report uplift, funnel, staffing
          expect staffing.wealth_manager.fte.p95 <= 2
          compare base, more_meetings on uplift
        Tab completes metric paths after report, expect, sweep and compare ... on.
        """

    static var commands: String {
        let width = ShellCommand.usage.map(\.usage.count).max() ?? 0
        let lines = ShellCommand.usage.map { "  " + $0.usage.padding(width) + "  " + $0.summary }
        return "Commands:\n" + lines.joined(separator: "\n") + """

            Examples:
              :load scenarios/potential-upgrade.bsim
              :set upgrade_meeting.contacts 60
              :save my-plan.bsim --force
              :format csv
              :output results.csv
            """
    }

    static let keys = """
        Editing keys (emacs style; ~/.editrc is read):
          Tab          complete a keyword, name, metric path or file name;
                       several matches: what they share is inserted and they are listed
          Up / Down    earlier / later history entries (also Ctrl-P / Ctrl-N)
          Ctrl-R       search the history backwards
          Ctrl-A / E   start / end of the line;  Ctrl-K delete to the end; Ctrl-U the whole line
          Ctrl-C       at the prompt: drop the line (and an unfinished statement);
                       during a run: stop the run and return to the prompt
          :cancel      at ...>: drop the unfinished statement (:buffer prints it)
          Ctrl-D       on an empty line: leave the shell
        History is kept in $XDG_STATE_HOME/branchsim/history (or ~/.local/state/branchsim/history;
        BRANCHSIM_HISTORY overrides it). :history N shows the last N entries.
        """
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

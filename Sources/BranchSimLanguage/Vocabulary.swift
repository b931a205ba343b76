import BranchSimModel

/// The words of the language, for completion, suggestions and the parser's property splitting.
public enum LanguageVocabulary {
    /// Statement keywords.
    public static let keywords: [String] = StatementKind.allCases.filter { $0 != .drop }.map(\.rawValue)

    /// Property names per statement (in the order the reference lists them).
    /// (From the typed keys in PropertyKeys.swift.)
    public static let properties: [String: [String]] = [
        StatementKind.scenario.rawValue: ScenarioKey.names,
        StatementKind.tier.rawValue: TierKey.names,
        StatementKind.segment.rawValue: SegmentKey.names,
        StatementKind.product.rawValue: ProductKey.names,
        StatementKind.role.rawValue: RoleKey.names,
        StatementKind.branch.rawValue: BranchKey.names,
        StatementKind.network.rawValue: NetworkKey.names,
        StatementKind.campaign.rawValue: CampaignKey.names,
    ]

    /// Tier properties a branch may override with `tier NAME ...`.
    public static let branchTierProperties = TierKey.branchOverridable.map(\.rawValue)

    /// Words inside a property's value that must not start a new property (`capacity 15 at attend`).
    static let connectors: [String: Set<String>] = ["capacity": ["at"]]

    public static let channels: [String] = Channel.allCases.map(\.rawValue)
    public static let distributions = ["fixed", "uniform", "lognormal", "share", "pareto"]
    /// The distributions of an uncertain input (docs/language.md, "Uncertain inputs").
    public static let inputDistributions = ["uncertain", "triangular", "beta"]
    /// The words of the decision statements and designed sweeps after their keyword.
    public static let decisionWords = ["of", "over", "runs", "maximize", "minimize", "in", "step", "subject", "within", "and", "latin"]
    public static let calendarUnits = ["day", "days", "workday", "workdays", "week", "weeks", "month", "months", "year", "years"]
    public static let staffTimeUnits = ["min", "mins", "minute", "minutes", "h", "hour", "hours"]
    public static let rateWords = ["per", "daily", "weekly", "monthly"]
    public static let numberSuffixes = ["k", "M", "万", "亿", "%", "x"]
    public static let effortUnits = ["occurrence", "contact", "conversion", "stage"]
    public static let costUnits = ["occurrence", "contact", "conversion", "month"]
    public static let statistics: [String] = Statistic.allCases.map(\.rawValue)
    /// Shell-side declarations kinds for `drop KIND NAME`.
    public static let droppableKinds = ["tier", "segment", "product", "role", "branch", "network", "campaign", "policy", "let"]

    private static let keySets: [StatementKind: Set<String>] = Dictionary(
        uniqueKeysWithValues: StatementKind.allCases.map { ($0, Set(properties[$0.rawValue] ?? [])) })

    static func keys(for kind: StatementKind) -> Set<String> { keySets[kind] ?? [] }

    /// One-line syntax of each statement (for the shell's `:help TOPIC`; docs/language.md has the rest).
    public static let synopsis: [String: String] = [
        "scenario": "scenario \"title\" { horizon 12 months  step week|month  runs N | runs until METRIC within P% [max N]  seed N  threads N }",
        "tier": "tier NAME below X | from X to Y | from X  share P  [reachable P] [offbank Nx] [aum DIST] [holds PRODUCT P, ...] [managed by ROLE] [attrition P per month] [growth P per month]",
        "segment": "segment NAME share P [in TIER, ...]",
        "product": "product NAME points C [flat] [term D retain P] [margin M per year] [fee F on purchase]",
        "role": "role NAME hours H per week [capacity K customers] [cost Y per hour]",
        "branch": "branch NAME { customers N  offbank Nx  staff ROLE n, ...  tier TIER share P reachable P ... }",
        "network": "network NAME { hub BRANCH  satellites B1, B2 }",
        "campaign": "campaign NAME { at BRANCH|all|hub|satellites  audience own|network  channel C  target TIER [w], ... [where CONDITION: SEGMENT | balance A..B | maturing PRODUCT within D | holds PRODUCT | products >= N | passed CAMPAIGN.STAGE [within D] | converted CAMPAIGN [within D] | contacted [CAMPAIGN] [within D] | new within D | upgraded [within D] | downgraded [within D], with and, or, not, ( )]  frequency R  contacts N|all  funnel stage P -> ...  capacity C at STAGE  amount DIST [max offbank]  buys PRODUCT P, ...  cooldown D  referrals P new TIER  effort UNIT ROLE [n x] TIME  cost X per UNIT  starts D  ends D  rank by gap|balance desc|balance asc|last_contact }",
        "policy": "policy max N contacts per PERIOD [per customer]",
        "enforce": "enforce staff",
        "let": "let NAME = EXPR   (+ - * /, parentheses, numbers, other lets)",
        "variant": "variant NAME { statements  drop KIND NAME  campaign X { overrides } }",
        "run": "run [runs N | runs until METRIC within P% [max N]] [variant V]",
        "report": "report METRIC, ...",
        "compare": "compare A, B [, C] on METRIC, ... [independent]",
        "sweep": "sweep PATH over V1, V2, ... | from A to B step S [on METRIC, ...]",
        "expect": "expect METRIC-PATH >|>=|<|<=|==|!= VALUE | EXPR OF METRIC-PATHS | within A..B",
        "metric": "metric NAME = EXPR [as share|money|count|hours|fte|ratio]   (+ - * /, parentheses, numbers, lets, metrics; computed in each run)",
        "rank": "rank outlets by METRIC [echelons E]",
        "export": "export last to \"FILE.csv|json|html\"",
        "include": "include \"file.bsim\"",
        "branches": "branches from \"outlets.csv\"   (columns: name, customers, network, role, staff_ROLE, share_TIER ...)",
        "customers": "customers from \"customers.csv\" | \"crm.sqlite\" table NAME   (columns: outlet, balance_PRODUCT ...)",
        // MARK: decisions
        "sensitivity": "sensitivity of METRIC [over PATH ±P%, ...] [runs N]",
        "optimize": "optimize maximize|minimize METRIC over PATH in A..B [step S], ... [subject to METRIC-PATH OP VALUE, ...]",
        // MARK: calibrate
        "observed": "observed NAME { METRIC VALUE ± TOL | METRIC >=|<= VALUE [± TOL], ... }   (figures the bank has seen)",
        "calibrate": "calibrate PATH in A..B [step S], ... to OBSERVED [runs N]   (fit to an observed set; PATH may be 'let NAME')",
    ]
}

/// Whether typed text is unfinished: an open `{` or `(`, or a last line ending in `,` or `->`.
public enum InputCompleteness {
    public static func needsMore(_ text: String) -> Bool {
        let (tokens, _) = Lexer.tokenize(SourceFile(path: "<input>", text: text))
        var braces = 0, parens = 0
        var last: TokenKind?
        for t in tokens {
            switch t.kind {
            case .lbrace: braces += 1
            case .rbrace: braces -= 1
            case .lparen: parens += 1
            case .rparen: parens -= 1
            default: break
            }
            switch t.kind {
            case .comment, .eof, .newline: break
            default: last = t.kind
            }
        }
        if braces > 0 || parens > 0 { return true }
        return last == .comma || last == .arrow
    }

    /// Whether `text` parses cleanly and only declares (no action, `include` or `drop`):
    /// a script may then enter it together with the declarations after it.
    public static func onlyDeclares(_ text: String) -> Bool {
        let (unit, problems) = Parser.parse(SourceFile(path: "<stdin>", text: text))
        return problems.isEmpty && !unit.statements.isEmpty && unit.statements.allSatisfy {
            !$0.kind.isAction && $0.kind != .include && $0.kind != .drop
        }
    }
}

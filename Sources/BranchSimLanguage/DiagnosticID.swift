/// A diagnostic's stable identity, as swift-syntax's `MessageID`: `domain.name`, the same
/// in every release, shown by `branchsim check --format json` (`"id"`) and listed in the
/// catalogue of docs/language.md (generated from `DiagnosticID.allCases` and `entry`).
///
/// An ID keeps its meaning for good: a message's wording may improve, its ID does not
/// change; a new kind of problem gets a new ID; an ID no longer emitted stays reserved.
public enum DiagnosticID: String, CaseIterable, Sendable, Hashable, Codable {

    // MARK: Lexical

    case numberLiteralTooLarge = "lex.number-too-large"
    case unexpectedBang = "lex.unexpected-bang"
    case unexpectedCharacter = "lex.unexpected-character"
    case unexpectedDot = "lex.unexpected-dot"
    case unknownEscape = "lex.unknown-escape"
    case unknownNumberSuffix = "lex.unknown-number-suffix"
    case unterminatedString = "lex.unterminated-string"

    // MARK: Syntax

    case blockNested = "syntax.block-nested"
    case blockTrailing = "syntax.block-trailing"
    case blockUnclosed = "syntax.block-unclosed"
    case callArgumentUnclosed = "syntax.call-argument-unclosed"
    case callUnclosed = "syntax.call-unclosed"
    case expressionTooDeep = "syntax.expression-too-deep"
    case expressionTooLong = "syntax.expression-too-long"
    case letEqualsExpected = "syntax.let-equals-expected"
    case letTrailing = "syntax.let-trailing"
    case nameContainsDot = "syntax.name-contains-dot"
    case nameExpected = "syntax.name-expected"
    case operandExpected = "syntax.operand-expected"
    case parenUnclosed = "syntax.paren-unclosed"
    case parenUnexpected = "syntax.paren-unexpected"
    case propertyNameExpected = "syntax.property-name-expected"
    case statementExpected = "syntax.statement-expected"
    case statementTrailing = "syntax.statement-trailing"
    case unexpectedCloseBrace = "syntax.unexpected-close-brace"
    case variantBraceExpected = "syntax.variant-brace-expected"
    case variantUnclosed = "syntax.variant-unclosed"

    // MARK: Files and includes

    case includeCycle = "include.cycle"
    case includeFileExpected = "include.file-expected"
    case includeTooDeep = "include.too-deep"
    case includeUnreadable = "include.unreadable"
    case tooManyProblems = "file.too-many-problems"
    case fileUnreadable = "file.unreadable"

    // MARK: Names and lets

    case divisionByZero = "name.division-by-zero"
    case duplicateDeclaration = "name.duplicate"
    case letNotFinite = "name.let-not-finite"
    case referenceExpected = "name.reference-expected"
    case referenceMissing = "name.reference-missing"
    case referenceUnknown = "name.reference-unknown"
    case nameUnknown = "name.unknown"

    // MARK: Properties

    case propertyGivenTwice = "property.given-twice"
    case unknownProperty = "property.unknown"
    case valueUnexpected = "value.unexpected"

    // MARK: Numbers and units

    case amountExpected = "number.amount-expected"
    case calendarUnitExpected = "number.calendar-unit-expected"
    case durationNotWhole = "number.duration-not-whole"
    case numberExpected = "number.expected"
    case numberMissing = "number.missing"
    case multiplierExpected = "number.multiplier-expected"
    case numberNegative = "number.negative"
    case numberNotPositive = "number.not-positive"
    case perExpected = "number.per-expected"
    case percentageBelowMinus100 = "number.percentage-below-minus-100"
    case percentageExpected = "number.percentage-expected"
    case percentageOutOfRange = "number.percentage-out-of-range"
    case periodNotPositive = "number.period-not-positive"
    case periodUnknown = "number.period-unknown"
    case timeUnitExpected = "number.time-unit-expected"
    case numberTooLarge = "number.too-large"
    case numberTooSmall = "number.too-small"
    case wholeNumberExpected = "number.whole-expected"

    // MARK: Distributions

    case distributionArity = "distribution.arity"
    case distributionExpected = "distribution.expected"
    case distributionLabelExpected = "distribution.label-expected"
    case lognormalMedianNotPositive = "distribution.lognormal-median-not-positive"
    case lognormalP90NotAboveMedian = "distribution.lognormal-p90-not-above-median"
    case distributionMissing = "distribution.missing"
    case shareOfOffbankExpected = "distribution.of-offbank-expected"
    case paretoAlphaNotPositive = "distribution.pareto-alpha-not-positive"
    case paretoMinNotPositive = "distribution.pareto-min-not-positive"
    case uniformReversed = "distribution.uniform-reversed"
    case distributionUnknown = "distribution.unknown"

    // MARK: Tiers, segments, products, roles, branches, networks

    case tierAfterOpenTop = "tier.after-open-top"
    case tierBelowAndFrom = "tier.below-and-from"
    case tierGap = "tier.gap"
    case holdsSharesNotWhole = "tier.holds-shares-not-whole"
    case tierLowestStartsAbove = "tier.lowest-starts-above-zero"
    case managedByExpected = "tier.managed-by-expected"
    case managingRoleWithoutCapacity = "tier.managing-role-without-capacity"
    case tierOrder = "tier.order"
    case tierOverlap = "tier.overlap"
    case tierRangeMissing = "tier.range-missing"
    case tierRangeReversed = "tier.range-reversed"
    case ratePeriodUnknown = "tier.rate-period-unknown"
    case tierShareMissing = "tier.share-missing"
    case tierSharesNotWhole = "tier.shares-not-whole"
    case tierTopClosed = "tier.top-closed"
    case segmentShareMissing = "segment.share-missing"
    case productPointsMissing = "product.points-missing"
    case productRetainWithoutTerm = "product.retain-without-term"
    case productTermNotPositive = "product.term-not-positive"
    case roleHoursMissing = "role.hours-missing"
    case roleHoursNotPositive = "role.hours-not-positive"
    case rolePeriodUnknown = "role.period-unknown"
    case branchTierPropertyExpected = "branch.tier-property-expected"
    case branchTierPropertyFixed = "branch.tier-property-fixed"
    case branchTierSharesNotWhole = "branch.tier-shares-not-whole"
    case networkBranchTwice = "network.branch-twice"
    case networkHubMissing = "network.hub-missing"

    // MARK: Campaigns

    case amountMissing = "campaign.amount-missing"
    case audienceHostOutsideNetwork = "campaign.audience-host-outside-network"
    case audienceInvalid = "campaign.audience-invalid"
    case audienceNeedsNetwork = "campaign.audience-needs-network"
    case balanceBandExpected = "campaign.balance-band-expected"
    case balanceBandReversed = "campaign.balance-band-reversed"
    case buysNoMoneyProduct = "campaign.buys-no-money-product"
    case buysProductTwice = "campaign.buys-product-twice"
    case buysSharesNotWhole = "campaign.buys-shares-not-whole"
    case capacityStageExpected = "campaign.capacity-stage-expected"
    case capacityStageNameExpected = "campaign.capacity-stage-name-expected"
    case channelUnknown = "campaign.channel-unknown"
    case costUnitExpected = "campaign.cost-unit-expected"
    case costUnitUnknown = "campaign.cost-unit-unknown"
    case effortStageNameExpected = "campaign.effort-stage-name-expected"
    case effortUnitExpected = "campaign.effort-unit-expected"
    case campaignEndsAtStart = "campaign.ends-at-start"
    case campaignEndsBeforeStart = "campaign.ends-before-start"
    case frequencyNotPositive = "campaign.frequency-not-positive"
    case frequencyTooHigh = "campaign.frequency-too-high"
    case funnelArrowExpected = "campaign.funnel-arrow-expected"
    case funnelStageNameExpected = "campaign.funnel-stage-name-expected"
    case funnelStageNameReserved = "campaign.funnel-stage-name-reserved"
    case funnelStageTwice = "campaign.funnel-stage-twice"
    case hostNamedTwice = "campaign.host-named-twice"
    case hostsMissing = "campaign.hosts-missing"
    case hostsNeedNetwork = "campaign.hosts-need-network"
    case maturingWindowExpected = "campaign.maturing-window-expected"
    case maturingWindowTooLong = "campaign.maturing-window-too-long"
    case maturingWithoutTerm = "campaign.maturing-without-term"
    case campaignNeverStaffed = "campaign.never-staffed"
    case offbankExpected = "campaign.offbank-expected"
    case campaignPropertyMissing = "campaign.property-missing"
    case referralTierExpected = "campaign.referral-tier-expected"
    case staffCountNotPositive = "campaign.staff-count-not-positive"
    case funnelStageUnknown = "campaign.stage-unknown"
    case campaignNeverDue = "campaign.never-due"
    case campaignStartsAfterHorizon = "campaign.starts-after-horizon"
    case targetTierTwice = "campaign.target-tier-twice"
    case weightDivisionByZero = "campaign.weight-division-by-zero"
    case weightNotPositive = "campaign.weight-not-positive"
    case weightsPartial = "campaign.weights-partial"

    // MARK: Policy, enforce, scenario

    case policyContactsExpected = "policy.contacts-expected"
    case policyMaxExpected = "policy.max-expected"
    case policyPerCustomerExpected = "policy.per-customer-expected"
    case policyPeriodExpected = "policy.period-expected"
    case enforceStaffExpected = "settings.enforce-staff-expected"
    case horizonNotPositive = "settings.horizon-not-positive"
    case horizonTooLong = "settings.horizon-too-long"
    case populationTooLarge = "settings.population-too-large"
    case resultsTooLarge = "settings.results-too-large"
    case stepUnknown = "settings.step-unknown"
    case untilMetricExpected = "settings.until-metric-expected"
    case untilMetricUnknown = "settings.until-metric-unknown"
    case untilPrecisionNotPositive = "settings.until-precision-not-positive"
    case untilWithinExpected = "settings.until-within-expected"

    // MARK: Variants and drop

    case dropKindExpected = "variant.drop-kind-expected"
    case dropNameExpected = "variant.drop-name-expected"
    case dropOutsideVariant = "variant.drop-outside"
    case dropUnexpected = "variant.drop-unexpected"
    case dropUnknownDeclaration = "variant.drop-unknown"
    case variantNamedBase = "variant.named-base"
    case notAllowedInVariant = "variant.statement-not-allowed"

    // MARK: Actions

    case compareTooFew = "action.compare-too-few"
    case compareUnexpected = "action.compare-unexpected"
    case compareVariantExpected = "action.compare-variant-expected"
    case compareVariantTwice = "action.compare-variant-twice"
    case expectComparisonExpected = "action.expect-comparison-expected"
    case expectMetricExpected = "action.expect-metric-expected"
    case expectNeedsCompare = "action.expect-needs-compare"
    case expectRangeExpected = "action.expect-range-expected"
    case expectRangeReversed = "action.expect-range-reversed"
    case expectUnexpected = "action.expect-unexpected"
    case exportFileExpected = "action.export-file-expected"
    case exportFormatUnknown = "action.export-format-unknown"
    case exportLastExpected = "action.export-last-expected"
    case exportUnexpected = "action.export-unexpected"
    case metricNameExpected = "action.metric-name-expected"
    case metricUnknown = "action.metric-unknown"
    case reportMetricsExpected = "action.report-metrics-expected"
    case runUnexpected = "action.run-unexpected"
    case runVariantExpected = "action.run-variant-expected"
    case variantUnknown = "action.variant-unknown"

    // MARK: Sweep

    case sweepBackwards = "sweep.backwards"
    case sweepNoValues = "sweep.no-values"
    case sweepPathExpected = "sweep.path-expected"
    case sweepRangeExpected = "sweep.range-expected"
    case sweepStepNotPositive = "sweep.step-not-positive"
    case sweepTooManyValues = "sweep.too-many-values"
    case sweepUnexpected = "sweep.unexpected"
    case sweepValueInvalid = "sweep.value-invalid"
    case sweepValuesExpected = "sweep.values-expected"

    // MARK: grain (named metrics, metric expressions, rankings)

    case metricEqualsExpected = "syntax.metric-equals-expected"
    case metricTrailing = "syntax.metric-trailing"
    case metricNameUnknown = "name.metric-unknown"
    case metricCycle = "name.metric-cycle"
    case metricNameTaken = "name.metric-taken"
    case metricStatisticInDefinition = "name.metric-statistic"
    case metricUnitUnknown = "name.metric-unit-unknown"
    case rankOutletsExpected = "action.rank-outlets-expected"
    case rankMetricExpected = "action.rank-metric-expected"
    case rankMetricNotPerOutlet = "action.rank-metric-not-per-outlet"
    case rankUnexpected = "action.rank-unexpected"
    case productMarginPeriodExpected = "product.margin-period-expected"
    case productFeeOnPurchaseExpected = "product.fee-on-purchase-expected"
    case roleCostPeriodExpected = "role.cost-period-expected"

    // MARK: Shell edits (`:set`, `:unset`, `:drop`)

    case editDropKindUnknown = "edit.drop-kind-unknown"
    case editDropNameUnknown = "edit.drop-name-unknown"
    case editLetNumberExpected = "edit.let-number-expected"
    case editLetSingleValue = "edit.let-single-value"
    case editLetUnknown = "edit.let-unknown"
    case editNotAPath = "edit.not-a-path"
    case editPathNameUnknown = "edit.path-name-unknown"
    case editPropertyNotSet = "edit.property-not-set"
    case editPropertyUnknown = "edit.property-unknown"
    case editStageSingleValue = "edit.stage-single-value"
    case editStageUnknown = "edit.stage-unknown"
    case editStageUnset = "edit.stage-unset"
    case editValueExpected = "edit.value-expected"
    case settingValueMissing = "edit.setting-value-missing"

    // MARK: journeys (campaign conditions, hand-offs, ranking)

    case filterCampaignExpected = "filter.campaign-expected"
    case filterCampaignUnknown = "filter.campaign-unknown"
    case filterHandoffCycle = "filter.handoff-cycle"
    case filterNewWithoutJoiners = "filter.new-without-joiners"
    case filterOperandExpected = "filter.operand-expected"
    case filterParenUnclosed = "filter.paren-unclosed"
    case filterParenUnexpected = "filter.paren-unexpected"
    case filterProductExpected = "filter.product-expected"
    case filterProductUnknown = "filter.product-unknown"
    case filterProductsComparisonExpected = "filter.products-comparison-expected"
    case filterStageExpected = "filter.stage-expected"
    case filterStageNotAllowed = "filter.stage-not-allowed"
    case filterStageUnknown = "filter.stage-unknown"
    case filterTooComplex = "filter.too-complex"
    case filterWindowExpected = "filter.window-expected"
    case filterWindowNotAllowed = "filter.window-not-allowed"
    case filterWindowTooLong = "filter.window-too-long"
    case rankByExpected = "campaign.rank-by-expected"
    case rankUnknown = "campaign.rank-unknown"
    case rankWithoutChoice = "campaign.rank-without-choice"
    // MARK: quotas

    case quotaRoleAbsent = "campaign.quota-role-absent"
    // MARK: data (`branches from`, `customers from`, paths; docs/data.md)

    case dataFileExpected = "data.file-expected"
    case dataTableExpected = "data.table-expected"
    case dataUnexpected = "data.unexpected"
    case dataUnreadable = "data.unreadable"
    case dataInvalid = "data.invalid"
    case dataWarning = "data.warning"
    case dataTooManyErrors = "data.too-many-errors"
    case dataOutletTwice = "data.outlet-twice"
    case dataOutletDeclared = "data.outlet-declared"
    case dataNetworkDeclared = "data.network-declared"
    case dataCustomersTwice = "data.customers-twice"
    case pathOutsideFolder = "file.outside-folder"
    // MARK: decisions

    case inputArgumentsExpected = "input.arguments-expected"
    case inputBetaTooWide = "input.beta-too-wide"
    case inputOrder = "input.order"
    case decisionFactorExpected = "decision.factor-expected"
    case decisionMetricExpected = "decision.metric-expected"
    case decisionNoInputs = "decision.no-inputs"
    case decisionPathNotANumber = "decision.path-not-a-number"
    case decisionRunsExpected = "decision.runs-expected"
    case decisionUnexpected = "decision.unexpected"
    case decisionValueInvalid = "decision.value-invalid"
    case designLatinCountExpected = "decision.latin-count-expected"
    case designLevelsExpected = "decision.levels-expected"
    case designRangeExpected = "decision.range-expected"
    case optimizeConstraintExpected = "decision.constraint-expected"
    case optimizeGoalExpected = "decision.goal-expected"
    case optimizeOverExpected = "decision.over-expected"
    case optimizeWithinExpected = "decision.within-expected"
    // MARK: uncertain
    case inputBetaNotAmount = "input.beta-not-amount"
    case inputPathTwice = "input.path-twice"
    // MARK: calibrate
    case observedBraceExpected = "observed.brace-expected"
    case observedFigureExpected = "observed.figure-expected"
    case observedToleranceNotPositive = "observed.tolerance-not-positive"
    case observedEmpty = "observed.empty"
    case observedMetricTwice = "observed.metric-twice"
    case calibrateToExpected = "calibrate.to-expected"
    case calibrateObservedUnknown = "calibrate.observed-unknown"
    case calibrateRangeEmpty = "calibrate.range-empty"
    case calibratePathTwice = "calibrate.path-twice"
    // MARK: uncertain2
    case inputSharesNoRemainder = "input.shares-no-remainder"
    case inputSharesExceed = "input.shares-exceed"
}

extension DiagnosticID {
    /// What the catalogue says of this ID: severity, message pattern (`{X}` a name, `{N}` a
    /// number, `{P}` a percentage, `{A}` an amount, `{D}` a duration, `{T}` a token as found,
    /// `{K}` a statement kind, `{WHERE}` the value's place as in "'share' of tier 'potential'",
    /// `[...]` a part not always there) and the usual `help:` line.
    ///
    /// Every message emitted under this ID matches its pattern (DiagnosticCatalogueTests).
    public var entry: DiagnosticEntry {
        switch self {
        case .numberLiteralTooLarge: return DiagnosticEntry(.error, "number '{N}' is too large")
        case .unexpectedBang: return DiagnosticEntry(.error, "unexpected '!'", help: "write '!=' for 'not equal'")
        case .unexpectedCharacter: return DiagnosticEntry(.error, "unexpected character '{X}'")
        case .unexpectedDot: return DiagnosticEntry(.error, "unexpected '.'", help: "ranges are written 'A..B'")
        case .unknownEscape: return DiagnosticEntry(.error, "unknown escape '\\{X}' in string", help: "use '\\\\', '\\\"', '\\n' or '\\t'")
        case .unknownNumberSuffix: return DiagnosticEntry(.error, "unknown number suffix '{X}'", help: "a number may end in 'k', 'M', '万', '亿', '%' or 'x'; put a space before a unit such as 'min'")
        case .unterminatedString: return DiagnosticEntry(.error, "unterminated string", help: "close the string with '\"' on the same line")
        case .blockNested: return DiagnosticEntry(.error, "unexpected '{' inside the block of {K} '{X}'")
        case .blockTrailing: return DiagnosticEntry(.error, "unexpected {T} in the block of {K} '{X}'")
        case .blockUnclosed: return DiagnosticEntry(.error, "missing '}' to close the block of {K} '{X}'", help: "add '}' after the last property line")
        case .callArgumentUnclosed: return DiagnosticEntry(.error, "expected ')'")
        case .callUnclosed: return DiagnosticEntry(.error, "expected ')' to close '{X}('", help: "write '{X}(A, B)'")
        case .expressionTooDeep: return DiagnosticEntry(.error, "expression nested too deeply (more than {N} levels)", help: "simplify it with 'let' values")
        case .expressionTooLong: return DiagnosticEntry(.error, "expression too long (more than {N} operators)", help: "split it into several 'let' values")
        case .letEqualsExpected: return DiagnosticEntry(.error, "expected '=' after 'let {X}'", help: "write 'let NAME = VALUE'")
        case .letTrailing: return DiagnosticEntry(.error, "unexpected {T} after the value of 'let {X}'")
        case .nameContainsDot: return DiagnosticEntry(.error, "a name cannot contain '.'", help: "use '_' instead: '{X}'")
        case .nameExpected: return DiagnosticEntry(.error, "expected a name after '{K}', found {T}", help: "write '{K} NAME ...'; names are letters, digits and '_'")
        case .operandExpected: return DiagnosticEntry(.error, "expected a number or a name, found {T}", help: "a value is a number ('5万', '40%'), a 'let' name, or '(' expression ')'")
        case .parenUnclosed: return DiagnosticEntry(.error, "expected ')' to close '('", help: "'(' opened here: match it with ')'")
        case .parenUnexpected: return DiagnosticEntry(.error, "unexpected ')'")
        case .propertyNameExpected: return DiagnosticEntry(.error, "expected a property name, found {T}", help: "a block line is 'key value...'; properties of {K}: {LIST}")
        case .statementExpected: return DiagnosticEntry(.error, "expected a statement, found {T}")
        case .statementTrailing: return DiagnosticEntry(.error, "unexpected {T} after the {K} statement", help: "end the statement with a line break or ';'")
        case .unexpectedCloseBrace: return DiagnosticEntry(.error, "unexpected '}'", help: "remove it, or open a block with '{' after a statement")
        case .variantBraceExpected: return DiagnosticEntry(.error, "expected '{' after the variant name", help: "write 'variant NAME { statements }'")
        case .variantUnclosed: return DiagnosticEntry(.error, "missing '}' to close variant '{X}'", help: "add '}' after the variant's last statement")
        case .includeCycle: return DiagnosticEntry(.error, "include cycle: {FILES}", help: "remove one of the 'include' statements")
        case .includeFileExpected: return DiagnosticEntry(.error, "expected a file name in quotes after 'include'", help: "write 'include \"common.bsim\"'")
        case .includeTooDeep: return DiagnosticEntry(.error, "includes nested more than {N} deep at '{X}'", help: "include the shared files from one top-level file instead of from each other")
        case .includeUnreadable: return DiagnosticEntry(.error, "cannot include '{X}': {REASON}", help: "paths are relative to the including file")
        case .tooManyProblems: return DiagnosticEntry(.error, "too many problems; only the first {N} are shown", help: "is this a scenario file? fix the first problems and check again")
        case .fileUnreadable: return DiagnosticEntry(.error, "cannot read '{X}': {REASON}")
        case .divisionByZero: return DiagnosticEntry(.error, "division by zero")
        case .duplicateDeclaration: return DiagnosticEntry(.error, "duplicate [{K} ]'{X}'", help: "rename or remove one of them")
        case .letNotFinite: return DiagnosticEntry(.error, "the value of 'let {X}' is not a finite number")
        case .referenceExpected: return DiagnosticEntry(.error, "expected a {K} name in {WHERE}, found {T}")
        case .referenceMissing: return DiagnosticEntry(.error, "missing {K} name in {WHERE}")
        case .referenceUnknown: return DiagnosticEntry(.error, "unknown {K} '{X}'", help: "did you mean '{X}'?")
        case .nameUnknown: return DiagnosticEntry(.error, "unknown name '{X}'", help: "define it first with 'let {X} = VALUE'")
        case .propertyGivenTwice: return DiagnosticEntry(.error, "'{X}' is given twice for {K}[ '{X}']", help: "remove one of them")
        case .unknownProperty: return DiagnosticEntry(.error, "unknown property '{X}' for {K}[ '{X}']")
        case .valueUnexpected: return DiagnosticEntry(.error, "unexpected {T} in {WHERE}")
        case .amountExpected: return DiagnosticEntry(.error, "{WHERE} must be an amount, found '{N}'", help: "write an amount such as '5万' or '20000'")
        case .calendarUnitExpected: return DiagnosticEntry(.error, "expected a calendar unit after '{N}' in {WHERE}, found {T}")
        case .durationNotWhole: return DiagnosticEntry(.error, "{WHERE} must be a whole, non-negative number of {UNIT}")
        case .numberExpected: return DiagnosticEntry(.error, "expected a number for {WHERE}, found {T}")
        case .numberMissing: return DiagnosticEntry(.error, "missing number for {WHERE}")
        case .multiplierExpected: return DiagnosticEntry(.error, "{WHERE} must be a multiplier such as '1.2x', found '{N}'")
        case .numberNegative: return DiagnosticEntry(.error, "{WHERE} must not be negative")
        case .numberNotPositive: return DiagnosticEntry(.error, "{WHERE} must be more than zero")
        case .perExpected: return DiagnosticEntry(.error, "expected 'per' after '{N}' in {WHERE}, found {T}", help: "write a rate such as '2 per week', '1 per month' or 'daily'")
        case .percentageBelowMinus100: return DiagnosticEntry(.error, "{WHERE} is {P}, below -100%", help: "a balance can shrink by at most all of itself: use -100% or more")
        case .percentageExpected: return DiagnosticEntry(.error, "{WHERE} must be a percentage, found '{N}'", help: "write '{N}% per month'")
        case .percentageOutOfRange: return DiagnosticEntry(.error, "{WHERE} is {P}, outside 0..100%")
        case .periodNotPositive: return DiagnosticEntry(.error, "the period of {WHERE} must be longer than zero")
        case .periodUnknown: return DiagnosticEntry(.error, "unknown period '{X}' in {WHERE}", help: "write '2 per week', '1 per month' or '1 per workday'")
        case .timeUnitExpected: return DiagnosticEntry(.error, "expected 'min' or 'h' after '{N}' in {WHERE}, found {T}", help: "staff time is written '60 min' or '2 h'")
        case .numberTooLarge: return DiagnosticEntry(.error, "{WHERE} must be at most {N}, found '{N}'")
        case .numberTooSmall: return DiagnosticEntry(.error, "{WHERE} must be at least {N}, found '{N}'")
        case .wholeNumberExpected: return DiagnosticEntry(.error, "{WHERE} must be a whole number, found '{N}'")
        case .distributionArity: return DiagnosticEntry(.error, "'{X}' takes {N} arguments, found {N}", help: "write '{X}({X})'")
        case .distributionExpected: return DiagnosticEntry(.error, "expected a distribution for {WHERE}, found {T}", help: "write 'fixed X', 'uniform(A, B)', 'lognormal(median M, p90 Q)', 'share P of offbank' or 'pareto(min M, alpha A)'")
        case .distributionLabelExpected: return DiagnosticEntry(.error, "expected '{X}' in '{X}(...)', found {T}", help: "write '{X}({LIST})'")
        case .lognormalMedianNotPositive: return DiagnosticEntry(.error, "the median of 'lognormal' must be more than zero")
        case .lognormalP90NotAboveMedian: return DiagnosticEntry(.error, "the p90 of 'lognormal' ({A}) must be above its median ({A})", help: "the 90th percentile of a right-skewed amount lies above the median")
        case .distributionMissing: return DiagnosticEntry(.error, "missing distribution for {WHERE}", help: "write 'fixed X', 'uniform(A, B)', 'lognormal(median M, p90 Q)', 'share P of offbank' or 'pareto(min M, alpha A)'")
        case .shareOfOffbankExpected: return DiagnosticEntry(.error, "expected 'of offbank' after the share in {WHERE}", help: "write 'share 30% of offbank'")
        case .paretoAlphaNotPositive: return DiagnosticEntry(.error, "the alpha of 'pareto' must be more than zero, found {N}")
        case .paretoMinNotPositive: return DiagnosticEntry(.error, "the min of 'pareto' must be more than zero")
        case .uniformReversed: return DiagnosticEntry(.error, "'uniform' needs its lower bound first: {A} is above {A}", help: "write 'uniform({A}, {A})'")
        case .distributionUnknown: return DiagnosticEntry(.error, "unknown distribution '{X}' in {WHERE}", help: "use 'fixed X', 'uniform(A, B)', 'lognormal(median M, p90 Q)', 'share P of offbank' or 'pareto(min M, alpha A)'")
        case .tierAfterOpenTop: return DiagnosticEntry(.error, "tier '{X}' follows tier '{X}', which has no upper bound", help: "declare tiers lowest first; only the top tier is written 'from X'")
        case .tierBelowAndFrom: return DiagnosticEntry(.error, "tier '{X}' has both 'below' and 'from'", help: "write 'below X' for the lowest tier, 'from X to Y' or 'from X' for the others")
        case .tierGap: return DiagnosticEntry(.error, "gap between tier '{X}' (up to {A}) and tier '{X}' (from {A})", help: "start tier '{X}' at {A}")
        case .holdsSharesNotWhole: return DiagnosticEntry(.error, "'holds' shares of tier '{X}' add up to {P}, not 100%")
        case .tierLowestStartsAbove: return DiagnosticEntry(.error, "the lowest tier '{X}' starts at {A}: customers below it have no tier", help: "write 'below {A}' or start at 0")
        case .managedByExpected: return DiagnosticEntry(.error, "expected 'by' after 'managed'", help: "write 'managed by ROLE'")
        case .managingRoleWithoutCapacity: return DiagnosticEntry(.warning, "tier '{X}' is managed by role '{X}', which has no 'capacity': its managed FTE cannot be counted", help: "add 'capacity 600 customers' to role '{X}' (playbooks: 450 to 750)")
        case .tierOrder: return DiagnosticEntry(.error, "tiers must be declared lowest first: tier '{X}' starts below tier '{X}'")
        case .tierOverlap: return DiagnosticEntry(.error, "tier '{X}' overlaps tier '{X}': {A} is below {A}", help: "start tier '{X}' at {A}")
        case .tierRangeMissing: return DiagnosticEntry(.error, "tier '{X}' needs a range", help: "write 'below X', 'from X to Y' or 'from X' (upgrade points)")
        case .tierRangeReversed: return DiagnosticEntry(.error, "the range of tier '{X}' is reversed: {A} is not above {A}", help: "write 'from {A} to {A}'")
        case .ratePeriodUnknown: return DiagnosticEntry(.error, "expected 'month' or 'year' after 'per' in {WHERE}")
        case .tierShareMissing: return DiagnosticEntry(.error, "tier '{X}' needs a 'share'", help: "write 'share P' (the tier's part of a branch's customers)")
        case .tierSharesNotWhole: return DiagnosticEntry(.error, "tier shares add up to {P}, not 100%")
        case .tierTopClosed: return DiagnosticEntry(.error, "the top tier '{X}' ends at {A}: customers above it have no tier", help: "write 'from {A}' for the top tier")
        case .segmentShareMissing: return DiagnosticEntry(.error, "segment '{X}' needs a 'share'", help: "write 'segment {X} share 25%'")
        case .productPointsMissing: return DiagnosticEntry(.error, "product '{X}' needs 'points'", help: "write 'product {X} points 1.0' (a coefficient) or 'points 5000 flat'")
        case .productRetainWithoutTerm: return DiagnosticEntry(.warning, "'retain' has no effect without a 'term' on product '{X}'", help: "add 'term 1 year'")
        case .productTermNotPositive: return DiagnosticEntry(.error, "the term of product '{X}' must be longer than zero")
        case .roleHoursMissing: return DiagnosticEntry(.error, "role '{X}' needs 'hours'", help: "write 'role {X} hours 40 per week'")
        case .roleHoursNotPositive: return DiagnosticEntry(.error, "role '{X}' must work more than zero hours")
        case .rolePeriodUnknown: return DiagnosticEntry(.error, "expected 'week', 'workday' or 'month' after 'per' in {WHERE}")
        case .branchTierPropertyExpected: return DiagnosticEntry(.error, "expected a tier property, found {T}")
        case .branchTierPropertyFixed: return DiagnosticEntry(.error, "'{X}' cannot be overridden at a branch")
        case .branchTierSharesNotWhole: return DiagnosticEntry(.error, "tier shares at branch '{X}' add up to {P}, not 100%", help: "override the other tiers' shares at this branch too")
        case .networkBranchTwice: return DiagnosticEntry(.error, "branch '{X}' is already in network '{X}'", help: "a branch belongs to at most one network")
        case .networkHubMissing: return DiagnosticEntry(.error, "network '{X}' needs a 'hub'", help: "write 'hub BRANCH'")
        case .amountMissing: return DiagnosticEntry(.warning, "campaign '{X}' has no 'amount': its conversions bring in no money", help: "write 'amount lognormal(median 5万, p90 20万)' or 'amount share 30% of offbank'")
        case .audienceHostOutsideNetwork: return DiagnosticEntry(.error, "'audience network' needs every host in a network: branch '{X}' is in none")
        case .audienceInvalid: return DiagnosticEntry(.error, "the audience must be 'own' or 'network', found {T}")
        case .audienceNeedsNetwork: return DiagnosticEntry(.error, "'audience network' needs a network", help: "declare 'network NAME { hub BRANCH  satellites B1, B2 }'")
        case .balanceBandExpected: return DiagnosticEntry(.error, "expected 'A..B' after 'where balance'", help: "write 'where balance 3万..5万'")
        case .balanceBandReversed: return DiagnosticEntry(.error, "the balance band {A}..{A} is reversed or empty")
        case .buysNoMoneyProduct: return DiagnosticEntry(.error, "'buys' names no product that takes money", help: "add a non-flat product such as 'deposit 100%'")
        case .buysProductTwice: return DiagnosticEntry(.error, "product '{X}' is named twice in 'buys'")
        case .buysSharesNotWhole: return DiagnosticEntry(.warning, "'buys' shares add up to {P} ({P} without flat products), not 100%")
        case .capacityStageExpected: return DiagnosticEntry(.error, "expected 'at STAGE' after the capacity", help: "write 'capacity {X} at attend'")
        case .capacityStageNameExpected: return DiagnosticEntry(.error, "expected a funnel stage after 'at'")
        case .channelUnknown: return DiagnosticEntry(.error, "unknown channel {T}")
        case .costUnitExpected: return DiagnosticEntry(.error, "expected 'per occurrence', 'per contact', 'per conversion', 'per month' or 'once' after the cost")
        case .costUnitUnknown: return DiagnosticEntry(.error, "expected 'occurrence', 'contact', 'conversion' or 'month' after 'per', found {T}")
        case .effortStageNameExpected: return DiagnosticEntry(.error, "expected a funnel stage after 'effort stage'")
        case .effortUnitExpected: return DiagnosticEntry(.error, "expected 'occurrence', 'contact', 'conversion' or 'stage STAGE' after 'effort', found {T}")
        case .campaignEndsAtStart: return DiagnosticEntry(.error, "campaign '{X}' ends when it starts ({D}): it would never run")
        case .campaignEndsBeforeStart: return DiagnosticEntry(.error, "campaign '{X}' ends ({D}) before it starts ({D})")
        case .frequencyNotPositive: return DiagnosticEntry(.error, "the frequency of campaign '{X}' must be more than zero")
        case .frequencyTooHigh: return DiagnosticEntry(.error, "the frequency of campaign '{X}' must be at most 100 per day (700 per week), found '{N}'", help: "an occurrence contacts many customers at once: raise 'contacts' instead")
        case .funnelArrowExpected: return DiagnosticEntry(.error, "expected '->' between funnel stages, found {T}", help: "write 'funnel reach 70% -> attend 35% -> convert 45%'")
        case .funnelStageNameExpected: return DiagnosticEntry(.error, "expected a stage name in {WHERE}, found {T}")
        case .funnelStageNameReserved: return DiagnosticEntry(.error, "'{X}' is not allowed as a stage name (it is the funnel's first count)")
        case .funnelStageTwice: return DiagnosticEntry(.error, "funnel stage '{X}' is given twice")
        case .hostNamedTwice: return DiagnosticEntry(.error, "branch '{X}' is named twice in 'at'")
        case .hostsMissing: return DiagnosticEntry(.error, "campaign '{X}' needs 'at': there are {N} branches", help: "write 'at BRANCH', 'at all', 'at hub' or 'at satellites'")
        case .hostsNeedNetwork: return DiagnosticEntry(.error, "'at {X}' needs a network", help: "declare 'network NAME { hub BRANCH  satellites B1, B2 }'")
        case .maturingWindowExpected: return DiagnosticEntry(.error, "expected 'within DURATION' after the product", help: "write 'where maturing {X} within 1 month'")
        case .maturingWindowTooLong: return DiagnosticEntry(.error, "the 'maturing' window must be at most {D}, found {D}", help: "write 'where maturing {X} within 1 month'")
        case .maturingWithoutTerm: return DiagnosticEntry(.error, "product '{X}' has no 'term', so it never matures")
        case .campaignNeverStaffed: return DiagnosticEntry(.warning, "with 'enforce staff', campaign '{X}' never runs at branch '{X}': it has no '{X}' staff", help: "add 'staff {X} 1' to branch '{X}'")
        case .offbankExpected: return DiagnosticEntry(.error, "expected 'offbank' after 'max'", help: "write 'max offbank'")
        case .campaignPropertyMissing: return DiagnosticEntry(.error, "campaign '{X}' needs '{K}'", help: "write '{X}'")
        case .referralTierExpected: return DiagnosticEntry(.error, "expected 'new TIER' after the referral probability", help: "write 'referrals 10% new potential'")
        case .staffCountNotPositive: return DiagnosticEntry(.error, "the number of staff must be more than zero")
        case .funnelStageUnknown: return DiagnosticEntry(.error, "campaign '{X}' has no funnel stage '{X}'")
        case .campaignNeverDue: return DiagnosticEntry(.warning, "campaign '{X}' never runs: {R} over its {N} comes to {N} occurrences, and only whole occurrences run", help: "raise the frequency or lengthen the horizon ({D} is {N}; a month is 52/12 weeks)")
        case .campaignStartsAfterHorizon: return DiagnosticEntry(.warning, "campaign '{X}' starts at {D}, after the horizon ({D}): it never runs")
        case .targetTierTwice: return DiagnosticEntry(.error, "tier '{X}' is targeted twice")
        case .weightDivisionByZero: return DiagnosticEntry(.error, "division by zero in the weight of tier '{X}'")
        case .weightNotPositive: return DiagnosticEntry(.error, "the weight of tier '{X}' must be more than zero")
        case .weightsPartial: return DiagnosticEntry(.error, "give a weight to every target tier or to none", help: "write 'target potential 2/3, midhigh 1/3'")
        case .policyContactsExpected: return DiagnosticEntry(.error, "expected 'contacts' after the limit")
        case .policyMaxExpected: return DiagnosticEntry(.error, "expected 'max' after 'policy'")
        case .policyPerCustomerExpected: return DiagnosticEntry(.error, "expected 'per customer'")
        case .policyPeriodExpected: return DiagnosticEntry(.error, "expected 'per PERIOD' in 'policy'")
        case .enforceStaffExpected: return DiagnosticEntry(.error, "expected 'enforce staff'", help: "'enforce staff' is the only form")
        case .horizonNotPositive: return DiagnosticEntry(.error, "the horizon must be longer than zero")
        case .horizonTooLong: return DiagnosticEntry(.error, "the horizon must be at most {D}, found {D}", help: "plans run over months and years: write 'horizon 12 months' or 'horizon 5 years'")
        case .populationTooLarge: return DiagnosticEntry(.error, "population too large for memory: {N} customers need about {N} GiB with {N} thread[s] (limit 4 GiB)", help: "lower 'customers'[, or 'threads' in the scenario block]")
        case .resultsTooLarge: return DiagnosticEntry(.error, "results too large for memory: {N} steps of {N} series for {N} replications need about {N} GiB (limit 4 GiB)", help: "shorten 'horizon', use 'step month', or lower 'runs'")
        case .stepUnknown: return DiagnosticEntry(.error, "the step must be 'week' or 'month', found {T}")
        case .untilMetricExpected: return DiagnosticEntry(.error, "expected a metric after 'runs until'", help: "write 'runs until uplift within 1%'")
        case .untilMetricUnknown: return DiagnosticEntry(.error, "unknown metric '{X}' in 'runs until'")
        case .untilPrecisionNotPositive: return DiagnosticEntry(.error, "the precision of 'runs until' must be more than 0%")
        case .untilWithinExpected: return DiagnosticEntry(.error, "expected 'within P%' after 'runs until {X}'", help: "write 'runs until {X} within 1%'")
        case .dropKindExpected: return DiagnosticEntry(.error, "expected what to drop after 'drop', found {T}", help: "write 'drop KIND NAME', KIND one of {LIST}")
        case .dropNameExpected: return DiagnosticEntry(.error, "expected a {K} name after 'drop {K}'")
        case .dropOutsideVariant: return DiagnosticEntry(.error, "'drop' belongs inside a variant", help: "write 'variant NAME { drop {X} ... }'")
        case .dropUnexpected: return DiagnosticEntry(.error, "unexpected {T} in 'drop'")
        case .dropUnknownDeclaration: return DiagnosticEntry(.error, "variant '{X}' drops {K} '{X}', which does not exist")
        case .variantNamedBase: return DiagnosticEntry(.error, "'base' names the file without variants; choose another variant name")
        case .notAllowedInVariant: return DiagnosticEntry(.error, "'{K}' is not allowed inside a variant", help: "write it after the variant, at the top level")
        case .compareTooFew: return DiagnosticEntry(.error, "'compare' needs at least two variants", help: "write 'compare base, NAME on uplift'")
        case .compareUnexpected: return DiagnosticEntry(.error, "unexpected {T} in 'compare'")
        case .compareVariantExpected: return DiagnosticEntry(.error, "expected a variant name in 'compare', found {T}")
        case .compareVariantTwice: return DiagnosticEntry(.error, "'{X}' is named twice in 'compare'")
        case .expectComparisonExpected: return DiagnosticEntry(.error, "expected a comparison ('>', '>=', '<', '<=', '==', '!=') or 'within' after '{X}', found {T}", help: "write '==' to compare for equality")
        case .expectMetricExpected: return DiagnosticEntry(.error, "expected a metric after 'expect'", help: "write 'expect uplift.mean > 0'")
        case .expectNeedsCompare: return DiagnosticEntry(.error, "'{X}' needs a 'compare' before this 'expect'", help: "write 'compare A, B on {X}' first")
        case .expectRangeExpected: return DiagnosticEntry(.error, "expected 'A..B' after 'within'")
        case .expectRangeReversed: return DiagnosticEntry(.error, "the range {A}..{A} is reversed")
        case .expectUnexpected: return DiagnosticEntry(.error, "unexpected {T} after the expectation")
        case .exportFileExpected: return DiagnosticEntry(.error, "expected a file name in quotes after 'export last to'")
        case .exportFormatUnknown: return DiagnosticEntry(.error, "cannot export to '{X}': the file name must end in .csv, .json or .html")
        case .exportLastExpected: return DiagnosticEntry(.error, "expected 'last to \"FILE\"' after 'export'", help: "write 'export last to \"results.csv\"'")
        case .exportUnexpected: return DiagnosticEntry(.error, "unexpected {T} after the file name")
        case .metricNameExpected: return DiagnosticEntry(.error, "expected a metric name in {WHERE}, found {T}", help: "metrics are written like 'uplift', 'funnel' or 'staffing.wealth_manager.fte'")
        case .metricUnknown: return DiagnosticEntry(.error, "unknown metric '{X}'")
        case .reportMetricsExpected: return DiagnosticEntry(.error, "expected metrics after 'report'", help: "write 'report uplift, upgrades, funnel'")
        case .runUnexpected: return DiagnosticEntry(.error, "unexpected {T} after 'run'", help: "write 'run', 'run runs 500' or 'run variant NAME'")
        case .runVariantExpected: return DiagnosticEntry(.error, "expected a variant name after 'variant'")
        case .variantUnknown: return DiagnosticEntry(.error, "unknown variant '{X}'")
        case .sweepBackwards: return DiagnosticEntry(.error, "the sweep runs backwards: {N} is below {N}")
        case .sweepNoValues: return DiagnosticEntry(.error, "the sweep has no values")
        case .sweepPathExpected: return DiagnosticEntry(.error, "expected a path after 'sweep'", help: "write 'sweep CAMPAIGN.contacts over 20, 40, 60'")
        case .sweepRangeExpected: return DiagnosticEntry(.error, "expected 'from A to B step S' in 'sweep'", help: "write 'sweep CAMPAIGN.contacts from 20 to 60 step 10'")
        case .sweepStepNotPositive: return DiagnosticEntry(.error, "the sweep step must be more than zero")
        case .sweepTooManyValues: return DiagnosticEntry(.error, "the sweep has {N} values; at most {N}", help: "sweep fewer values, or split the sweep in several")
        case .sweepUnexpected: return DiagnosticEntry(.error, "unexpected {T} in 'sweep'")
        case .sweepValueInvalid: return DiagnosticEntry(.error, "sweep value '{X}' makes the scenario invalid")
        case .sweepValuesExpected: return DiagnosticEntry(.error, "expected 'over V1, V2, ...' or 'from A to B step S' after the sweep path")
        case .editDropKindUnknown: return DiagnosticEntry(.error, "cannot drop '{K}'")
        case .editDropNameUnknown: return DiagnosticEntry(.error, "there is no {K} '{X}'")
        case .editLetNumberExpected: return DiagnosticEntry(.error, "a 'let' takes a number, found {T}")
        case .editLetSingleValue: return DiagnosticEntry(.error, "a 'let' takes a single value")
        case .editLetUnknown: return DiagnosticEntry(.error, "unknown 'let' name '{X}'")
        case .editNotAPath: return DiagnosticEntry(.error, "'{X}' is not a path", help: "write NAME.PROPERTY, CAMPAIGN.funnel.STAGE, scenario.PROPERTY or 'let NAME'")
        case .editPathNameUnknown: return DiagnosticEntry(.error, "unknown name '{X}' in path '{X}'")
        case .editPropertyNotSet: return DiagnosticEntry(.error, "{K} '{X}' does not set '{X}'")
        case .editPropertyUnknown: return DiagnosticEntry(.error, "{K} has no property '{X}'")
        case .editStageSingleValue: return DiagnosticEntry(.error, "a funnel stage takes a single percentage", help: "for example '45%'")
        case .editStageUnknown: return DiagnosticEntry(.error, "{K} '{X}' has no funnel stage '{X}'")
        case .editStageUnset: return DiagnosticEntry(.error, "a funnel stage cannot be unset: every stage needs a rate")
        case .settingValueMissing: return DiagnosticEntry(.error, "{X}= has no value", help: "write {X}=VALUE, e.g. --set upgrade_meeting.funnel.convert=35%")
        case .editValueExpected: return DiagnosticEntry(.error, "expected a value after '{X}'")
        // MARK: journeys
        case .filterCampaignExpected: return DiagnosticEntry(.error, "expected a campaign after '{X}' in {WHERE}, found {T}", help: "write 'converted CAMPAIGN within 3 months'")
        case .filterCampaignUnknown: return DiagnosticEntry(.error, "unknown campaign '{X}' in the 'where' of campaign '{X}'", help: "did you mean '{X}'?")
        case .filterHandoffCycle: return DiagnosticEntry(.error, "hand-offs form a cycle: {LIST}", help: "remove one of the hand-offs ('not passed' and 'not contacted' are not hand-offs)")
        case .filterNewWithoutJoiners: return DiagnosticEntry(.warning, "no campaign brings new customers: 'new within' is never true")
        case .filterOperandExpected: return DiagnosticEntry(.error, "expected a condition [after {T} ]in {WHERE}, found {T}", help: "a condition is a segment, 'balance A..B', 'holds PRODUCT', 'passed CAMPAIGN.STAGE within D' and the like")
        case .filterParenUnclosed: return DiagnosticEntry(.error, "expected ')' to close '(' in {WHERE}, found {T}", help: "close the group with ')'")
        case .filterParenUnexpected: return DiagnosticEntry(.error, "unexpected ')' in {WHERE}", help: "remove it, or open a group with '(' before it")
        case .filterProductExpected: return DiagnosticEntry(.error, "expected a product after 'holds' in {WHERE}, found {T}", help: "write 'holds fund'")
        case .filterProductUnknown: return DiagnosticEntry(.error, "unknown product '{X}' in 'holds'", help: "declare it with 'product {X} points 1.0', or name a declared one")
        case .filterProductsComparisonExpected: return DiagnosticEntry(.error, "expected a comparison after 'products', found {T}", help: "write 'products >= 2' (the number of products the customer holds)")
        case .filterStageExpected: return DiagnosticEntry(.error, "expected 'CAMPAIGN.STAGE' after 'passed', found '{X}'", help: "write 'passed {X}.STAGE', or 'converted {X}' for its whole funnel")
        case .filterStageNotAllowed: return DiagnosticEntry(.error, "'{X}' takes a campaign, not a stage: found '{X}'", help: "write 'passed {X}' for a stage")
        case .filterStageUnknown: return DiagnosticEntry(.error, "campaign '{X}' has no funnel stage '{X}' to hand off from", help: "did you mean '{X}'?")
        case .filterTooComplex: return DiagnosticEntry(.error, "the 'where' of campaign '{X}' has more than {N} conditions", help: "split the campaign, or use a segment for a group of conditions")
        case .filterWindowExpected: return DiagnosticEntry(.error, "expected 'within DURATION' after 'new'", help: "write 'new within 3 months' (customers who joined in the last 3 months)")
        case .filterWindowNotAllowed: return DiagnosticEntry(.error, "'holds' takes no 'within': it is what the customer holds now", help: "to target recent buyers write 'converted CAMPAIGN within D'")
        case .filterWindowTooLong: return DiagnosticEntry(.error, "the window must be at most {D}, found {D}", help: "leave out 'within' for any time in the run")
        case .rankByExpected: return DiagnosticEntry(.error, "expected 'by' after 'rank', found {T}", help: "write 'rank by gap', 'rank by balance desc' or 'rank by last_contact'")
        case .rankUnknown: return DiagnosticEntry(.error, "unknown ranking {T}: rank by gap, balance desc, balance asc or last_contact", help: "did you mean '{X}'?")
        case .rankWithoutChoice: return DiagnosticEntry(.warning, "campaign '{X}' contacts all its eligible customers: 'rank' chooses nothing", help: "give 'contacts N' (or a 'capacity') for the ranking to choose who comes first")
        // MARK: quotas
        case .quotaRoleAbsent: return DiagnosticEntry(.error, "campaign '{X}' makes {N} contacts per '{X}', but branch '{X}' has no '{X}' on hand",
                                                      help: "give branch '{X}' 'staff {X} N', host the campaign where there is one, or write a fixed count: 'contacts {N}'")
        case .dataFileExpected: return DiagnosticEntry(.error, "expected 'from \"FILE\"' after '{K}'", help: "write 'branches from \"outlets.csv\"' or 'customers from \"customers.csv\"'")
        case .dataTableExpected: return DiagnosticEntry(.error, "expected a table name after 'table'", help: "write 'customers from \"crm.sqlite\" table NAME'")
        case .dataUnexpected: return DiagnosticEntry(.error, "unexpected {T} in '{K} from'", help: "write '{K} from \"FILE\"', and 'table NAME' for a SQLite database")
        case .dataUnreadable: return DiagnosticEntry(.error, "{MESSAGE}", help: "what to do depends on the problem (docs/data.md, \"Diagnostics\")")
        case .dataInvalid: return DiagnosticEntry(.error, "{PLACE}: {MESSAGE}", help: "what to do depends on the problem (docs/data.md, \"Diagnostics\")")
        case .dataWarning: return DiagnosticEntry(.warning, "{PLACE}: {MESSAGE}", help: "a column nothing reads: remove it or check its spelling")
        case .dataTooManyErrors: return DiagnosticEntry(.error, "and {N} more error[s] in '{X}' (the first {N} are shown)", help: "fix the errors shown and check again")
        case .dataOutletTwice: return DiagnosticEntry(.error, "outlet '{X}' is imported twice", help: "outlet names must be unique: rename or remove one of the rows")
        case .dataOutletDeclared: return DiagnosticEntry(.error, "branch '{X}' is declared here and imported from '{X}'", help: "branch names must be unique: remove the 'branch {X}' statement or the file's row, or rename one")
        case .dataNetworkDeclared: return DiagnosticEntry(.error, "network '{X}' is declared here and imported from '{X}'", help: "network names must be unique: remove the 'network {X}' statement or rename the file's network")
        case .dataCustomersTwice: return DiagnosticEntry(.error, "customers are already read by 'customers from' at {X}", help: "read the customers from one file or table")
        case .pathOutsideFolder: return DiagnosticEntry(.error, "'{X}' is outside the scenario's folder '{X}'", help: "copy the file into the scenario's folder, or allow its folder: --allow-path DIR")
        case .metricEqualsExpected: return DiagnosticEntry(.error, "expected '=' after 'metric {X}'", help: "write 'metric NAME = 40% * uplift + 60% * new_customers'")
        case .metricTrailing: return DiagnosticEntry(.error, "unexpected {T} after the value of 'metric {X}'")
        case .metricNameUnknown: return DiagnosticEntry(.error, "unknown metric '{X}' in 'metric {X}'")
        case .metricCycle: return DiagnosticEntry(.error, "named metrics refer to each other in a cycle: {X}", help: "define each named metric from metrics that do not depend on it")
        case .metricNameTaken: return DiagnosticEntry(.error, "'metric {X}' would hide the metric of the same name", help: "choose another name")
        case .metricUnitUnknown: return DiagnosticEntry(.error, "expected a unit after the value of 'metric {X}': {LIST}", help: "write 'metric {X} = ... as share' (a share prints as a percentage)")
        case .metricStatisticInDefinition: return DiagnosticEntry(.error, "'{X}' is a statistic over runs; a named metric is computed in each run", help: "write the metric without '.{X}' and take the statistic where it is used: 'expect NAME.p95 > 0'")
        case .rankOutletsExpected: return DiagnosticEntry(.error, "expected 'outlets by METRIC' after 'rank'", help: "write 'rank outlets by uplift echelons 5'")
        case .rankMetricExpected: return DiagnosticEntry(.error, "expected a metric after 'rank outlets by'", help: "write 'rank outlets by uplift'")
        case .rankMetricNotPerOutlet: return DiagnosticEntry(.error, "'{X}' has no value per outlet")
        case .rankUnexpected: return DiagnosticEntry(.error, "unexpected {T} in 'rank'")
        case .productMarginPeriodExpected: return DiagnosticEntry(.error, "expected 'per year' after the margin of product '{X}'", help: "write 'margin {P} per year'")
        case .productFeeOnPurchaseExpected: return DiagnosticEntry(.error, "expected 'on purchase' after the fee of product '{X}'")
        case .roleCostPeriodExpected: return DiagnosticEntry(.error, "expected 'per hour' after the cost of role '{X}'", help: "write 'cost {A} per hour'")
        // MARK: decisions
        case .inputArgumentsExpected: return DiagnosticEntry(.error, "expected {X} in {WHERE}", help: "write '{X}'")
        case .inputBetaTooWide: return DiagnosticEntry(.error, "'beta' of {WHERE}: beta(mean M, sd S) needs M strictly between 0% and 100% and S above 0 and below sqrt(M * (1 - M))", help: "narrow the sd, or move the mean away from 0% and 100%")
        case .inputOrder: return DiagnosticEntry(.error, "'{X}' of {WHERE} is out of order: {X}", help: "write the lowest value first, e.g. '{X}'")
        case .decisionFactorExpected: return DiagnosticEntry(.error, "expected 'PATH ±P%' in 'sensitivity ... over', found {T}", help: "write 'meet.contacts ±20%, meet.convert ±10%'")
        case .decisionMetricExpected: return DiagnosticEntry(.error, "expected 'of METRIC' after '{K}'")
        case .decisionNoInputs: return DiagnosticEntry(.error, "the scenario has no uncertain inputs to rank", help: "make a rate uncertain (convert uncertain(35%..45%)) or write 'sensitivity of {X} over PATH ±20%, ...'")
        case .decisionPathNotANumber: return DiagnosticEntry(.error, "'{X}' is not set to a number, so it cannot move ±{P}")
        case .decisionRunsExpected: return DiagnosticEntry(.error, "expected a whole number of runs from 2 to 100000 after 'runs'")
        case .decisionUnexpected: return DiagnosticEntry(.error, "unexpected {T} in '{K}'")
        case .decisionValueInvalid: return DiagnosticEntry(.error, "'{X}' at {X} makes the scenario invalid")
        case .designLatinCountExpected: return DiagnosticEntry(.error, "expected a whole number of points from 2 to {N} after 'latin'", help: "write 'sweep meet.contacts in 20..60 and meet.frequency in 1..3 latin 20'")
        case .designLevelsExpected: return DiagnosticEntry(.error, "'{X}' needs its values ('over V1, V2' or 'from A to B step S') in a full factorial sweep", help: "give the values, or end the sweep with 'latin N' for a Latin hypercube of N points")
        case .optimizeConstraintExpected: return DiagnosticEntry(.error, "expected 'METRIC-PATH OP VALUE' after 'subject to', found {T}", help: "write 'subject to staffing.wealth_manager.fte.p95 <= 2, cost <= 50万'")
        case .optimizeGoalExpected: return DiagnosticEntry(.error, "expected 'maximize' or 'minimize' after 'optimize', found {T}", help: "write 'optimize maximize uplift over meet.contacts in 20..60 step 20'")
        case .optimizeOverExpected: return DiagnosticEntry(.error, "expected 'over PATH in A..B' after the metric")
        case .optimizeWithinExpected: return DiagnosticEntry(.error, "expected the indifference zone, an amount above 0, after 'within'", help: "write 'within 1万': plans closer than that to the best count as equally good")
        case .designRangeExpected: return DiagnosticEntry(.error, "expected 'in A..B' after '{X}'", help: "write '{X} in 20..60'")
        // MARK: uncertain
        case .inputBetaNotAmount: return DiagnosticEntry(.error, "'beta' is for rates, not for {WHERE}, an amount", help: "write 'uncertain(3万..5万)' or 'triangular(3万, 4万, 6万)'")
        case .inputPathTwice: return DiagnosticEntry(.error, "campaign '{X}' has two uncertain costs {X}: the input '{X}' would be drawn twice", help: "add the two into one cost line, or make one of them a number")
        // MARK: calibrate
        case .observedBraceExpected: return DiagnosticEntry(.error, "expected '{' after 'observed {X}'", help: "write 'observed {X} { funnel.meet.attend 300 ± 30 }'")
        case .observedFigureExpected: return DiagnosticEntry(.error, "expected 'METRIC VALUE ± TOL' or 'METRIC >= VALUE' in observed '{X}', found {T}", help: "write 'attendance 300 ± 30' or 'subscribed.meet >= 1900万'")
        case .observedToleranceNotPositive: return DiagnosticEntry(.error, "the tolerance of '{X}' in observed '{X}' must be more than zero", help: "write how far off the figure may be, e.g. '± 10' (a bound needs none: 'METRIC >= VALUE')")
        case .observedEmpty: return DiagnosticEntry(.error, "observed '{X}' has no figures", help: "write one figure a line: 'funnel.meet.attend 300 ± 30'")
        case .observedMetricTwice: return DiagnosticEntry(.error, "'{X}' is observed twice in observed '{X}'", help: "keep one figure per metric")
        case .calibrateToExpected: return DiagnosticEntry(.error, "expected 'to NAME' after the ranges of 'calibrate', found {T}", help: "write 'calibrate meet.attend in 40%..80% to NAME', NAME an 'observed' set")
        case .calibrateObservedUnknown: return DiagnosticEntry(.error, "unknown observed set '{X}'", help: "declare it first: 'observed {X} { METRIC VALUE ± TOL, ... }'")
        case .calibrateRangeEmpty: return DiagnosticEntry(.error, "the range of '{X}' is empty: {X} is above {X}", help: "write the low end first: '{X} in A..B' with A <= B")
        case .calibratePathTwice: return DiagnosticEntry(.error, "'{X}' is calibrated twice", help: "give each parameter one range")
        // MARK: uncertain2
        case .inputSharesNoRemainder: return DiagnosticEntry(.error, "every tier's share[ at branch '{X}'] is uncertain: no tier takes up what the drawn shares leave", help: "give one tier a number for its share (the long tail, say): in each run it takes 100% minus the others")
        case .inputSharesExceed: return DiagnosticEntry(.error, "the tier shares[ at branch '{X}'] other than tier '{X}' can add up to {P}, more than 100%", help: "narrow the uncertain shares, or lower the others, so that at their highest they add up to 100% or less")
        }
    }
}

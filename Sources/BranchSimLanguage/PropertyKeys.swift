/// The property keys of each statement kind, as types: the validator switches over cases
/// (exhaustively, with no `default`), so a key added here must be handled there, and a
/// misspelt key in the checker does not compile. `LanguageVocabulary.properties` (the
/// parser's line splitting, completion, suggestions) is derived from these.
protocol PropertyKey: RawRepresentable<String>, CaseIterable, Hashable, Sendable {
    /// Keys that may be given more than once in one statement.
    static var repeatable: Set<Self> { get }
}

extension PropertyKey {
    static var repeatable: Set<Self> { [] }
    /// The keys' names, in the order the reference lists them.
    static var names: [String] { allCases.map(\.rawValue) }
}

/// `scenario "title" { ... }`.
enum ScenarioKey: String, PropertyKey {
    case horizon, step, runs, seed, threads
}

/// `tier NAME ...`.
enum TierKey: String, PropertyKey {
    case below, from, share, reachable, offbank, aum, holds, managed, attrition, growth

    /// The tier properties a branch may override with `tier NAME ...`.
    static let branchOverridable: [TierKey] = [.share, .reachable, .offbank, .aum, .holds, .attrition, .growth]
}

/// `segment NAME share P [in TIER, ...]`.
enum SegmentKey: String, PropertyKey {
    case share, `in`
}

/// `product NAME points C [flat] [term D retain P]`.
enum ProductKey: String, PropertyKey {
    case points, flat, term, retain
    // MARK: grain
    case margin, fee
}

/// `role NAME hours H per week [capacity K customers]`.
enum RoleKey: String, PropertyKey {
    case hours, capacity
    // MARK: grain
    case cost
}

/// `branch NAME { ... }`.
enum BranchKey: String, PropertyKey {
    case customers, offbank, staff, tier

    static var repeatable: Set<BranchKey> { [.staff, .tier] }
}

/// `network NAME { hub B  satellites B1, B2 }`.
enum NetworkKey: String, PropertyKey {
    case hub, satellites
}

/// `campaign NAME { ... }`.
enum CampaignKey: String, PropertyKey {
    case at, audience, channel, target, frequency, contacts, funnel, capacity, amount,
         buys, cooldown, referrals, effort, cost, starts, ends, rank

    static var repeatable: Set<CampaignKey> { [.effort, .cost] }
}

extension Statement {
    /// The first property given under `key`, if any.
    func property<K: PropertyKey>(_ key: K) -> Property? {
        properties.first { $0.key == key.rawValue }
    }
}

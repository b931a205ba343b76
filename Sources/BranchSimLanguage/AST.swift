/// The parsed tree: statements with their properties and value terms, each with its source range.
///
/// The AST keeps what was written (including comments, for the formatter); the checker
/// turns it into `BranchSimModel.CheckedProgram`, a different type.

public enum StatementKind: String, Sendable, Hashable, CaseIterable {
    case scenario, tier, segment, product, role, branch, network, campaign, policy, enforce
    case `let`, variant, run, report, compare, sweep, expect, export, include, drop
    /// `branches from "FILE"`, `customers from "FILE" [table T]`: the bank's own data (docs/data.md).
    case branches, customers
    // MARK: grain
    case metric, rank
    // MARK: decisions
    case sensitivity, optimize
    // MARK: calibrate
    /// `observed NAME { METRIC VALUE ± TOL ... }`: results a bank has seen; `calibrate ... to NAME`.
    case observed, calibrate

    /// Declarations that carry a name and properties (and may be replaced by one of the same name).
    public var isNamedDeclaration: Bool {
        switch self {
        case .tier, .segment, .product, .role, .branch, .network, .campaign, .variant, .let, .metric, .observed: return true
        case .scenario, .policy, .enforce, .run, .report, .compare, .sweep, .expect, .export, .include, .drop, .rank,
             .branches, .customers, .sensitivity, .optimize, .calibrate: return false
        }
    }

    /// Statements that do something with a scenario rather than describe it.
    public var isAction: Bool {
        switch self {
        case .run, .report, .compare, .sweep, .expect, .export, .rank, .sensitivity, .optimize, .calibrate: return true
        case .scenario, .tier, .segment, .product, .role, .branch, .network, .campaign, .policy, .enforce,
             .let, .variant, .include, .drop, .branches, .customers, .metric, .observed: return false
        }
    }

    /// Statements written as `KEYWORD [NAME] properties [{ property lines }]`.
    var hasProperties: Bool {
        switch self {
        case .scenario, .tier, .segment, .product, .role, .branch, .network, .campaign: return true
        case .policy, .enforce, .let, .variant, .run, .report, .compare, .sweep, .expect, .export, .include, .drop,
             .branches, .customers, .metric, .rank, .sensitivity, .optimize, .observed, .calibrate: return false
        }
    }
}

public enum BinaryOperator: String, Sendable, Hashable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
}

/// An arithmetic expression (`let` values, parenthesised values).
public indirect enum Expr: Sendable, Hashable {
    case number(Double, text: String, range: SourceRange)
    case reference(String, range: SourceRange)
    case negate(Expr, range: SourceRange)
    case binary(BinaryOperator, Expr, Expr, range: SourceRange)
    /// Parentheses as written (kept for the formatter).
    case group(Expr, range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .number(_, _, let r), .reference(_, let r), .negate(_, let r), .binary(_, _, _, let r), .group(_, let r): return r
        }
    }
}

public enum Symbol: String, Sendable, Hashable {
    case comma = ",", arrow = "->", range = "..", slash = "/", equals = "=", plus = "+", minus = "-", star = "*"
    case greater = ">", greaterEqual = ">=", less = "<", lessEqual = "<=", equalEqual = "==", notEqual = "!="
    /// Parentheses around conditions in a campaign's `where`.
    case openParen = "(", closeParen = ")"
    case plusMinus = "±"
}

/// One item of a property's value.
public indirect enum Term: Sendable, Hashable {
    case word(String, SourceRange)
    /// `value` has the suffix's scale applied; `text` is as written.
    case number(Double, NumberSuffix?, text: String, SourceRange)
    case string(String, SourceRange)
    case symbol(Symbol, SourceRange)
    /// `uniform(1万, 5万)`, `lognormal(median 6万, p90 20万)`: arguments split at commas.
    case call(String, args: [[Term]], SourceRange)
    /// `(a + b * 2)`.
    case expr(Expr, SourceRange)

    public var range: SourceRange {
        switch self {
        case .word(_, let r), .number(_, _, _, let r), .string(_, let r), .symbol(_, let r), .call(_, _, let r), .expr(_, let r): return r
        }
    }

    var word: String? { if case .word(let w, _) = self { return w } else { return nil } }
    func isSymbol(_ s: Symbol) -> Bool { if case .symbol(s, _) = self { return true } else { return false } }
}

/// `key value...` inside a statement, inline or on a block line.
public struct Property: Sendable, Hashable {
    public var key: String
    public var keyRange: SourceRange
    public var values: [Term]
    public var leadingComments: [String] = []
    public var trailingComment: String?
    /// Whether this property began a new line in a block (else it followed another inline).
    public var startsLine: Bool = true
    /// Whether the value held a token the lexer rejected (already reported; not checked further).
    public var malformed = false

    public var range: SourceRange { values.last.map { keyRange.union($0.range) } ?? keyRange }
}

public struct Statement: Sendable, Hashable {
    public var kind: StatementKind
    public var keywordRange: SourceRange
    /// The declared name (for `scenario`, the title string; for `drop`, the kind dropped is in `args`).
    public var name: String?
    public var nameRange: SourceRange?
    /// Whether `name` was written as a string.
    public var nameIsString = false
    /// Properties written on the statement line.
    public var inline: [Property] = []
    /// Properties written in `{ }` (nil when there are no braces).
    public var block: [Property]?
    /// Statements inside a `variant { }`.
    public var body: [Statement]?
    /// Everything after the keyword for statements without properties (`run`, `report`, `policy` ...).
    public var args: [Term] = []
    /// `let NAME = EXPR`.
    public var expr: Expr?
    public var leadingComments: [String] = []
    public var trailingComment: String?
    /// Comments written just before the closing `}`.
    public var closingComments: [String] = []
    /// Whether `{` and `}` were on one line (kept by the formatter).
    public var blockOnOneLine = false
    /// Whether a blank line preceded this statement (kept by the formatter).
    public var blankLineBefore = false
    public var range: SourceRange

    /// Inline properties, then block properties.
    public var properties: [Property] { inline + (block ?? []) }
}

/// A parsed file.
public struct SourceUnit: Sendable, Equatable {
    public var file: SourceFile
    public var statements: [Statement]
    /// Comments after the last statement.
    public var trailingComments: [String]
}

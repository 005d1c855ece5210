/// What every named unit of the definition vocabulary declares: the check rules of ODPCheck
/// (`CheckRule`), the column operators of ODPDesensitize (`OperatorUnit`). Each unit lives in
/// a file of its own and is listed once in its stage's registry (`RuleRegistry`,
/// `OperatorRegistry`); `odp validate`, compilation and README's tables (held to the
/// registries by tests) all come from there.
public protocol VocabularyUnit: Sendable {
    /// The name written in definitions (`type:`, `op:`) and in reports.
    static var slug: String { get }
    /// The parameters as README's table lists them; nil when it takes none.
    static var parameters: String? { get }
    /// One line each in Chinese and English.
    static var summary: UnitSummary { get }
    /// What it can report (report lines, notes), with `{…}` placeholders.
    static var findings: [String] { get }
}

/// A one-line description of a unit, in Chinese for data officers and in English.
public struct UnitSummary: Sendable {
    public let chinese: String
    public let english: String

    public init(chinese: String, english: String) {
        self.chinese = chinese
        self.english = english
    }
}

extension VocabularyUnit {
    /// README's rendering: "`slug` (parameters)".
    public static var readmeEntry: String { "`\(slug)`" + (parameters.map { " (\($0))" } ?? "") }
}

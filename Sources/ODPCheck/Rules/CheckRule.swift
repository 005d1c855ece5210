import ODPCore

/// One rule type of the check vocabulary (`fields[].rules`, `rules:`). Each lives in its own
/// file under `Rules/Field`, `Rules/Row` or `Rules/Table` and is listed once, in
/// `RuleRegistry.all`; validation, compilation and README's table all come from that list.
///
/// A rule does its work in `compile`: it reads and checks its parameters through
/// `RuleBuild` (problems become `odp validate` diagnostics with file:line), and adds its
/// hooks to the plan: a per-cell or per-row test (`RuleBuild.addCellCheck`,
/// `RuleBuild.addRowCheck`, or the shared null and duplicate checks), and for table rules a
/// finish hook (`RuleBuild.addFinish`) run once the whole table has been seen.
///
/// From `VocabularyUnit`: `slug` (the `type:`), `parameters`, `summary`, and `findings`, the
/// report lines it can emit with `{字段}` and similar placeholders.
protocol CheckRule: VocabularyUnit {
    static var scope: RuleScope { get }
    /// A use of the rule, as YAML in a definition: for a field rule on `exampleField`, for
    /// the others under `rules:`. The registry test compiles each one on a fixture with
    /// fields `text`, `amount`, `total` (numbers), `birth` (a date), `id_no`, `sex`, `region`
    /// and `address`, and checks the report lines it makes against `findings`.
    static var example: String { get }
    static var exampleField: String { get }
    static var defaultSeverity: CheckSeverity { get }
    static var defaultDimension: QualityDimension { get }
    /// False for rules judged on the whole table, which cannot leave out single rows.
    static var canRejectRows: Bool { get }
    static func compile(_ rule: RuleBuild)
}

extension CheckRule {
    static var defaultSeverity: CheckSeverity { scope == .table ? .hold : .reject }
    static var canRejectRows: Bool { true }
    static var exampleField: String { "text" }
}

/// Where a rule is written and what it sees.
enum RuleScope: String, CaseIterable {
    /// Under a field's `rules:`; sees one cell at a time.
    case field
    /// Under the dataset's `rules:`; sees one row at a time.
    case row
    /// Under the dataset's `rules:`; judged once the whole table has been seen.
    case table
}

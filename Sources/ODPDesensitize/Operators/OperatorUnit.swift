import ODPCore

/// One column operator of `desensitize: {op: …}`, in a file of its own under
/// `Operators/Units`, listed once in `OperatorRegistry.all`. From `VocabularyUnit`: `slug`
/// (the `op:`), `parameters`, `summary`, and `findings`, the data dictionary notes it writes.
///
/// A value of the unit is its checked parameters. Everything the stage does with an operator
/// goes through this protocol, so adding one touches its own file, its test and the registry:
/// - `parse` reads and checks the parameters (problems become diagnostics naming file and line);
/// - `output` is the field as published, `needs` what `odp validate` checks in odp.yml;
/// - `compile` builds the per-cell hook (`CellOperator`) with what it needs at run time;
/// - `note` is the data dictionary's line for the field.
protocol OperatorUnit: VocabularyUnit {
    /// The checked parameters; nil when they cannot be used (the problems are in `op.r`).
    static func parse(_ op: OperatorParse) -> Self?
    /// The field as published; nil when it is left out (`drop`). Default: a string.
    func output(_ field: FieldDefinition) -> FieldDefinition?
    /// What the operator needs from odp.yml. Default: nothing.
    var needs: [OperatorNeed] { get }
    /// - Throws: `ODPError.usage` when the run lacks what it needs (fail closed).
    func compile(_ c: OperatorCompile) throws -> any CellOperator
    /// How the field was desensitized, in Chinese, for the data dictionary.
    func note(_ c: OperatorNote) -> String
}

extension OperatorUnit {
    func output(_ field: FieldDefinition) -> FieldDefinition? { field.retyped(.string) }
    var needs: [OperatorNeed] { [] }
}

/// What an operator can need from the pipeline configuration (odp.yml).
enum OperatorNeed {
    /// `keys.pseudonym`.
    case pseudonymKey
    /// The gb2260 code table, for region names.
    case regionNames
}

/// What an operator's `parse` works with.
struct OperatorParse {
    let r: ConfigReader
    let spec: RuleSpec
    /// "field `x`.desensitize", for messages.
    let label: String
    let field: FieldDefinition
    let schema: Schema
}

/// What an operator's `compile` works with: the run and the source columns.
struct OperatorCompile {
    let field: FieldDefinition
    let sourceSchema: Schema
    let context: StageContext
    /// `privacy.redact_marker`, the marker when `redact` names none.
    let marker: [UInt8]
    let scanner: IdentifierScanner
    let nameLike: Bool
    let cardLabelled: Bool
}

/// What an operator's `note` works with.
struct OperatorNote {
    let context: StageContext
    let schema: Schema
    let redactMarker: String
}

import ODPCore

/// One column operator of `desensitize: {op: …}`, in a file of its own under
/// `Operators/Units`, listed once in `OperatorRegistry.all`. From `VocabularyUnit`: `slug`
/// (the `op:`), `parameters`, `summary`, and `findings`, the data dictionary notes it writes.
///
/// `parse` reads and checks the parameters (problems become diagnostics naming file and
/// line) and returns the compiled `Operator`. The per-cell work stays in
/// `ColumnTransform.apply`, which switches on a payload-free `ColumnTransform.Step`: one
/// switch per cell measured cheaper than a call through a protocol (see docs/performance.md).
protocol OperatorUnit: VocabularyUnit {
    static func parse(_ op: OperatorParse) -> Operator?
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

/// Every operator ODPDesensitize knows, the single place they are listed. Order is README's.
enum OperatorRegistry {
    static let all: [any OperatorUnit.Type] = [
        DropOperator.self, MaskOperator.self, PseudonymOperator.self, GeneralizeOperator.self, RoundOperator.self,
        SuppressOperator.self, ReplaceOperator.self, RedactOperator.self, MaskEmbeddedOperator.self,
    ]

    static var slugs: [String] { all.map { $0.slug } }

    static func unit(_ slug: String) -> (any OperatorUnit.Type)? { all.first { $0.slug == slug } }
}

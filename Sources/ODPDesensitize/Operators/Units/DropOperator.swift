import ODPCore

struct DropOperator: OperatorUnit {
    static let slug = "drop"
    static let parameters: String? = "– (the field is left out of the release)"
    static let summary = UnitSummary(chinese: "该字段不发布", english: "The field is left out of the release")
    static let findings: [String] = []

    static func parse(_ op: OperatorParse) -> DropOperator? { DropOperator() }

    func output(_ field: FieldDefinition) -> FieldDefinition? { nil }

    /// Never called: a dropped field has no output column.
    func compile(_ c: OperatorCompile) throws -> any CellOperator { PassThrough() }

    func note(_ c: OperatorNote) -> String { "" }
}

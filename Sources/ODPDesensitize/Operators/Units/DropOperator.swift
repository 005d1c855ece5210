import ODPCore

enum DropOperator: OperatorUnit {
    static let slug = "drop"
    static let parameters: String? = "– (the field is left out of the release)"
    static let summary = UnitSummary(chinese: "该字段不发布", english: "The field is left out of the release")
    static let findings: [String] = []

    static func parse(_ op: OperatorParse) -> Operator? { .drop }
}

import ODPCore

enum ReplaceOperator: OperatorUnit {
    static let slug = "replace"
    static let parameters: String? = "`value`"
    static let summary = UnitSummary(chinese: "以固定值代替", english: "Replaces every value with `value`")
    static let findings = ["已替换为固定值"]

    static func parse(_ op: OperatorParse) -> Operator? {
        op.r.string("value", required: true).map { .replace(Array($0.utf8)) }
    }
}

import ODPCore

enum MinRule: CheckRule {
    static let slug = "min"
    static let scope = RuleScope.field
    static let parameters: String? = "`value`"
    static let summary = UnitSummary(chinese: "数值或日期不应小于 value", english: "A number or date must not be below `value`")
    static let findings = ["「{字段}」不应小于 {value}"]
    static let example = "{type: min, value: 0}"
    static let exampleField = "amount"
    static let defaultDimension = QualityDimension.accuracy

    static func compile(_ rule: RuleBuild) { rule.addBound(isMin: true) }
}

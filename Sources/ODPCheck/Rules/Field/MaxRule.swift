import ODPCore

enum MaxRule: CheckRule {
    static let slug = "max"
    static let scope = RuleScope.field
    static let parameters: String? = "`value`"
    static let summary = UnitSummary(chinese: "数值或日期不应大于 value", english: "A number or date must not be above `value`")
    static let findings = ["「{字段}」不应大于 {value}"]
    static let example = "{type: max, value: 1000000}"
    static let exampleField = "amount"
    static let defaultDimension = QualityDimension.accuracy

    static func compile(_ rule: RuleBuild) { rule.addBound(isMin: false) }
}

import ODPCore

enum RequiredRule: CheckRule {
    static let slug = "required"
    static let scope = RuleScope.field
    static let parameters: String? = nil
    static let summary = UnitSummary(chinese: "字段不能为空", english: "The field must not be null or empty")
    static let findings = ["「{字段}」不能为空"]
    static let example = "{type: required}"
    static let defaultDimension = QualityDimension.completeness

    static func compile(_ rule: RuleBuild) {
        guard let column = rule.column, let field = rule.field else { return }
        let t = rule.tally(rule.title(column) + "不能为空", field: field.name)
        rule.compiler.plan.nullChecks.append(NullCheck(columns: [column], tally: t, reject: rule.reject))
    }
}

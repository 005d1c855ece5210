import ODPCore

enum UniqueRule: CheckRule {
    static let slug = "unique"
    static let scope = RuleScope.field
    static let parameters: String? = nil
    static let summary = UnitSummary(chinese: "字段取值不能重复（第二次及以后出现的行不通过）",
                                     english: "Values must not repeat (second and later occurrences fail)")
    static let findings = ["「{字段}」不能重复"]
    static let example = "{type: unique}"
    static let defaultDimension = QualityDimension.accuracy

    static func compile(_ rule: RuleBuild) {
        guard let column = rule.column, let field = rule.field else { return }
        let t = rule.tally(rule.title(column) + "不能重复", field: field.name)
        rule.compiler.plan.duplicateChecks.append(DuplicateCheck(columns: [column], tally: t, reject: rule.reject, skipNulls: true,
                                                                 set: FingerprintSet(capacity: 4096)))
    }
}

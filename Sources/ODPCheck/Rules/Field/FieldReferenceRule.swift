import ODPCore

enum FieldReferenceRule: CheckRule {
    static let slug = "reference"
    static let scope = RuleScope.field
    static let parameters: String? = "`dataset`, `field`"
    static let summary = UnitSummary(chinese: "取值应存在于另一数据集最新发布版本的某字段中",
                                     english: "The value exists in a field of another dataset's latest release")
    static let findings = ["「{字段}」应存在于数据集 {dataset} 的 {field} 中"]
    static let example = "{type: reference, dataset: registry, field: uscc}"
    static let defaultSeverity = CheckSeverity.hold
    static let defaultDimension = QualityDimension.consistency

    static func compile(_ rule: RuleBuild) {
        guard let column = rule.column, let dataset = rule.r.string("dataset", required: true),
              let other = rule.r.string("field", required: true) else { return }
        rule.addReference(column: column, dataset: dataset, field: other)
    }
}

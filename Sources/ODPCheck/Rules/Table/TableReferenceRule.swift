import ODPCore

enum TableReferenceRule: CheckRule {
    static let slug = "reference"
    static let scope = RuleScope.table
    static let parameters: String? = "`local_field`, `dataset`, `field`"
    static let summary = UnitSummary(chinese: "local_field 的取值应存在于另一数据集最新发布版本的 field 中",
                                     english: "Values of `local_field` exist in `field` of another dataset's latest release")
    static let findings = ["「{字段}」应存在于数据集 {dataset} 的 {field} 中"]
    static let example = "{type: reference, local_field: region, dataset: regions, field: code}"
    static let defaultDimension = QualityDimension.consistency

    static func compile(_ rule: RuleBuild) {
        guard let local = rule.column("local_field"), let dataset = rule.r.string("dataset", required: true),
              let other = rule.r.string("field", required: true) else { return }
        rule.addReference(column: local, dataset: dataset, field: other)
    }
}

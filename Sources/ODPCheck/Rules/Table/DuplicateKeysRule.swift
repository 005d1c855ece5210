import ODPCore

enum DuplicateKeysRule: CheckRule {
    static let slug = "duplicate_keys"
    static let scope = RuleScope.table
    static let parameters: String? = "`fields`"
    static let summary = UnitSummary(chinese: "给定字段的组合不应重复", english: "The combination of `fields` does not repeat")
    static let findings = ["{字段}组合不应重复"]
    static let example = "{type: duplicate_keys, fields: [id_no, birth]}"
    static let defaultDimension = QualityDimension.accuracy

    static func compile(_ rule: RuleBuild) {
        guard let cols = rule.columns("fields", required: true), !cols.isEmpty else { return }
        rule.addDuplicates(columns: cols, label: "\(cols.map(rule.title).joined(separator: "+"))组合不应重复",
                           field: cols.map { rule.schema.fields[$0].name }.joined(separator: ","))
    }
}

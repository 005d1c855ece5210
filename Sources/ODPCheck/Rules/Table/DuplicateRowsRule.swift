import ODPCore

enum DuplicateRowsRule: CheckRule {
    static let slug = "duplicate_rows"
    static let scope = RuleScope.table
    static let parameters: String? = nil
    static let summary = UnitSummary(chinese: "不应有完全重复的行（按 64 位指纹，后出现的计为重复）",
                                     english: "No two rows are identical (64-bit fingerprints; later occurrences count)")
    static let findings = ["不应有完全重复的行"]
    static let example = "{type: duplicate_rows}"
    static let defaultDimension = QualityDimension.accuracy

    static func compile(_ rule: RuleBuild) {
        rule.addDuplicates(columns: Array(0..<rule.schema.fields.count), label: "不应有完全重复的行", field: nil)
    }
}

import ODPCore

enum EnumRule: CheckRule {
    static let slug = "enum"
    static let scope = RuleScope.field
    static let parameters: String? = "`values`"
    static let summary = UnitSummary(chinese: "取值应为 values 之一", english: "The value is one of `values`")
    static let findings = ["「{字段}」应为以下之一：{values}"]
    static let example = "{type: enum, values: [男, 女]}"
    static let defaultDimension = QualityDimension.conformity

    static func compile(_ rule: RuleBuild) {
        let values = rule.r.strings("values", required: true)
        let set = FingerprintSet(capacity: 4096)
        for v in values { _ = set.insert(Fingerprint.hash(v)) }
        rule.addCellCheck("应为以下之一：\(values.joined(separator: "、"))") { cell, _, _ in set.contains(Fingerprint.hash(cell)) }
    }
}

import ODPCore

enum GB11714Rule: CheckRule {
    static let slug = "gb11714"
    static let scope = RuleScope.field
    static let parameters: String? = nil
    static let summary = UnitSummary(chinese: "组织机构代码的校验位（GB 11714）应正确", english: "The check character of an organisation code (GB 11714) is right")
    static let findings = ["「{字段}」不是有效的组织机构代码（GB 11714 校验位）"]
    static let example = "{type: gb11714}"
    static let defaultDimension = QualityDimension.accuracy

    static func compile(_ rule: RuleBuild) { rule.addPlainCheck("不是有效的组织机构代码（GB 11714 校验位）") { Checksums.gb11714($0) } }
}

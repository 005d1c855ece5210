import ODPCore

enum GB11643Rule: CheckRule {
    static let slug = "gb11643"
    static let scope = RuleScope.field
    static let parameters: String? = nil
    static let summary = UnitSummary(chinese: "公民身份号码的校验位（GB 11643）应正确", english: "The check character of a citizen ID number (GB 11643) is right")
    static let findings = ["「{字段}」不是有效的公民身份号码（GB 11643 校验位）"]
    static let example = "{type: gb11643}"
    static let defaultDimension = QualityDimension.accuracy

    static func compile(_ rule: RuleBuild) { rule.addPlainCheck("不是有效的公民身份号码（GB 11643 校验位）") { Checksums.gb11643($0) } }
}

import ODPCore

enum GB32100Rule: CheckRule {
    static let slug = "gb32100"
    static let scope = RuleScope.field
    static let parameters: String? = nil
    static let summary = UnitSummary(chinese: "统一社会信用代码的校验位（GB 32100）应正确", english: "The check character of a unified social credit code (GB 32100) is right")
    static let findings = ["「{字段}」不是有效的统一社会信用代码（GB 32100 校验位）"]
    static let example = "{type: gb32100}"
    static let defaultDimension = QualityDimension.accuracy

    static func compile(_ rule: RuleBuild) { rule.addPlainCheck("不是有效的统一社会信用代码（GB 32100 校验位）") { Checksums.gb32100($0) } }
}

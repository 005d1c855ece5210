import ODPCore

enum LuhnRule: CheckRule {
    static let slug = "luhn"
    static let scope = RuleScope.field
    static let parameters: String? = nil
    static let summary = UnitSummary(chinese: "应通过 Luhn 校验（银行卡号等）", english: "The value passes the Luhn check (bank card numbers)")
    static let findings = ["「{字段}」未通过 Luhn 校验"]
    static let example = "{type: luhn}"
    static let defaultDimension = QualityDimension.accuracy

    static func compile(_ rule: RuleBuild) { rule.addPlainCheck("未通过 Luhn 校验") { Checksums.luhn($0) } }
}

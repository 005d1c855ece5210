import ODPCore

enum GB11643Rule: CheckRule {
    static let slug = "gb11643"
    static let scope = RuleScope.field
    static let parameters: String? = "`check_birth`, `min_age`, `max_age`, `check_region`, `table`, `allow_15_digit`"
    static let summary = UnitSummary(chinese: "公民身份号码的校验位（GB 11643）应正确", english: "The check character of a citizen ID number (GB 11643) is right")
    static let findings = ["「{字段}」不是有效的公民身份号码（GB 11643 校验位）",
                                 "「{字段}」不是有效的公民身份号码（18 位须通过 GB 11643 校验位，或为 15 位旧号码）",
                                 "「{字段}」中的出生日期应为真实日期、不晚于运行日期，且年龄在 {min_age}–{max_age} 岁之间",
                                 "「{字段}」前 6 位应为出生时仍在使用的行政区划代码（GB/T 2260，代码表 {table}）"]
    static let example = "{type: gb11643}"
    static let defaultDimension = QualityDimension.accuracy

    static func compile(_ rule: RuleBuild) { rule.compiler.compileCitizenID(rule.r) { rule.addCellCheck($0, $1) } }
}

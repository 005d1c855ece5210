import ODPCore

enum GB32100Rule: CheckRule {
    static let slug = "gb32100"
    static let scope = RuleScope.field
    static let parameters: String? = "`check_authority`, `check_region`, `table`, `region_field`"
    static let summary = UnitSummary(chinese: "统一社会信用代码的校验位（GB 32100）应正确", english: "The check character of a unified social credit code (GB 32100) is right")
    static let findings = ["「{字段}」不是有效的统一社会信用代码（GB 32100 校验位）",
                                 "「{字段}」第 1–2 位应为登记管理部门代码及其下的机构类别代码（GB 32100-2015 表 1）",
                                 "「{字段}」第 3–8 位应为行政区划代码（GB/T 2260，代码表 {table}）",
                                 "「{字段}」第 3–8 位应与「{region_field}」的区划（或其所属市、省）一致"]
    static let example = "{type: gb32100}"
    static let defaultDimension = QualityDimension.accuracy

    static func compile(_ rule: RuleBuild) { rule.compiler.compileCreditCode(rule.r) { rule.addCellCheck($0, $1) } }
}

import ODPCore

enum LengthRule: CheckRule {
    static let slug = "length"
    static let scope = RuleScope.field
    static let parameters: String? = "`min`, `max`"
    static let summary = UnitSummary(chinese: "字符数应在 min 与 max 之间", english: "The length in characters lies between `min` and `max`")
    static let findings = ["「{字段}」长度应在 {min}–{max} 个字符之间"]
    static let example = "{type: length, min: 2, max: 40}"
    static let defaultDimension = QualityDimension.conformity

    static func compile(_ rule: RuleBuild) {
        let r = rule.r
        let lo = r.int("min", range: 0...1_000_000), hi = r.int("max", range: 0...1_000_000)
        if lo == nil, hi == nil { r.error("\(rule.context): give `min` or `max` (characters)") }
        let minimum = lo ?? 0, maximum = hi ?? Int.max
        rule.addCellCheck("长度应在 \(minimum)–\(hi.map(String.init) ?? "∞") 个字符之间") { cell, _, _ in
            var n = 0
            for b in cell where b & 0xC0 != 0x80 { n += 1 }
            return n >= minimum && n <= maximum
        }
    }
}

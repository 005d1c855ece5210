import ODPCore

enum PatternRule: CheckRule {
    static let slug = "pattern"
    static let scope = RuleScope.field
    static let parameters: String? = "`pattern`, whole cell"
    static let summary = UnitSummary(chinese: "整个取值应符合格式 pattern（见 BytePattern）",
                                     english: "The whole cell matches `pattern` (see `BytePattern`)")
    static let findings = ["「{字段}」格式应符合 {pattern}"]
    static let example = "{type: pattern, pattern: \"1[3-9][0-9]{9}\"}"
    static let defaultDimension = QualityDimension.conformity

    static func compile(_ rule: RuleBuild) {
        guard let text = rule.r.string("pattern", required: true) else { return }
        do {
            let p = try BytePattern(text)
            rule.addCellCheck("格式应符合 \(text)") { cell, _, _ in p.matches(cell) }
        } catch let e as BytePattern.SyntaxError {
            var loc = rule.r.raw("pattern")?.location ?? rule.spec.location
            loc.column = loc.column.map { $0 + e.offset }
            rule.compiler.error("\(rule.context)：无效的模式（bad pattern）：\(e.message)（第 \(e.offset + 1) 个字符处）", at: loc)
        } catch {}
    }
}

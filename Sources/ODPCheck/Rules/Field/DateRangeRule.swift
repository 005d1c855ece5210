import ODPCore

enum DateRangeRule: CheckRule {
    static let slug = "date_range"
    static let scope = RuleScope.field
    static let parameters: String? = "`not_future`, `not_before`, `not_after`"
    static let summary = UnitSummary(chinese: "应为真实日期，且不晚于运行日期或在给定范围内",
                                     english: "A real date, not in the future or within the given bounds (also fails non-dates)")
    static let findings = ["「{字段}」应为真实日期，不晚于运行日期，不早于 {not_before}，不晚于 {not_after}"]
    static let example = "{type: date_range, not_future: true, not_before: 1900-01-01}"
    static let exampleField = "birth"
    static let defaultDimension = QualityDimension.accuracy

    static func compile(_ rule: RuleBuild) {
        guard let column = rule.column, let field = rule.field else { return }
        let r = rule.r, compiler = rule.compiler
        let formats: [DateFormat]
        if case .date(let f) = CompiledExpression.kind(of: field) { formats = f } else { formats = [DateFormat.isoDate] }
        let notFuture = r.bool("not_future") ?? false
        let before = compiler.dateParameter(r, "not_before")
        let after = compiler.dateParameter(r, "not_after")
        let runDate = compiler.runDate
        let today = CompiledExpression.dayNumber(CivilDateTime(year: runDate.year, month: runDate.month, day: runDate.day)) + 1
        var parts = ["应为真实日期"]
        if notFuture { parts.append("不晚于运行日期") }
        if let b = r.string("not_before") { parts.append("不早于 \(b)") }
        if let a = r.string("not_after") { parts.append("不晚于 \(a)") }
        // The column's type check keeps the day numbers it parsed (`ParsedDays`).
        let parsedDays = compiler.parsedDays[column]
        rule.addCellCheck(parts.joined(separator: "，")) { cell, row, _ in
            let day: Double
            if let parsedDays {
                day = parsedDays[row]
                guard !day.isNaN else { return false }
            } else {
                guard let parsed = formats.parse(cell) else { return false }
                day = CompiledExpression.dayNumber(parsed)
            }
            if notFuture, day >= today { return false }
            if let before, day < before { return false }
            if let after, day >= after + 1 { return false }
            return true
        }
    }
}

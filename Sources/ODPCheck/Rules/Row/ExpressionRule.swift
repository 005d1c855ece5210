import ODPCore

enum ExpressionRule: CheckRule {
    static let slug = "expression"
    static let scope = RuleScope.row
    static let parameters: String? = "`expression: \"end_date >= start_date\"`, arithmetic, `and`/`or`/`not`, functions below"
    static let summary = UnitSummary(chinese: "每行应满足给定的比较表达式；required: true 时含空值的行不通过",
                                     english: "Each row satisfies a comparison; with `required: true` a row with a null fails")
    static let findings = ["应满足：{expression}"]
    static let example = "{type: expression, expression: \"amount <= total\"}"
    static let defaultDimension = QualityDimension.consistency

    static func compile(_ rule: RuleBuild) {
        let r = rule.r, schema = rule.schema
        guard let text = r.string("expression", required: true) else { return }
        let nullFails = r.bool("required") ?? false
        let loc = r.raw("expression")?.location ?? rule.spec.location
        do {
            let e = try Expression.parse(text)
            guard e.isLogical else {
                rule.compiler.error("rules.expression：`\(text)` 只算出一个值，没有比较（compares nothing）", at: loc,
                                    hint: "写成比较式，如 `a + b == total`")
                return
            }
            let compiled = try CompiledExpression(e, schema: schema)
            let refs = e.fieldReferences.compactMap { schema.index(of: $0.0) }
            let t = rule.tally("应满足：\(text)", field: refs.first.map { schema.fields[$0].name })
            rule.addRowCheck(tally: t, valueColumn: refs.first, nullFails: nullFails) { row, cells in
                compiled.evaluate(row: row, cells: cells)
            }
        } catch let e as Expression.SyntaxError {
            var at = loc
            // Columns count from the value's first character (after the quote of a quoted one).
            at.column = at.column.map { $0 + e.offset }
            let hint = e.message.contains("（not a field）")
                ? Suggest.hint(for: String(e.message.split(separator: "`")[0]), in: schema.names) : nil
            rule.compiler.error("rules.expression：\(e.message)（`\(text)` 的第 \(e.offset + 1) 个字符处）", at: at, hint: hint)
        } catch {}
    }
}

import ODPCore

enum CodeTableRule: CheckRule {
    static let slug = "code_table"
    static let scope = RuleScope.field
    static let parameters: String? = "`table`, `as_of_field`, `level`"
    static let summary = UnitSummary(chinese: "取值应为代码表中的代码；给出 as_of_field 时按记录日期当年有效的代码判断，给出 level 时只认该层级",
                                     english: "The value is a code of `table`; with `as_of_field`, of the list in force at the record's date; with `level`, of that level")
    static let findings = ["「{字段}」应为代码表 {table} 中的代码", "「{字段}」应为记录日期时代码表 {table} 中有效的代码",
                                 "「{字段}」应为代码表 {table} 中第 {level} 层级（{层级名}）的代码",
                                 "「{字段}」应为记录日期时代码表 {table} 中有效第 {level} 层级（{层级名}）的代码"]
    static let example = "{type: code_table, table: gb2260}"
    static let exampleField = "region"
    static let defaultDimension = QualityDimension.conformity

    static func compile(_ rule: RuleBuild) {
        let r = rule.r, context = rule.context
        guard let name = r.string("table", required: true) else { return }
        var asOf: (Int, [DateFormat])?
        if let dateField = r.string("as_of_field"), let loc = r.raw("as_of_field")?.location {
            if let c = rule.compiler.column(dateField, at: loc, context: "\(context).as_of_field") {
                if case .date(let formats) = CompiledExpression.kind(of: rule.schema.fields[c]) { asOf = (c, formats) } else {
                    r.error("\(context).as_of_field：`\(dateField)` 不是日期字段（date field）", at: loc)
                }
            }
        }
        let level = rule.compiler.codeTableLevel(r)
        guard let table = rule.compiler.byteTable(name, level: level, at: r.raw("table")?.location ?? r.location, context: context) else { return }
        let kind = level.map { "第 \($0) 层级（\(CodeTable.levelNames[$0 - 1])）的代码" } ?? "的代码"
        let label = asOf == nil ? "应为代码表 \(name) 中\(kind)" : "应为记录日期时代码表 \(name) 中有效\(kind)"
        rule.addCellCheck(label) { cell, row, cells in
            var year: Int?
            if let (c, formats) = asOf, let d = cells.at(row, c) {
                year = formats.parse(d)?.year
            }
            return table.contains(cell, year: year)
        }
    }
}

import ODPCore

enum CompletenessRule: CheckRule {
    static let slug = "completeness"
    static let scope = RuleScope.table
    static let parameters: String? = "`fields`, `min`"
    static let summary = UnitSummary(chinese: "每个字段的非空比例应不低于 min（fields 默认全部字段）",
                                     english: "Each field's share of non-null values is at least `min` (`fields` default all)")
    static let findings = ["每个字段非空比例应不低于 {min}%"]
    static let example = "{type: completeness, min: 0.9}"
    static let defaultDimension = QualityDimension.completeness
    static let canRejectRows = false

    static func compile(_ rule: RuleBuild) {
        guard let cols = rule.columns("fields", required: false) else { return }
        let columns = cols.isEmpty ? Array(0..<rule.schema.fields.count) : cols
        let minimum = rule.r.double("min", required: true) ?? 1
        if !(0...1).contains(minimum) {
            rule.r.error("rules.completeness.min 必须是 0 到 1 之间的比例", at: rule.r.raw("min")?.location)
        }
        let t = rule.tally("每个字段非空比例应不低于 \(Int((minimum * 100).rounded()))%",
                           field: cols.isEmpty ? nil : cols.map { rule.schema.fields[$0].name }.joined(separator: ","))
        rule.addFinish(tally: t) { table, tally in
            var below: [String] = []
            var shares: [String: Double] = [:]
            for c in columns {
                let share = table.rowsChecked == 0 ? 1 : 1 - Double(table.nulls[c]) / Double(table.rowsChecked)
                shares[table.schema.fields[c].name] = Report.round(share)
                if share < minimum { below.append(table.schema.fields[c].name) }
            }
            tally.checked = columns.count
            tally.failed = below.count
            tally.metric = ["non_null_share": ArtifactJSON(shares), "below_minimum": ArtifactJSON(below)]
            if !below.isEmpty { tally.note = "低于要求的字段：" + below.joined(separator: "、") }
        }
    }
}

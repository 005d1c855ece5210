import ODPCore

enum RowCountRule: CheckRule {
    static let slug = "row_count"
    static let scope = RuleScope.table
    static let parameters: String? = "`min`, `max`"
    static let summary = UnitSummary(chinese: "表的行数应在 min 与 max 之间", english: "The table's row count lies between `min` and `max`")
    static let findings = ["行数应在 {min}–{max} 之间"]
    static let example = "{type: row_count, min: 1}"
    static let defaultDimension = QualityDimension.completeness
    static let canRejectRows = false

    static func compile(_ rule: RuleBuild) {
        let lo = rule.r.int("min", range: 0...Int.max), hi = rule.r.int("max", range: 0...Int.max)
        if lo == nil, hi == nil { rule.r.error("rules.row_count: give `min` or `max`") }
        let t = rule.tally("行数应在 \(lo ?? 0)–\(hi.map(String.init) ?? "∞") 之间", field: nil)
        rule.addFinish(tally: t) { table, tally in
            tally.checked = 1
            tally.failed = (lo.map { table.rowsChecked < $0 } ?? false) || (hi.map { table.rowsChecked > $0 } ?? false) ? 1 : 0
            tally.metric["row_count"] = ArtifactJSON(table.rowsChecked)
        }
    }
}

import ODPCore

enum SumEqualsRule: CheckRule {
    static let slug = "sum_equals"
    static let scope = RuleScope.table
    static let parameters: String? = "`field`, `total` or `equals_sum_of`, `tolerance`: the absolute difference allowed, default 0.005"
    static let summary = UnitSummary(chinese: "字段合计应等于给定总数或另一字段的合计",
                                     english: "A field's sum equals `total` or the sum of another field")
    static let findings = ["「{字段}」合计应等于 {total}", "「{字段}」合计应等于「{字段}」合计"]
    static let example = "{type: sum_equals, field: amount, equals_sum_of: total}"
    static let defaultDimension = QualityDimension.consistency
    static let canRejectRows = false

    static func compile(_ rule: RuleBuild) {
        let r = rule.r, schema = rule.schema
        guard let c = rule.column("field") else { return }
        let total = r.double("total")
        let other = r.has("equals_sum_of") ? rule.column("equals_sum_of") : nil
        if (total == nil) == (other == nil) { r.error("rules.sum_equals：`total` 与 `equals_sum_of` 须给出且只给出其中一个") }
        for col in [c] + (other.map { [$0] } ?? []) where ![.integer, .number].contains(schema.fields[col].type) {
            r.error("rules.sum_equals：`\(schema.fields[col].name)` 不是数值字段（number field）")
        }
        let tolerance = r.double("tolerance") ?? 0.005
        rule.compiler.plan.summedColumns.insert(c)
        if let other { rule.compiler.plan.summedColumns.insert(other) }
        let label = total.map { "\(rule.title(c))合计应等于 \($0)" } ?? other.map { "\(rule.title(c))合计应等于\(rule.title($0))合计" } ?? ""
        rule.addFinish(tally: rule.tally(label, field: schema.fields[c].name)) { table, tally in
            let expected = total ?? other.map { table.sums[$0] } ?? 0
            tally.checked = 1
            tally.failed = abs(table.sums[c] - expected) > tolerance ? 1 : 0
            tally.metric = ["sum": ArtifactJSON(Report.round(table.sums[c])), "expected": ArtifactJSON(Report.round(expected))]
        }
    }
}

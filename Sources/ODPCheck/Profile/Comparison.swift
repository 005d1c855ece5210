import Foundation
import ODPCore

/// Compares this run's profile with the previous release's (Deequ-style anomaly checks on
/// metrics): row count, null rates, sums and means, categories, schema.
enum Comparison {
    static func relativeChange(_ old: Double, _ new: Double) -> Double {
        old == 0 ? (new == 0 ? 0 : 1) : abs(new - old) / abs(old)
    }

    /// Adds one tally per compared metric and returns the `comparison` section of the report.
    /// `explain` returns the text of an explanation in force for a flagged metric
    /// (`row_count`, `null_rate`, `mean`, `sum`, `schema`), or nil.
    static func run(previous: DatasetProfile, current: DatasetProfile, settings: CheckSettings,
                    schema: Schema, explain: (String) -> String?, add: (String, String) -> RuleTally) -> ArtifactJSON {
        var out: ArtifactJSON = [:]
        func finish(_ t: RuleTally) {
            if t.failed > 0, let text = explain(String(t.type.dropFirst("compare_".count))) { t.explained = true; t.note = "已说明：\(text)" }
        }
        let rowChange = relativeChange(Double(previous.rowCount), Double(current.rowCount))
        let rows = add("compare_row_count", "行数变化不应超过 \(Report.percent(settings.rowCountChange))")
        rows.checked = 1
        rows.failed = rowChange > settings.rowCountChange ? 1 : 0
        rows.metric = ["previous": ArtifactJSON(previous.rowCount), "current": ArtifactJSON(current.rowCount), "change": ArtifactJSON(Report.round(rowChange))]
        if settings.holdsRowFall, rows.failed > 0, current.rowCount < previous.rowCount, current.rowCount > 0 || !settings.allowEmpty {
            rows.severity = .hold
            rows.note = "行数由 \(previous.rowCount) 减至 \(current.rowCount)；未设置 compare: 时，行数减少超过一半即暂缓发布"
        }
        finish(rows)
        out["row_count"] = .object(rows.metric)

        let old = Dictionary(previous.fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let nulls = add("compare_null_rate", "各字段空值率变化不应超过 \(Report.percent(settings.nullRateChange))")
        let means = add("compare_mean", "数值字段均值变化不应超过 \(Report.percent(settings.meanChange))")
        let sums = settings.sumChange.map { add("compare_sum", "数值字段合计变化不应超过 \(Report.percent($0))") }
        var fieldChanges: [ArtifactJSON] = []
        for f in current.fields {
            guard let p = old[f.name] else { continue }
            var change: ArtifactJSON = ["field": .string(f.name)]
            let nullDelta = f.nullRate - p.nullRate
            nulls.checked += 1
            change["null_rate"] = ["previous": ArtifactJSON(Report.round(p.nullRate)), "current": ArtifactJSON(Report.round(f.nullRate))]
            if abs(nullDelta) > settings.nullRateChange { nulls.failed += 1; change["null_rate_flagged"] = true }
            if let pm = p.mean, let m = f.mean {
                means.checked += 1
                let c = relativeChange(pm, m)
                change["mean"] = ["previous": ArtifactJSON(Report.round(pm)), "current": ArtifactJSON(Report.round(m)), "change": ArtifactJSON(Report.round(c))]
                if c > settings.meanChange { means.failed += 1; change["mean_flagged"] = true }
            }
            if let ps = p.sum, let s = f.sum {
                let c = relativeChange(ps, s)
                change["sum"] = ["previous": ArtifactJSON(Report.round(ps)), "current": ArtifactJSON(Report.round(s)), "change": ArtifactJSON(Report.round(c))]
                if let sums {
                    sums.checked += 1
                    if c > settings.sumChange! { sums.failed += 1; change["sum_flagged"] = true }
                }
            }
            if let pc = p.categories, let cc = f.categories {
                let appeared = cc.keys.filter { pc[$0] == nil }.sorted()
                let vanished = pc.keys.filter { cc[$0] == nil }.sorted()
                let showText = schema.fields.first { $0.name == f.name }.map(ReleasedProfile.keepsText) ?? false
                func describe(_ keys: [String], _ table: [String: (count: Int, value: String?)]) -> [String] {
                    keys.map { showText ? (table[$0]?.value ?? $0) : $0 }
                }
                if !appeared.isEmpty { change["categories_appeared"] = ArtifactJSON(describe(appeared, cc)) }
                if !vanished.isEmpty { change["categories_vanished"] = ArtifactJSON(describe(vanished, pc)) }
            }
            fieldChanges.append(change)
        }
        for t in [nulls, means] + (sums.map { [$0] } ?? []) {
            let flag = "\(t.type.dropFirst(8))_flagged"
            t.metric["flagged_fields"] = .array(fieldChanges.filter { $0[flag] == .bool(true) }.compactMap { $0["field"] })
            finish(t)
        }
        out["fields"] = .array(fieldChanges)

        let newNames = Set(current.fields.map(\.name)), oldNames = Set(old.keys)
        let added = newNames.subtracting(oldNames).sorted(), removed = oldNames.subtracting(newNames).sorted()
        let retyped = current.fields.filter { f in old[f.name].map { $0.type != f.type } ?? false }.map(\.name).sorted()
        let schemaTally = add("compare_schema", "字段结构不应有未说明的变化（新增、删除或改变类型）")
        schemaTally.checked = 1
        schemaTally.failed = added.isEmpty && removed.isEmpty && retyped.isEmpty ? 0 : 1
        schemaTally.metric = ["added": ArtifactJSON(added), "removed": ArtifactJSON(removed), "retyped": ArtifactJSON(retyped)]
        finish(schemaTally)
        out["schema"] = .object(schemaTally.metric)
        return out
    }
}

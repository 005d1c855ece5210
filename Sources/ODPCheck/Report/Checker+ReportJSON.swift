import Foundation
import ODPCore

extension Checker {
    func ruleJSON(_ t: RuleTally) -> [String: Any] {
        var o: [String: Any] = [
            "type": t.type, "severity": t.severity.rawValue, "dimension": t.dimension.rawValue,
            "dimension_en": t.dimension.english, "description": t.label, "rows_checked": t.checked,
            "failed": t.failed, "share": Report.round(t.share), "examples": t.examples,
        ]
        if let f = t.field { o["field"] = f }
        // Row numbers only: a failing value belongs to a rejected row, which is not released;
        // the department sees the values in its feedback list (output/state/feedback/).
        if let n = t.note { o["note"] = n }
        if t.explained { o["explained"] = true }
        if !t.metric.isEmpty { o["metric"] = t.metric }
        return o
    }

    func reportJSON(gate: GateDecision, profile: DatasetProfile, comparison: [String: Any]) -> [String: Any] {
        var dims: [String: Any] = [:]
        for d in QualityDimension.allCases {
            if let s = gate.score(d), let v = gate.dimensions[d] {
                var o: [String: Any] = ["score": Report.scoreValue(s), "score_text": Report.score(s), "passed": v.passed,
                                        "checks": v.checks, "english": d.english]
                if let r = gate.rows[d] { o["rows_passed"] = r.passed; o["rows"] = r.rows }
                if let t = gate.tables[d] { o["table_checks_passed"] = t.passed; o["table_checks"] = t.checks }
                dims[d.rawValue] = o
            } else {
                dims[d.rawValue] = ["note": "未评估", "english": d.english]
            }
        }
        var gateJSON: [String: Any] = ["decision": gate.held ? "hold" : "publish", "reasons": gate.reasons,
                                       "max_reject_share": settings.maxRejectShare, "allow_empty": settings.allowEmpty]
        if !settings.minScores.isEmpty {
            gateJSON["min_scores"] = Dictionary(uniqueKeysWithValues: settings.minScores.map { ($0.key.rawValue, $0.value) })
        }
        if let m = settings.minOverall { gateJSON["min_overall"] = m }
        var root: [String: Any] = [
            "dataset": definition.id, "title": definition.catalog.title, "definition_hash": definition.definitionHash,
            "run_date": context.runDate.isoDate, "rows_read": counts.read, "rows_unreadable": counts.unreadable,
            "rows_checked": rowsChecked, "rejected_rows": counts.rejected, "reject_share": Report.round(counts.rejectShare),
            "rules": plan.tallies.map(ruleJSON), "dimensions": dims, "gate": gateJSON,
            "overall_method": "mean_of_evaluated_dimensions", "dimension_method": "row_pass_share_times_table_check_pass_share", "profile": profile.json, "comparison": comparison,
            "problems": ["count": counts.problemEntries, "listed": problems.count + unreadableEntries, "unreadable": unreadableEntries],
        ]
        if let o = gate.overall {
            root["overall_score"] = Report.scoreValue(o)
            root["overall_score_text"] = Report.score(o)
        }
        let benford = plan.tallies.filter { $0.type == "screen_benford" }.map { t -> [String: Any] in
            var o = t.metric
            o["field"] = t.field ?? ""
            if let n = t.note { o["note"] = n }
            return o
        }
        if !benford.isEmpty { root["benford"] = benford }
        return root
    }

    func readme(_ gate: GateDecision) -> String {
        var md = "## 数据质量\n\n"
        md += "本版本\(counts.chinese)。"
        if let o = gate.overall { md += "综合得分 **\(Report.score(o))**（各已评估维度得分的平均值）。" }
        md += "\n\n| 维度（GB/T 36344-2018） | 得分 | 通过的行 | 通过 / 检查 |\n| --- | --- | --- | --- |\n"
        for d in QualityDimension.allCases {
            if let s = gate.score(d), let v = gate.dimensions[d] {
                md += "| \(d.rawValue) | \(Report.score(s)) | \(gate.rows[d].map { "\($0.passed) / \($0.rows)" } ?? "–") | \(v.passed) / \(v.checks) |\n"
            } else {
                md += "| \(d.rawValue) | 未评估 | – | – |\n"
            }
        }
        md += "\n维度得分 = 通过该维度全部逐行规则的行所占比例 × 该维度表级检查的通过比例；可访问性不在检查阶段测量，记为未评估，不计入综合得分。"
        md += "\n发布判定：" + (gate.held ? "**暂缓发布**\n\n" + gate.reasons.map { "- " + Markdown.escape($0) }.joined(separator: "\n") : "可以发布")
        md += "\n\n详见 `quality-report.html` 与 `quality-report.json`。\n"
        return md
    }
}

enum Markdown {
    /// Keeps definition text from breaking the README's Markdown (tables, emphasis, HTML).
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\", "`", "*", "_", "[", "]", "|", "<", ">", "#": out.append("\\"); out.append(c)
            case "\n": out.append(" ")
            default: out.append(c)
            }
        }
        return out
    }
}

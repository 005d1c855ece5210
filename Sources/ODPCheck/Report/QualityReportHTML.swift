import Foundation
import ODPCore

/// quality-report.html: one self-contained Chinese page for the data officer.
struct QualityReportHTML {
    let checker: Checker
    let gate: GateDecision
    let comparison: ArtifactJSON
    /// The `compare.explain` list, already rendered (empty without explanations).
    let explanations: String

    func render() -> String {
        let d = checker.definition
        var h = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        h += "<title>数据质量报告 · \(escapeHTML(d.catalog.title))</title><style>"
        h += "body{font-family:sans-serif;margin:2em auto;max-width:1000px;color:#222;line-height:1.5}"
        h += "table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}th{white-space:nowrap}td:nth-child(n+2):nth-child(-n+7){white-space:nowrap}"
        h += "th{background:#f3f3f3}.hold{color:#c62828;font-weight:bold}.ok{color:#2e7d32;font-weight:bold}.warn{color:#b26a00}"
        h += "</style></head><body>\n"
        h += "<h1>数据质量报告</h1><p>数据集：<strong>\(escapeHTML(d.catalog.title))</strong>（\(escapeHTML(d.id))）　运行日期：\(checker.context.runDate.isoDate)</p>\n"
        h += "<p>\(checker.counts.chinese)"
        if let o = gate.overall { h += "；综合得分 <strong>\(Report.score(o))</strong>（各已评估维度得分的平均值）" }
        h += "。</p>\n<h2>发布判定</h2>"
        if gate.held {
            h += "<p class=\"hold\">暂缓发布</p><ul>" + gate.reasons.map { "<li>\(escapeHTML($0))</li>" }.joined() + "</ul>"
        } else {
            h += "<p class=\"ok\">可以发布</p>"
        }
        h += "\n<h2>各维度得分（GB/T 36344-2018）</h2>\n"
        h += "<p>维度得分 = 通过该维度全部逐行规则的行所占比例 × 该维度表级检查的通过比例；可访问性不在检查阶段测量，记为未评估，不计入综合得分。</p>\n"
        h += SVGChart.bars(QualityDimension.allCases.map { ($0.rawValue, gate.score($0)) })
        h += "\n<h2>各字段完整性（非空比例）</h2>\n"
        h += SVGChart.bars(d.schema.fields.enumerated().map { c, f in
            (f.title, checker.rowsChecked == 0 ? nil : 1 - Double(checker.nulls[c]) / Double(checker.rowsChecked))
        })
        h += "\n<h2>规则检查结果</h2>\n<table><tr><th>规则</th><th>字段</th><th>维度</th><th>处理</th><th>检查数 B</th><th>不通过 A</th><th>比例</th><th>示例行号</th><th>说明</th></tr>\n"
        for t in checker.plan.tallies {
            let cls = t.failed > 0 && !t.explained ? (t.severity == .warn ? " class=\"warn\"" : " class=\"hold\"") : ""
            let note = t.note ?? ""
            h += "<tr><td>\(escapeHTML(t.label))</td><td>\(escapeHTML(t.field ?? "—"))</td><td>\(t.dimension.rawValue)</td>"
            h += "<td>\(t.severity.chinese)</td><td>\(t.checked)</td><td\(cls)>\(t.failed)</td><td>\(Report.percent(t.share))</td>"
            h += "<td>\(t.examples.map(String.init).joined(separator: ", "))</td><td>\(escapeHTML(note))</td></tr>\n"
        }
        h += "</table>\n"
        for t in checker.plan.tallies where t.type == "screen_benford" {
            let title = d.schema.fields.first { $0.name == t.field }?.title ?? t.field ?? ""
            h += "<h2>本福特定律检验：\(escapeHTML(title))</h2><p>\(escapeHTML(t.note ?? ""))</p>\n"
            if let o = t.metric["observed_first"]?.arrayValue?.compactMap(\.doubleValue),
               let e = t.metric["expected_first"]?.arrayValue?.compactMap(\.doubleValue) {
                h += SVGChart.benford(observed: o, expected: e)
                h += "<p>蓝色柱：实际首位数字比例；红线：本福特定律期望比例。</p>\n"
            }
        }
        h += comparisonHTML()
        h += "<p>问题数据清单共 \(checker.counts.problemEntries) 条，已反馈数据提供部门，不随数据发布。</p>\n"
        h += "</body></html>\n"
        return h
    }

    private func comparisonHTML() -> String {
        var h = "<h2>与上一版本比较</h2>" + explanations
        if let note = comparison["note"]?.stringValue { return h + "<p>\(escapeHTML(note))</p>\n" }
        if let rows = comparison["row_count"] {
            h += "<p>行数：\(number(rows["previous"])) → \(number(rows["current"]))</p>"
        }
        if let schema = comparison["schema"] {
            for (key, label) in [("added", "新增字段"), ("removed", "删除字段"), ("retyped", "类型改变")] {
                let list = strings(schema[key])
                if !list.isEmpty { h += "<p>\(label)：\(escapeHTML(list.joined(separator: "、")))</p>" }
            }
        }
        if let fields = comparison["fields"]?.arrayValue {
            h += "<table><tr><th>字段</th><th>空值率（上版 → 本版）</th><th>均值（上版 → 本版）</th><th>新出现的类别</th><th>消失的类别</th></tr>"
            for f in fields {
                let nulls = f["null_rate"], mean = f["mean"]
                h += "<tr><td>\(escapeHTML(f["field"]?.stringValue ?? ""))</td>"
                h += "<td>\(nulls.map { "\(Report.percent($0["previous"]?.doubleValue ?? 0)) → \(Report.percent($0["current"]?.doubleValue ?? 0))" } ?? "—")</td>"
                h += "<td>\(mean.map { "\(number($0["previous"])) → \(number($0["current"]))" } ?? "—")</td>"
                h += "<td>\(escapeHTML(strings(f["categories_appeared"]).joined(separator: "、")))</td>"
                h += "<td>\(escapeHTML(strings(f["categories_vanished"]).joined(separator: "、")))</td></tr>"
            }
            h += "</table>\n"
        }
        return h
    }

    private func number(_ value: ArtifactJSON?) -> String {
        switch value {
        case .int(let n)?: return String(n)
        case .double(let d)?: return "\(d)"
        default: return ""
        }
    }

    private func strings(_ value: ArtifactJSON?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }
}

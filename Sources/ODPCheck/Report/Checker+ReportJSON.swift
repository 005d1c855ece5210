import Foundation
import ODPCore

extension Checker {
    func rule(_ t: RuleTally) -> QualityReport.Rule {
        // Row numbers only: a failing value belongs to a rejected row, which is not released;
        // the department sees the values in its feedback list (output/state/feedback/).
        QualityReport.Rule(type: t.type, field: t.field, severity: t.severity.rawValue, dimension: t.dimension.rawValue,
                           dimensionEn: t.dimension.english, description: t.label, rowsChecked: t.checked, failed: t.failed,
                           share: Report.round(t.share), examples: t.examples, note: t.note, explained: t.explained ? true : nil,
                           metric: t.metric.isEmpty ? nil : t.metric)
    }

    func qualityReport(gate: GateDecision, profile: DatasetProfile, comparison: ArtifactJSON) -> QualityReport {
        var dimensions: [String: QualityReport.Dimension] = [:]
        for d in QualityDimension.allCases {
            if let s = gate.score(d), let v = gate.dimensions[d] {
                dimensions[d.rawValue] = QualityReport.Dimension(
                    english: d.english, score: Report.scoreValue(s), scoreText: Report.score(s), passed: v.passed, checks: v.checks,
                    rowsPassed: gate.rows[d]?.passed, rows: gate.rows[d]?.rows,
                    tableChecksPassed: gate.tables[d]?.passed, tableChecks: gate.tables[d]?.checks)
            } else {
                dimensions[d.rawValue] = QualityReport.Dimension(english: d.english, note: "未评估")
            }
        }
        let minScores = settings.minScores.isEmpty ? nil : Dictionary(uniqueKeysWithValues: settings.minScores.map { ($0.key.rawValue, $0.value) })
        let gateEntry = QualityReport.Gate(decision: gate.held ? .hold : .publish, reasons: gate.reasons, maxRejectShare: settings.maxRejectShare,
                                           allowEmpty: settings.allowEmpty, minScores: minScores, minOverall: settings.minOverall)
        let benford = plan.tallies.filter { $0.type == "screen_benford" }.map { t -> ArtifactJSON in
            var o = t.metric
            o["field"] = .string(t.field ?? "")
            if let n = t.note { o["note"] = .string(n) }
            return .object(o)
        }
        return QualityReport(
            dataset: definition.id, title: definition.catalog.title, definitionHash: definition.definitionHash,
            runDate: context.runDate.isoDate, rowsRead: counts.read, rowsUnreadable: counts.unreadable, rowsChecked: rowsChecked,
            rejectedRows: counts.rejected, rejectShare: Report.round(counts.rejectShare), rules: plan.tallies.map(rule),
            dimensions: dimensions, gate: gateEntry, overallMethod: "mean_of_evaluated_dimensions",
            dimensionMethod: "row_pass_share_times_table_check_pass_share", profile: profile.artifact, comparison: comparison,
            problems: QualityReport.Problems(count: counts.problemEntries, listed: problems.count + unreadableEntries, unreadable: unreadableEntries),
            overallScore: gate.overall.map(Report.scoreValue), overallScoreText: gate.overall.map(Report.score),
            benford: benford.isEmpty ? nil : benford)
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

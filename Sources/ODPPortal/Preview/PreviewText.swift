import Foundation
import ODPCore

/// The terminal layout of `Preview.render`.
struct PreviewText {
    let p: Preview.Loaded
    let style: Style
    let width: Int
    let rows: Int
    let store: PortalStore

    func render() -> String {
        var out: [String] = []
        let v = p.detail.version
        let status = v.isPublished ? style.green(v.statusTitle) : v.isAwaitingApproval ? style.yellow(v.statusTitle) : style.red(v.statusTitle)
        out.append(style.bold(fit(p.record.title, indent: 0)))
        out.append(style.dim(fit("\(p.detail.id) · 版本 \(v.version) · ", indent: 0, reserve: displayWidth(v.statusTitle))) + status)
        out.append(style.dim(String(repeating: "─", count: min(width, 100))))

        out.append(style.heading("目录信息"))
        let r = p.record
        let meta: [(String, String?)] = [
            ("资源代码", r.code), ("提供方", r.provider), ("数据领域", r.domain), ("开放属性", r.openType),
            ("开放条件", r.openCondition), ("更新周期", r.updateCycle), ("数据量", v.rowCount.map { "\($0) 条" }),
            ("生成时间", v.created), ("关键字", r.keywords.isEmpty ? nil : r.keywords.joined(separator: "、")),
            ("许可协议", r.license), ("资源摘要", r.summary),
        ]
        for (k, value) in meta {
            out.append("  " + TerminalText.pad(k, to: 10) + TerminalText.truncate(TerminalText.clean(value ?? "—"), to: max(10, width - 12)))
        }

        out.append("")
        out.append(style.heading("字段（\(p.detail.fields.count)）"))
        let fieldRows = p.detail.fields.map { [$0.name, $0.title ?? "—", $0.type ?? "—", $0.classTitle, $0.treatment] }
        out += TextTable(header: ["字段名", "中文名称", "类型", "分类", "脱敏处理"], rows: fieldRows).render(width: width, style: style)

        out.append("")
        let sample = p.detail.sample(store: store, rows: rows)
        out.append(style.heading("发布数据前 \(sample?.rows.count ?? 0) 行（已脱敏）"))
        if let sample {
            out += TextTable(header: sample.header, rows: sample.rows).render(width: width, style: style)
        } else {
            out.append("  —")
        }

        out.append("")
        out += quality()
        out.append("")
        out += privacy()
        out.append("")
        out.append(style.heading("与已发布版本的变化"))
        out.append("  " + fit("已发布版本：\(p.published ?? "—")；本版本基于：\(v.previousVersion ?? "—")"))
        out.append("  " + fit(v.changeSummary))
        if !v.holdReasons.isEmpty {
            out.append("")
            out.append(style.red("暂缓原因"))
            out += v.holdReasons.map { "  - " + fit($0, indent: 4) }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Cleans free text and cuts it to what is left of the line after `indent` columns.
    func fit(_ text: String, indent: Int = 2, reserve: Int = 0) -> String {
        TerminalText.truncate(TerminalText.clean(text), to: max(8, width - indent - reserve))
    }

    func quality() -> [String] {
        var out = [style.heading("数据质量")]
        guard let q = p.detail.quality else { return out + ["  —"] }
        let held = q.gate.decision == .hold
        let overall = q.overallScore.map(QualityScore.text) ?? "—"
        out.append("  综合得分 \(style.bold(overall)) · " + (held ? style.red("暂缓发布") : style.green("可以发布")))
        // On a line of its own: the counts sentence is long, and a narrow terminal cuts it.
        out.append("  " + fit(p.detail.counts?.chinese ?? "—"))
        let dims = q.dimensionNames.map { name -> [String] in
            let d = q.dimensions[name]
            return [name, d?.score.map(QualityScore.text) ?? (d?.note ?? "—"),
                    "\(d?.passed.map(String.init) ?? "—") / \(d?.checks.map(String.init) ?? "—")"]
        }
        if !dims.isEmpty { out += TextTable(header: ["维度", "得分", "通过 / 检查"], rows: dims).render(width: width, style: style) }
        let failing = p.detail.failingRules
        out.append("  未通过的规则：\(failing.isEmpty ? style.green("无") : style.red(String(failing.count)))")
        if !failing.isEmpty {
            let rows = failing.map { r in [r.type, r.field ?? "—", r.severity, String(r.failed), r.description] }
            out += TextTable(header: ["规则", "字段", "级别", "未通过", "说明"], rows: rows).render(width: width, style: style)
        }
        for reason in q.gate.reasons { out.append("  " + style.red("• ") + fit(reason, indent: 4)) }
        return out
    }

    func privacy() -> [String] {
        var out = [style.heading("个人信息保护")]
        guard let pr = p.detail.privacy else { return out + ["  —"] }
        let k = pr.kAnonymity
        out.append("  " + fit("k-匿名：目标 \(k.kTarget.map(String.init) ?? "—")，实际 \(k.kAchieved.map(String.init) ?? "—")；删除记录 \(k.recordsSuppressed) 条"))
        out.append("  " + fit("准标识符：" + (k.quasiIdentifiers.isEmpty ? "—" : k.quasiIdentifiers.joined(separator: "、"))))
        let hits = p.detail.identifierHitsAfter
        let bad = hits.filter { $0.allowed != true }
        out.append("  发布值中的标识符：\(hits.isEmpty ? style.green("未发现") : "\(hits.count) 类")" + (bad.isEmpty ? "" : style.red("（\(bad.count) 类未经允许）")))
        if !hits.isEmpty {
            let rows = hits.map { h in [h.field, h.kind, String(h.count), h.allowed == true ? "允许" : "不允许", h.reason ?? "—"] }
            out += TextTable(header: ["字段", "类别", "次数", "是否允许", "理由"], rows: rows).render(width: width, style: style)
        }
        for reason in pr.holdReasons { out.append("  " + style.red("• ") + fit(reason, indent: 4)) }
        return out
    }
}

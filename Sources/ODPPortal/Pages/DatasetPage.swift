import Foundation
import ODPCore

/// A dataset's page: metadata, downloads, data dictionary, sample rows, quality and
/// privacy summaries, and the version history with change logs.
enum DatasetPage {
    /// `filesBase` is where this version's files are served (nil for unpublished versions,
    /// whose files are not public).
    static func render(record: DatasetRecord, detail: ReleaseDetail, versions: [VersionRecord], sample: CSVSample?,
                       filesBase: String?, extra: String = "", errata: [Erratum] = [],
                       rowsAPI: String? = nil, feedback: String = "") -> String {
        let v = detail.version
        let crumb = filesBase == nil ? "<a href=\"/approvals\">审核队列</a>" : "<a href=\"/\">数据目录</a>"
        var b = "<div class=\"crumb\">\(crumb) › \(HTML.escape(record.title))</div>"
        b += "<div class=\"card\"><h1>\(HTML.escape(record.title))</h1><div class=\"tags\">"
        if let d = record.domain { b += "<span>\(HTML.escape(d))</span>" }
        if let o = record.openType { b += "<span class=\"tag \(o.contains("有条件") ? "orange" : "green")\">\(HTML.escape(o))</span>" }
        b += "<span class=\"tag \(v.isPublished ? "green" : "orange")\">\(HTML.escape(v.statusTitle))</span>"
        b += "<span class=\"tag grey\">版本 \(HTML.escape(v.version))</span>" + record.overdueTag + "</div><p>\(HTML.text(record.summary))</p>"
        b += "<div class=\"grid2\"><table class=\"kv\">"
        b += row("资源代码", HTML.text(record.code)) + row("提供方", HTML.text(record.provider))
        b += row("提供方代码", HTML.text(record.providerCode)) + row("数据领域", HTML.text(record.domain))
        b += row("开放属性", HTML.text(record.openType)) + row("开放条件", HTML.text(record.openCondition))
        b += row("更新周期", HTML.text(record.updateCycle)) + "</table><table class=\"kv\">"
        b += row("发布日期", HTML.time(record.firstPublished)) + row("最近更新", HTML.time(v.created)) + row("数据量", "\(HTML.text(v.rowCount)) 条")
        b += row("数据格式", record.formats.isEmpty ? "—" : HTML.escape(record.formats.joined(separator: "、")))
        b += row("关键字", record.keywords.isEmpty ? "—" : HTML.escape(record.keywords.joined(separator: "、")))
        let license = record.license.map { l in record.licenseURL.map { "\(HTML.escape(l))（\(HTML.escape($0))）" } ?? HTML.escape(l) }
        b += row("许可协议", license ?? "—") + row("联系方式", HTML.text(record.contact)) + row("时间范围", HTML.text(record.temporal))
        b += "</table></div></div>"
        b += extra
        b += downloads(detail, filesBase: filesBase)
        b += dictionary(detail.fields)
        b += sampleSection(sample, fields: detail.fields, rowsAPI: rowsAPI)
        b += quality(detail, filesBase: filesBase)
        b += privacy(detail)
        b += history(id: detail.id, versions: versions, feed: filesBase != nil)
        b += errataSection(errata)
        // Usage figures and 纠错与意见 (FeedbackPage), kept last and apart from the rest.
        b += feedback
        return Layout.page(title: record.title, active: filesBase == nil ? .approvals : .catalog, body: b)
    }

    static func row(_ k: String, _ v: String) -> String { "<tr><th>\(k)</th><td>\(v)</td></tr>" }

    static func downloads(_ d: ReleaseDetail, filesBase: String?) -> String {
        guard let filesBase else {
            return "<div class=\"card\"><h2>数据下载</h2><p class=\"notice\">该版本尚未发布，文件暂不对外提供下载。</p></div>"
        }
        var s = "<div class=\"card\"><h2>数据下载</h2><div class=\"scroll\"><table><tr><th>文件</th><th>名称</th><th>大小</th><th>SHA-256</th></tr>"
        for f in d.downloads {
            let href = filesBase + f.name.split(separator: "/").map { HTML.urlComponent(String($0)) }.joined(separator: "/")
            s += "<tr><td><a href=\"\(href)\">\(HTML.escape(f.label))</a></td><td class=\"mono\">\(HTML.escape(f.name))</td>"
            s += "<td>\(HTML.bytes(f.bytes))</td><td class=\"mono\">\(HTML.text(f.sha256))</td></tr>"
        }
        s += "</table></div><p class=\"muted\">固定链接：<span class=\"mono\">/datasets/\(HTML.escape(d.id))/latest/…</span> 始终指向最新发布版本；可用 <span class=\"mono\">sha256sum -c SHA256SUMS</span> 校验。</p></div>"
        return s
    }

    static func dictionary(_ fields: [FieldInfo]) -> String {
        var s = "<div class=\"card\"><h2>数据字典</h2><div class=\"scroll\"><table><tr><th>字段名</th><th>中文名称</th><th>类型</th><th>说明</th><th>分类</th><th>脱敏处理</th></tr>"
        if fields.isEmpty { s += "<tr><td colspan=\"6\" class=\"muted\">—</td></tr>" }
        for f in fields {
            let cls = f.privacyClass == "direct" ? "red" : f.privacyClass == "quasi" ? "orange" : f.privacyClass == "sensitive" ? "orange" : "grey"
            s += "<tr><td class=\"mono\">\(HTML.escape(f.name))</td><td>\(HTML.text(f.title))</td><td>\(HTML.text(f.type))</td>"
            s += "<td>\(HTML.text(f.description))</td><td><span class=\"tag \(cls)\">\(HTML.escape(f.classTitle))</span></td><td>\(HTML.escape(f.treatment))</td></tr>"
        }
        return s + "</table></div></div>"
    }

    /// Columns are headed by their Chinese title (信息项名称), with the field name beneath for
    /// those who query the files or the API by it.
    ///
    /// `rowsAPI` (the version's rows API path, nil when that API does not serve it to anyone)
    /// lets /static/preview.js sort, filter and page the table through the API; without
    /// script, or without the API, the server's first rows stay as they are.
    static func sampleSection(_ sample: CSVSample?, fields: [FieldInfo], rowsAPI: String? = nil) -> String {
        var s = "<div class=\"card\" id=\"preview\"><h2>数据预览（前 20 行，已脱敏）</h2>"
        guard let sample else { return s + "<p class=\"muted\">—</p></div>" }
        // Wide tables: show only the fields asked for (`?fields=a,b`, names or titles).
        s += "<form method=\"get\" class=\"actions\"><label>只看字段<input class=\"text\" name=\"fields\" placeholder=\"字段名或中文名称，逗号分隔\"></label>"
        s += "<button class=\"btn light\" type=\"submit\">筛选字段</button></form>"
        let titles = Dictionary(fields.compactMap { f in f.title.map { (f.name, $0) } }, uniquingKeysWith: { first, _ in first })
        if let rowsAPI {
            s += "<div class=\"preview\" data-rows=\"\(HTML.escape(rowsAPI))\" data-fields=\"\(HTML.escape(sample.header.joined(separator: ",")))\">"
        }
        s += "<p class=\"count\" role=\"status\">显示前 \(sample.rows.count) 行</p>"
        s += "<div class=\"scroll\" role=\"region\" aria-label=\"数据预览表\" tabindex=\"0\"><table><thead><tr>" + sample.header.map { name in
            guard let title = titles[name], title != name else { return "<th scope=\"col\">\(HTML.escape(name))</th>" }
            return "<th scope=\"col\">\(HTML.escape(title))<br><span class=\"muted mono\">\(HTML.escape(name))</span></th>"
        }.joined() + "</tr></thead><tbody>"
        for r in sample.rows { s += "<tr>" + r.map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>" }
        s += "</tbody></table></div>"
        guard rowsAPI != nil else { return s + "</div>" }
        return s + "</div><script src=\"\(PreviewScript.src)\" defer></script></div>"
    }

    static func scoreBar(_ score: Double?) -> String {
        guard let score else { return "<span class=\"muted\">未评估</span>" }
        let pct = score * 100
        let cls = pct >= 90 ? "" : pct >= 70 ? "mid" : "low"
        return "<div class=\"score\"><div class=\"bar\"><i class=\"\(cls)\" style=\"width:\(String(format: "%.1f", max(0, min(100, pct))))%\"></i></div><b>\(QualityScore.text(score))</b></div>"
    }

    static func quality(_ d: ReleaseDetail, filesBase: String?) -> String {
        var s = "<div class=\"card\"><h2>数据质量</h2>"
        guard let q = d.quality else { return s + "<p class=\"muted\">—</p></div>" }
        let held = q.gate.decision == .hold
        s += "<div class=\"grid2\"><div><p>综合得分</p>\(scoreBar(q.overallScore))"
        s += "<p>\(HTML.escape(d.counts?.chinese ?? "—")) · 发布判定：<span class=\"tag \(held ? "red" : "green")\">\(held ? "暂缓发布" : "可以发布")</span></p>"
        if let base = filesBase { s += "<p><a class=\"btn light\" href=\"\(base)quality-report.html\">查看完整质量报告</a></p>" }
        s += "</div><table><tr><th>维度</th><th>得分</th><th>通过 / 检查</th></tr>"
        for name in q.dimensionNames {
            let dim = q.dimensions[name]
            s += "<tr><td>\(HTML.escape(name))</td><td>\(scoreBar(dim?.score))</td>"
            s += "<td>\(dim?.passed.map(String.init) ?? "—") / \(dim?.checks.map(String.init) ?? "—")</td></tr>"
        }
        s += "</table></div>"
        let failing = d.failingRules
        s += "<h3>未通过的规则（\(failing.count)）</h3>"
        if failing.isEmpty { return s + "<p class=\"muted\">全部规则通过。</p></div>" }
        s += "<div class=\"scroll\"><table><tr><th>规则</th><th>字段</th><th>维度</th><th>级别</th><th>说明</th><th>未通过</th><th>占比</th></tr>"
        for r in failing {
            s += "<tr><td class=\"mono\">\(HTML.escape(r.type))</td><td>\(HTML.text(r.field))</td><td>\(HTML.escape(r.dimension))</td>"
            s += "<td>\(HTML.escape(r.severity))</td><td>\(HTML.escape(r.description))</td><td>\(HTML.text(r.failed))</td>"
            s += "<td>\(String(format: "%.2f%%", r.share * 100))</td></tr>"
        }
        return s + "</table></div></div>"
    }

    static func privacy(_ d: ReleaseDetail) -> String {
        var s = "<div class=\"card\"><h2>个人信息保护</h2>"
        guard let p = d.privacy else { return s + "<p class=\"muted\">—</p></div>" }
        let k = p.kAnonymity
        s += "<table class=\"kv\">"
        s += row("k-匿名", "目标 k = \(HTML.text(k.kTarget))，实际 k = \(HTML.text(k.kAchieved))")
        s += row("准标识符", k.quasiIdentifiers.isEmpty ? "—" : HTML.escape(k.quasiIdentifiers.joined(separator: "、")))
        s += row("删除记录", "\(HTML.text(k.recordsSuppressed)) 条（输入 \(HTML.text(p.recordsIn)) 条，输出 \(HTML.text(p.recordsOut)) 条）")
        let before = p.identifierHits.before.reduce(0) { $0 + $1.count }
        let after = d.identifierHitsAfter
        let unallowed = after.filter { $0.allowed != true }.reduce(0) { $0 + $1.count }
        s += row("标识符扫描", "脱敏前发现 \(HTML.formatted(before)) 处；发布值中未经允许的 \(HTML.formatted(unallowed)) 处")
        s += "</table>"
        if !after.isEmpty {
            s += "<h3>发布值中的标识符</h3><table><tr><th>字段</th><th>类别</th><th>次数</th><th>是否允许</th><th>理由</th></tr>"
            for h in after {
                let ok = h.allowed == true
                s += "<tr><td>\(HTML.escape(h.field))</td><td>\(HTML.escape(h.kind))</td><td>\(HTML.text(h.count))</td>"
                s += "<td><span class=\"tag \(ok ? "green" : "red")\">\(ok ? "允许" : "不允许")</span></td><td>\(HTML.text(h.reason))</td></tr>"
            }
            s += "</table>"
        }
        if !p.holdReasons.isEmpty { s += "<ul>" + p.holdReasons.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>" }
        return s + "</div>"
    }

    static func history(id: String, versions: [VersionRecord], feed: Bool) -> String {
        var s = "<div class=\"card\"><h2>版本记录</h2>"
        if feed { s += "<p><a href=\"/datasets/\(HTML.urlComponent(id))/feed.atom\">订阅新版本与勘误（Atom）</a></p>" }
        s += "<table><tr><th>版本</th><th>状态</th><th>发布时间</th><th>数据量</th><th>相对上一版本的变化</th></tr>"
        for v in versions.reversed() {
            let link = v.isPublished ? "<a href=\"/datasets/\(HTML.urlComponent(id))?version=\(HTML.urlComponent(v.version))\">\(HTML.escape(v.version))</a>" : HTML.escape(v.version)
            s += "<tr><td>\(link)\(v.isLatest ? " <span class=\"tag green\">最新</span>" : "")</td><td>\(HTML.escape(v.statusTitle))</td>"
            s += "<td>\(HTML.time(v.created))</td><td>\(HTML.text(v.rowCount))</td><td>\(HTML.escape(v.changeSummary))</td></tr>"
        }
        return s + "</table></div>"
    }

    /// Correction notices (`odp erratum`) on this dataset's versions, newest first.
    static func errataSection(_ errata: [Erratum]) -> String {
        guard !errata.isEmpty else { return "" }
        var s = "<div class=\"card\" id=\"errata\"><h2>勘误</h2><table><tr><th>编号</th><th>版本</th><th>记录时间</th><th>说明</th><th>更正</th></tr>"
        for e in errata.reversed() {
            s += "<tr><td>\(HTML.escape(e.number))</td><td>\(HTML.escape(e.version))</td><td>\(HTML.time(e.recorded))</td>"
            s += "<td>\(HTML.escape(e.text))</td><td>\(e.fixedIn.map { "已在版本 \(HTML.escape($0)) 更正" } ?? "尚未更正")</td></tr>"
        }
        return s + "</table></div>"
    }
}

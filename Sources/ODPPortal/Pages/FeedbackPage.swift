import Foundation
import ODPCore

/// The pages of 纠错与意见 and the usage figures: the dataset page's own section (kept apart
/// from the rest of the page), the answer to a submission, the public list `/feedback` and the
/// data officers' queue. Every typed text is escaped; the contact appears only in the queue;
/// none of these pages has script, so the form works without it.
enum FeedbackPage {
    static func submitPath(_ dataset: String) -> String { "/datasets/\(HTML.urlComponent(dataset))/feedback" }

    /// The dataset page's section: usage figures, then the form and this dataset's public list.
    static func section(dataset: String, version: String, items: [FeedbackItem], usage: UsageCounts) -> String {
        usageCard(dataset: dataset, version: version, usage: usage) + form(dataset: dataset, version: version)
            + "<div class=\"card\"><h2>纠错与意见处理情况</h2>" + table(items.reversed(), datasets: false) + "</div>"
    }

    static func usageCard(dataset: String, version: String, usage: UsageCounts) -> String {
        let this = usage.datasets[dataset]?[version] ?? UsageCounts.Count(), all = usage.total(dataset)
        var b = "<div class=\"card\" id=\"usage\"><h2>使用情况</h2><table class=\"kv\">"
        b += DatasetPage.row("本版本", "下载 \(HTML.formatted(this.downloads)) 次 · 接口调用 \(HTML.formatted(this.apiCalls)) 次")
        b += DatasetPage.row("全部版本", "下载 \(HTML.formatted(all.downloads)) 次 · 接口调用 \(HTML.formatted(all.apiCalls)) 次")
        return b + "</table><p class=\"muted\">仅统计次数，不记录访问者信息；统计数分批写入，可能滞后约半分钟。</p></div>"
    }

    static func form(dataset: String, version: String?, problems: [String: String] = [:], values: [String: String] = [:]) -> String {
        var b = "<div class=\"card\" id=\"feedback\"><h2>纠错与意见</h2>"
        b += "<p>发现数据有误，或希望增加字段、提高更新频率？请告诉我们。提交后会得到受理编号，处理进展在本页和<a href=\"/feedback\">纠错与意见公开列表</a>中公开（不公开联系方式）。</p>"
        if !problems.isEmpty {
            b += "<div class=\"notice\" role=\"alert\"><b>请修改后重新提交：</b><ul>" + problems.sorted { $0.key < $1.key }.map { "<li>\(HTML.escape($0.value))</li>" }.joined() + "</ul></div>"
        }
        let kind = values["kind"] ?? FeedbackItem.Kind.correction.rawValue
        b += "<form method=\"post\" action=\"\(submitPath(dataset))\">"
        b += "<fieldset><legend>类型</legend>" + FeedbackItem.Kind.allCases.map { k in
            "<label><input type=\"radio\" name=\"kind\" value=\"\(k.rawValue)\"\(k.rawValue == kind ? " checked" : "")> \(k.title)</label> "
        }.joined() + "</fieldset>"
        b += "<p><label>内容（必填，\(FeedbackForm.textLimit) 字以内；请勿填写个人信息）<br><textarea class=\"text\" name=\"text\" required minlength=\"5\" maxlength=\"\(FeedbackForm.textLimit)\" rows=\"4\" style=\"width:100%\">\(HTML.escape(values["text"] ?? ""))</textarea></label></p>"
        b += "<p><label>联系方式（可选，仅供数据专员回复，不公开）<br><input class=\"text\" name=\"contact\" maxlength=\"\(FeedbackForm.contactLimit)\" value=\"\(HTML.escape(values["contact"] ?? ""))\"></label></p>"
        if let version { b += "<input type=\"hidden\" name=\"version\" value=\"\(HTML.escape(version))\">" }
        return b + "<p><button class=\"btn\" type=\"submit\">提交</button></p></form></div>"
    }

    /// Number, kind, date, text (or the withheld notice), status with the fixing version and erratum.
    static func table(_ items: [FeedbackItem], datasets: Bool) -> String {
        guard !items.isEmpty else { return "<p class=\"muted\">暂无纠错与意见。</p>" }
        var b = "<div class=\"scroll\"><table><tr><th>编号</th>\(datasets ? "<th>数据集</th>" : "")<th>类型</th><th>提交日期</th><th>内容</th><th>状态</th></tr>"
        for f in items {
            let page = "/datasets/\(HTML.urlComponent(f.dataset))"
            b += "<tr id=\"\(HTML.escape(f.number))\"><td class=\"mono\">\(HTML.escape(f.number))</td>"
            if datasets { b += "<td><a href=\"\(page)\">\(HTML.escape(f.dataset))</a></td>" }
            b += "<td>\(f.kind.title)</td><td>\(HTML.escape(BeijingTime.day(f.received)))</td>"
            b += "<td\(f.withheld ? " class=\"muted\"" : "")>\(HTML.escape(f.publicText))</td><td class=\"feedback-status\">\(status(f, page: page))</td></tr>"
        }
        return b + "</table></div>"
    }

    static func status(_ f: FeedbackItem, page: String) -> String {
        switch f.status {
        case .fixed:
            var s = "<span class=\"tag green\">已在 "
            s += f.fixedIn.map { "<a href=\"\(page)?version=\(HTML.urlComponent($0))\">\(HTML.escape($0))</a>" } ?? "—"
            s += " 版本修正</span>"
            if let e = f.erratum { s += " 勘误 <a href=\"\(page)#errata\">\(HTML.escape(e))</a>" }
            return s
        case .declined: return "<span class=\"tag grey\">不予采纳</span> \(HTML.text(f.reason))"
        case .accepted: return "<span class=\"tag orange\">已受理</span>"
        case .received: return "<span class=\"tag grey\">已收到</span>"
        }
    }

    static func submitted(_ f: FeedbackItem, title: String) -> String {
        var b = "<div class=\"card\" style=\"max-width:640px;margin:40px auto\"><h1>已收到您的反馈</h1>"
        b += "<p>受理编号：<b class=\"mono\" id=\"feedback-number\">\(HTML.escape(f.number))</b></p>"
        b += "<p>数据集：\(HTML.escape(title))；状态：\(f.statusTitle)</p>"
        if f.withheld { b += "<p class=\"notice\">内容中似有个人信息：已转交数据专员，但不在公开列表中显示内容。</p>" }
        b += "<p>处理进展见<a href=\"/datasets/\(HTML.urlComponent(f.dataset))#\(HTML.escape(f.number))\">数据集页面</a>与<a href=\"/feedback\">纠错与意见公开列表</a>。</p></div>"
        return Layout.page(title: "已收到反馈", active: .catalog, body: b)
    }

    /// `/feedback`: every dataset's items, newest first, in pages of `FeedbackListPage.size`.
    static func publicList(_ page: FeedbackListPage) -> String {
        var b = "<h1>纠错与意见</h1><p class=\"muted\">公众对开放数据的纠错与意见及其处理情况（不公开提交人的联系方式）。在数据集页面底部可提交新的纠错与意见。</p>"
        if page.pages > 1 { b += "<p class=\"count\">共 <b>\(HTML.formatted(page.count))</b> 条，第 \(page.page)/\(page.pages) 页</p>" }
        let pager = ListPage.pager(page: page.page, pages: page.pages) { $0 == 1 ? "/feedback" : "/feedback?page=\($0)" }
        return Layout.page(title: "纠错与意见", active: .catalog, body: b + "<div class=\"card\">" + table(page.items, datasets: true) + pager + "</div>")
    }

    /// The answer to a `/feedback?page=` that is not a page number.
    static func badPage() -> String {
        let b = "<div class=\"card empty\"><h1>400</h1><p>\(FeedbackListPage.badPage)</p><p><a href=\"/feedback\">返回纠错与意见公开列表</a></p></div>"
        return Layout.page(title: "400", active: .catalog, body: b)
    }

    /// `/approvals/feedback`: open items first with the contact and the answer forms, then the answered ones.
    static func queue(_ items: [FeedbackItem], message: String?) -> String {
        var b = "<h1>纠错与意见处理</h1><p class=\"muted\">公众提交的纠错与意见。受理后请尽快处理：修正须填写已发布的版本号（可附 odp erratum 记录的勘误编号）；不予采纳的理由会公开，请勿写入个人信息。</p>"
        b += "<p><a href=\"/approvals\">返回发布审核队列</a></p>"
        if let message { b += "<p class=\"notice\">\(HTML.escape(message))</p>" }
        let open = items.filter { $0.status == .received || $0.status == .accepted }
        b += "<div class=\"card\"><h2>待处理（\(open.count)）</h2>"
        if open.isEmpty { b += "<p class=\"empty\">暂无待处理的纠错与意见。</p>" }
        for f in open {
            b += "<div class=\"card\"><p><b class=\"mono\">\(HTML.escape(f.number))</b> · \(f.kind.title) · 数据集 <span class=\"mono\">\(HTML.escape(f.dataset))</span>"
            b += " · 收到于 \(HTML.time(f.received)) · <span class=\"tag grey\">\(f.statusTitle)</span></p>"
            b += "<table class=\"kv\">" + DatasetPage.row("内容", HTML.escape(f.text)) + DatasetPage.row("版本", HTML.text(f.version))
            b += DatasetPage.row("联系方式", HTML.text(f.contact)) + "</table>"
            b += "<form method=\"post\" action=\"/approvals/feedback\" class=\"actions\"><input type=\"hidden\" name=\"number\" value=\"\(HTML.escape(f.number))\">"
            b += "<div><label>处理人<input class=\"text\" name=\"by\" required maxlength=\"100\"></label></div>"
            b += "<div><label>修正版本<input class=\"text\" name=\"version\" maxlength=\"40\"></label></div>"
            b += "<div><label>勘误编号（可选）<input class=\"text\" name=\"erratum\" maxlength=\"160\"></label></div>"
            b += "<div><label>不予采纳的理由<input class=\"text\" name=\"reason\" maxlength=\"\(FeedbackBook.reasonLimit)\"></label></div>"
            b += "<div><label>审核口令<input class=\"text\" type=\"password\" name=\"token\" required autocomplete=\"off\"></label></div>"
            if f.status == .received { b += "<button class=\"btn ok\" name=\"decision\" value=\"accept\" type=\"submit\">受理</button>" }
            b += "<button class=\"btn ok\" name=\"decision\" value=\"fix\" type=\"submit\">已修正</button>"
            b += "<button class=\"btn no\" name=\"decision\" value=\"decline\" type=\"submit\">不予采纳</button></form></div>"
        }
        b += "</div><div class=\"card\"><h2>已处理</h2>" + table(items.filter { $0.status == .fixed || $0.status == .declined }.reversed(), datasets: true)
        return Layout.page(title: "纠错与意见处理", active: .approvals, body: b + "</div>")
    }
}

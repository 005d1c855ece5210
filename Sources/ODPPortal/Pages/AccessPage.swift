import Foundation
import ODPCore

/// The pages of 有条件开放: the application form on a dataset page, the answer to an
/// application, the 403 for data asked for without a valid token, and the data officers'
/// application queue. Every value a person typed is escaped; none of these pages has script.
enum AccessPage {
    static func applyPath(_ dataset: String) -> String { "/datasets/\(HTML.urlComponent(dataset))/applications" }

    /// The card shown instead of the sample rows of a conditional dataset.
    static func applyCard(dataset: String, conditions: String?, problems: [String: String] = [:], values: [String: String] = [:]) -> String {
        var b = "<div class=\"card\" id=\"apply\"><h2>数据申请（有条件开放）</h2>"
        b += "<p>该数据集为有条件开放：数据文件、数据包与数据接口须凭访问令牌使用，不提供公开预览。请填写申请，数据专员审核通过后会通过您留下的联系方式把访问令牌发给您。</p>"
        b += "<p class=\"muted\">下载时在请求头中携带令牌：<span class=\"mono\">Authorization: Bearer odpat_…</span>（也可在链接后加 <span class=\"mono\">?token=…</span>，但令牌会留在浏览记录中）。</p>"
        if !problems.isEmpty {
            b += "<div class=\"notice\" role=\"alert\"><b>请修改后重新提交：</b><ul>" + problems.sorted { $0.key < $1.key }.map { "<li>\(HTML.escape($0.value))</li>" }.joined() + "</ul></div>"
        }
        b += "<form method=\"post\" action=\"\(applyPath(dataset))\">"
        for (field, label, max) in AccessForm.limits {
            let value = HTML.escape(values[field] ?? "")
            if field == "purpose" {
                b += "<p><label>\(label)<br><textarea class=\"text\" name=\"\(field)\" required maxlength=\"\(max)\" rows=\"4\" style=\"width:100%\">\(value)</textarea></label></p>"
            } else {
                b += "<p><label>\(label)<br><input class=\"text\" name=\"\(field)\" required maxlength=\"\(max)\" value=\"\(value)\"></label></p>"
            }
        }
        b += "<p><b>开放条件：</b>\(HTML.text(conditions))</p>"
        b += "<p><label><input type=\"checkbox\" name=\"accept_conditions\" value=\"yes\" required> 我已阅读并接受上述开放条件</label></p>"
        b += "<p><button class=\"btn\" type=\"submit\">提交数据申请</button></p></form>"
        b += "<p class=\"muted\">申请人信息仅用于审核与联系，保存在平台内部，不公开、不上传，保存期满后删除。已提交申请？<a href=\"\(ApplicationStatusPage.path)\">查询审核进度</a></p></div>"
        return b
    }

    static func submitted(_ a: AccessApplication, title: String, reviewDays: Int, statusSecret: String) -> String {
        var b = "<div class=\"card\" style=\"max-width:640px;margin:40px auto\"><h1>申请已提交</h1>"
        b += "<p>申请编号：<b class=\"mono\" id=\"application-number\">\(HTML.escape(a.number))</b></p>"
        b += "<p>查询码：<b class=\"mono\" id=\"status-secret\">\(HTML.escape(statusSecret))</b></p>"
        b += "<p class=\"notice\">请记下申请编号和查询码：查询码只显示这一次，凭二者可<a href=\"\(ApplicationStatusPage.path)?number=\(HTML.urlComponent(a.number))\">查询审核进度</a>。</p>"
        b += "<p>数据集：\(HTML.escape(title))</p>"
        b += "<p>数据专员一般在 \(reviewDays) 个工作日内审核。审核通过后，访问令牌会通过您留下的联系方式发给您。</p>"
        b += "<p><a href=\"/datasets/\(HTML.urlComponent(a.dataset))\">返回数据集</a></p></div>"
        return Layout.page(title: "申请已提交", active: .catalog, body: b)
    }

    static func refused(_ refusal: AccessRefusal, dataset: String) -> String {
        var b = "<div class=\"card\" style=\"max-width:640px;margin:40px auto\"><h1>403 需要访问令牌</h1>"
        b += "<p>\(HTML.escape(refusal.message))</p><p class=\"muted mono\">\(HTML.escape(refusal.code))</p>"
        b += "<p><a class=\"btn\" href=\"/datasets/\(HTML.urlComponent(dataset))#apply\">提交数据申请</a></p></div>"
        return Layout.page(title: "需要访问令牌", active: .catalog, body: b)
    }

    /// `/approvals/access`: pending applications with their age, then the decided ones.
    static func queue(_ applications: [AccessApplication], settings: AccessSettings, message: String?, now: Date = Date()) -> String {
        var b = "<h1>数据申请审核</h1><p class=\"muted\">有条件开放数据集的数据申请。须在 \(settings.reviewWorkingDays) 个工作日内审核；超期的申请会在下次 odp run 时通知。批准后访问令牌只显示一次，请通过申请人留下的联系方式发给申请人。</p>"
        b += "<p><a href=\"/approvals\">返回发布审核队列</a></p>"
        if let message { b += "<p class=\"notice\">\(HTML.escape(message))</p>" }
        let pending = applications.filter { $0.status == .pending }
        b += "<div class=\"card\"><h2>待审核申请（\(pending.count)）</h2>"
        if pending.isEmpty { b += "<p class=\"empty\">暂无待审核的申请。</p>" }
        for a in pending {
            let age = WorkingDays.between(a.submitted, now) ?? 0
            let late = age > settings.reviewWorkingDays
            b += "<div class=\"card\"><p><b class=\"mono\">\(HTML.escape(a.number))</b> · 数据集 <span class=\"mono\">\(HTML.escape(a.dataset))</span> · 提交于 \(HTML.time(a.submitted))"
            b += " · <span class=\"tag \(late ? "red" : "grey")\">已等待 \(age) 个工作日\(late ? "（超期）" : "")</span></p>"
            b += "<table class=\"kv\">" + DatasetPage.row("姓名", HTML.text(a.name)) + DatasetPage.row("单位", HTML.text(a.organisation))
            b += DatasetPage.row("用途", HTML.text(a.purpose)) + DatasetPage.row("联系方式", HTML.text(a.contact)) + "</table>"
            b += decisionForm(a.number, decisions: [("approve", "批准并签发令牌", "ok"), ("reject", "驳回", "no")], versions: true) + "</div>"
        }
        b += "</div><div class=\"card\"><h2>已处理申请</h2>"
        let decided = applications.filter { $0.status != .pending }.reversed()
        if decided.isEmpty { b += "<p class=\"muted\">—</p>" } else {
            b += "<div class=\"scroll\"><table><tr><th>编号</th><th>数据集</th><th>状态</th><th>审核人</th><th>有效期至</th><th>版本范围</th><th>下载</th><th>接口调用</th><th></th></tr>"
            for a in decided {
                let range = "\(a.firstVersion ?? "…") – \(a.lastVersion ?? "…")"
                b += "<tr><td class=\"mono\">\(HTML.escape(a.number))</td><td class=\"mono\">\(HTML.escape(a.dataset))</td><td>\(HTML.escape(a.status.title))</td>"
                b += "<td>\(HTML.text(a.decidedBy))</td><td>\(HTML.time(a.expires))</td><td>\(HTML.escape(range))</td><td>\(a.downloads)</td><td>\(a.apiCalls)</td><td>"
                if a.status == .approved { b += decisionForm(a.number, decisions: [("revoke", "撤销令牌", "no")], versions: false) }
                b += "</td></tr>"
            }
            b += "</table></div>"
        }
        return Layout.page(title: "数据申请审核", active: .approvals, body: b + "</div>")
    }

    static func decisionForm(_ number: String, decisions: [(String, String, String)], versions: Bool) -> String {
        var b = "<form method=\"post\" action=\"/approvals/access\" class=\"actions\"><input type=\"hidden\" name=\"number\" value=\"\(HTML.escape(number))\">"
        b += "<div><label>审核人<input class=\"text\" name=\"by\" required maxlength=\"100\"></label></div>"
        b += "<div><label>意见（可选，申请人查询进度时可见）<input class=\"text\" name=\"note\" maxlength=\"1000\"></label></div>"
        if versions {
            b += "<div><label>起始版本（可选）<input class=\"text\" name=\"first_version\" maxlength=\"40\"></label></div>"
            b += "<div><label>截止版本（可选）<input class=\"text\" name=\"last_version\" maxlength=\"40\"></label></div>"
        }
        b += "<div><label>审核口令<input class=\"text\" type=\"password\" name=\"token\" required autocomplete=\"off\"></label></div>"
        for (value, label, style) in decisions {
            b += "<button class=\"btn \(style)\" name=\"decision\" value=\"\(value)\" type=\"submit\">\(label)</button>"
        }
        return b + "</form>"
    }

    /// The token of an approval, shown this once.
    static func issued(_ a: AccessApplication, token: String) -> String {
        var b = "<div class=\"card\" style=\"max-width:720px;margin:40px auto\"><h1>已批准 \(HTML.escape(a.number))</h1>"
        b += "<p>访问令牌（只显示这一次，平台只保存其哈希值，无法找回）：</p><p><code class=\"mono\" id=\"access-token\">\(HTML.escape(token))</code></p>"
        b += "<p>请通过申请人留下的联系方式把令牌发给申请人。有效期至 \(HTML.time(a.expires))；版本范围 \(HTML.escape(a.firstVersion ?? "…")) – \(HTML.escape(a.lastVersion ?? "…"))。</p>"
        b += "<p><a href=\"/approvals/access\">返回数据申请审核</a></p></div>"
        return Layout.page(title: "已批准数据申请", active: .approvals, body: b)
    }
}

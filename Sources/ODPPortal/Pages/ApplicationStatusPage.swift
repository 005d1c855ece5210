import Foundation
import ODPCore

/// `/applications/status`: an applicant looks up their 数据申请 with its number and 查询码.
/// The answer shows the application's own progress only — never the applicant's personal
/// fields (a leaked 查询码 must not leak them), who decided it, or its token.
enum ApplicationStatusPage {
    static let path = "/applications/status"

    /// The lookup form; `number` pre-filled from the link on the submitted page.
    static func form(number: String = "", problem: String? = nil) -> String {
        var b = "<div class=\"card\" style=\"max-width:640px;margin:40px auto\"><h1>数据申请进度查询</h1>"
        b += "<p>请输入申请编号和提交申请时得到的查询码。早于查询码启用的申请，可用申请时填写的联系方式代替查询码。</p>"
        if let problem { b += "<p class=\"notice\" role=\"alert\">\(HTML.escape(problem))</p>" }
        b += "<form method=\"post\" action=\"\(path)\">"
        b += "<p><label>申请编号<br><input class=\"text\" name=\"number\" required maxlength=\"40\" autocomplete=\"off\" value=\"\(HTML.escape(number))\"></label></p>"
        b += "<p><label>查询码<br><input class=\"text\" type=\"password\" name=\"secret\" required maxlength=\"100\" autocomplete=\"off\"></label></p>"
        b += "<p><button class=\"btn\" type=\"submit\">查询</button></p></form></div>"
        return Layout.page(title: "数据申请进度查询", active: .catalog, body: b)
    }

    static func result(_ s: ApplicationStatus) -> String {
        var b = "<div class=\"card\" style=\"max-width:720px;margin:40px auto\"><h1>数据申请进度</h1><table class=\"kv\">"
        b += DatasetPage.row("申请编号", "<span class=\"mono\">\(HTML.escape(s.application.number))</span>")
        b += DatasetPage.row("数据集", "<a href=\"/datasets/\(HTML.urlComponent(s.application.dataset))\">\(HTML.escape(s.title))</a>")
        b += DatasetPage.row("状态", "<b id=\"application-status\">\(HTML.escape(s.application.status.title))</b>")
        b += DatasetPage.row("提交时间", HTML.time(s.application.submitted))
        if let age = s.pendingWorkingDays {
            let late = age > s.reviewWorkingDays
            b += DatasetPage.row("已等待", "<span class=\"tag \(late ? "red" : "grey")\">\(age) 个工作日</span>"
                                 + (late ? "（已超过 \(s.reviewWorkingDays) 个工作日的审核时限，已提醒数据专员）" : "（审核时限 \(s.reviewWorkingDays) 个工作日）"))
        }
        if let decided = s.application.decided { b += DatasetPage.row("审核时间", HTML.time(decided)) }
        if let note = s.application.note { b += DatasetPage.row("审核意见", HTML.escape(note)) }
        if s.application.status == .approved {
            b += DatasetPage.row("令牌有效期至", HTML.time(s.application.expires))
            b += DatasetPage.row("版本范围", HTML.escape("\(s.application.firstVersion ?? "…") – \(s.application.lastVersion ?? "…")"))
            b += DatasetPage.row("使用次数", "下载 \(s.application.downloads) 次，接口调用 \(s.application.apiCalls) 次")
        }
        if let revoked = s.application.revoked { b += DatasetPage.row("撤销时间", HTML.time(revoked)) }
        b += "</table>"
        switch s.application.status {
        case .pending: b += "<p>数据专员审核后，会通过您留下的联系方式通知您。</p>"
        case .approved: b += "<p>访问令牌已通过您留下的联系方式发给您；平台不保存令牌，遗失须重新申请。</p>"
        case .rejected, .revoked: b += "<p>如有疑问，请联系数据集页面所列的联系方式。</p>"
        }
        b += "<p><a href=\"\(path)\">查询其他申请</a></p></div>"
        return Layout.page(title: "数据申请进度", active: .catalog, body: b)
    }
}

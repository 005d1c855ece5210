import Foundation

/// The data officers' approval queue (审核队列) and the review form for one release.
enum ApprovalsPage {
    static func queue(store: PortalStore, message: String?) -> String {
        let pending = store.awaitingApproval()
        var b = "<h1>审核队列</h1><p class=\"muted\">以下版本已完成脱敏与质量检查，须经数据专员审核后方可发布。</p>"
        if let message { b += "<p class=\"notice\">\(HTML.escape(message))</p>" }
        b += "<div class=\"card\"><h2>待审核（\(pending.count)）</h2>"
        if pending.isEmpty {
            b += "<p class=\"empty\">暂无待审核的版本。</p>"
        } else {
            b += "<table><tr><th>数据集</th><th>版本</th><th>生成时间</th><th>数据量</th><th>相对上一版本的变化</th><th></th></tr>"
            for (id, v) in pending {
                let title = store.dataPackage(id, v.version)?.title ?? id
                b += "<tr><td>\(HTML.escape(title))<br><span class=\"mono muted\">\(HTML.escape(id))</span></td><td>\(HTML.escape(v.version))</td>"
                b += "<td>\(HTML.time(v.created))</td><td>\(HTML.text(v.rowCount))</td><td>\(HTML.escape(v.changeSummary))</td>"
                b += "<td><a class=\"btn\" href=\"\(reviewPath(id, v.version))\">审核</a></td></tr>"
            }
            b += "</table>"
        }
        b += "</div><div class=\"card\"><h2>审核记录</h2>"
        let decided = store.decided()
        if decided.isEmpty { b += "<p class=\"muted\">—</p>" } else {
            b += "<table><tr><th>数据集</th><th>版本</th><th>结论</th><th>审核人</th><th>意见</th><th>时间</th></tr>"
            for d in decided.prefix(50) {
                let ok = d.decision["decision"].string == "approved"
                b += "<tr><td class=\"mono\">\(HTML.escape(d.id))</td><td>\(HTML.escape(d.version))</td>"
                b += "<td><span class=\"tag \(ok ? "green" : "red")\">\(ok ? "通过" : "驳回")</span></td><td>\(HTML.text(d.decision["by"].string))</td>"
                b += "<td>\(HTML.text(d.decision["note"].string))</td><td>\(HTML.time(d.decision["time"].string))</td></tr>"
            }
            b += "</table>"
        }
        return Layout.page(title: "审核队列", active: .approvals, body: b + "</div>")
    }

    static func reviewPath(_ id: String, _ version: String) -> String {
        "/approvals/\(HTML.urlComponent(id))/\(HTML.urlComponent(version))"
    }

    /// The decision form shown above the release on the review page.
    static func form(id: String, version: VersionRecord, needsToken: Bool) -> String {
        var b = "<div class=\"card\"><h2>审核意见</h2>"
        if !version.holdReasons.isEmpty {
            b += "<div class=\"notice\"><b>暂缓原因：</b><ul>" + version.holdReasons.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul></div>"
        }
        guard version.isAwaitingApproval else {
            return b + "<p class=\"muted\">该版本当前状态为“\(HTML.escape(version.statusTitle))”，无需审核。</p></div>"
        }
        b += "<form method=\"post\" action=\"\(reviewPath(id, version.version))\" class=\"actions\">"
        b += "<div><label>审核人<input class=\"text\" name=\"by\" required maxlength=\"100\"></label></div>"
        b += "<div style=\"flex:2\"><label>意见（可选）<input class=\"text\" name=\"note\" maxlength=\"1000\"></label></div>"
        if needsToken { b += "<div><label>审核口令<input class=\"text\" type=\"password\" name=\"token\" required autocomplete=\"off\"></label></div>" }
        b += "<button class=\"btn ok\" name=\"decision\" value=\"approve\" type=\"submit\">审核通过并发布</button>"
        b += "<button class=\"btn no\" name=\"decision\" value=\"reject\" type=\"submit\">驳回</button></form></div>"
        return b
    }

    static func login(failed: Bool) -> String {
        var b = "<div class=\"card\" style=\"max-width:420px;margin:40px auto\"><h2>数据专员登录</h2>"
        if failed { b += "<p class=\"notice\">口令不正确。</p>" }
        b += "<form method=\"post\" action=\"/approvals/login\"><p><label>审核口令<input class=\"text\" type=\"password\" name=\"token\" required autocomplete=\"off\"></label></p>"
        b += "<p><button class=\"btn\" type=\"submit\">进入审核队列</button></p></form></div>"
        return Layout.page(title: "数据专员登录", active: .approvals, body: b)
    }
}

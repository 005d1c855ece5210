import Foundation

/// The data officers' approval queue (审核队列) and the review form for one release.
enum ApprovalsPage {
    /// What a data officer does about a held release (暂缓发布): it cannot be approved.
    static func heldAdvice(_ id: String) -> String {
        "该版本被发布闸门暂缓（held），不能审核通过。请按下列暂缓原因修正源数据或数据集定义（被剔除的行见问题数据清单 output/state/feedback/\(id).csv），然后重新运行 odp run；通过检查的新版本会自动发布。暂缓版本的全部文件在 output/held/releases/\(id)/ 下。"
    }

    static func queue(store: PortalStore, held: PortalStore, message: String?) -> String {
        let pending = store.awaitingApproval()
        var b = "<h1>审核队列</h1><p class=\"muted\">待审核的版本已完成脱敏与质量检查，须经数据专员审核后方可发布；暂缓发布的版本须修正后重新运行。</p>"
        b += "<p><a href=\"/approvals/access\">数据申请审核</a> · <a href=\"/approvals/feedback\">纠错与意见处理</a></p>"
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
        b += "</div>" + heldSection(held)
        b += "<div class=\"card\"><h2>审核记录</h2>"
        let decided = store.decided()
        if decided.isEmpty { b += "<p class=\"muted\">—</p>" } else {
            b += "<table><tr><th>数据集</th><th>版本</th><th>结论</th><th>审核人</th><th>意见</th><th>时间</th></tr>"
            for d in decided.prefix(50) {
                let ok = d.decision.verdict == .approved
                b += "<tr><td class=\"mono\">\(HTML.escape(d.id))</td><td>\(HTML.escape(d.version))</td>"
                b += "<td><span class=\"tag \(ok ? "green" : "red")\">\(ok ? "通过" : "驳回")</span></td><td>\(HTML.text(d.decision.by))</td>"
                b += "<td>\(HTML.text(d.decision.note))</td><td>\(HTML.time(ISO8601DateFormatter().string(from: d.decision.time)))</td></tr>"
            }
            b += "</table>"
        }
        return Layout.page(title: "审核队列", active: .approvals, body: b + "</div>")
    }

    /// Releases held by a gate (`output/held/`), newest first, with their reasons.
    static func heldSection(_ held: PortalStore) -> String {
        let versions = held.datasetIds().flatMap { id in held.versions(id).map { (id: id, version: $0) } }
            .sorted { SafePath.versionPrecedes($1.version.version, $0.version.version) }
        var b = "<div class=\"card\"><h2>暂缓发布（\(versions.count)）</h2>"
        guard !versions.isEmpty else { return b + "<p class=\"empty\">暂无被暂缓的版本。</p></div>" }
        b += "<table><tr><th>数据集</th><th>版本</th><th>生成时间</th><th>数据量</th><th>暂缓原因</th><th></th></tr>"
        for (id, v) in versions {
            b += "<tr><td class=\"mono\">\(HTML.escape(id))</td><td>\(HTML.escape(v.version))</td><td>\(HTML.time(v.created))</td>"
            b += "<td>\(HTML.text(v.rowCount))</td><td>" + v.holdReasons.map(HTML.escape).joined(separator: "<br>") + "</td>"
            b += "<td><a class=\"btn light\" href=\"\(reviewPath(id, v.version))\">查看</a></td></tr>"
        }
        return b + "</table></div>"
    }

    static func reviewPath(_ id: String, _ version: String) -> String {
        "/approvals/\(HTML.urlComponent(id))/\(HTML.urlComponent(version))"
    }

    /// The reviewer's links to the release's full reports, served under `reportsBase`.
    static func reportLinks(_ reportsBase: String) -> String {
        let files = [("quality-report.html", "完整质量报告"), ("quality-report.json", "质量报告（JSON）"),
                     ("privacy-report.json", "个人信息保护报告（JSON）"), ("README.md", "数据字典与说明"), ("datapackage.json", "datapackage.json")]
        return "<p class=\"actions\">" + files.map { "<a class=\"btn light\" href=\"\(reportsBase)\($0.0)\">\($0.1)</a>" }.joined(separator: " ") + "</p>"
    }

    /// The decision form (or, for a held release, what to do) shown above the release on
    /// the review page. Every POST carries the token.
    static func form(id: String, version: VersionRecord, reportsBase: String) -> String {
        var b = "<div class=\"card\"><h2>审核意见</h2>" + reportLinks(reportsBase)
        if version.status == "held" { b += "<p class=\"notice\">\(HTML.escape(heldAdvice(id)))</p>" }
        if !version.holdReasons.isEmpty {
            b += "<div class=\"notice\"><b>暂缓原因：</b><ul>" + version.holdReasons.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul></div>"
        }
        guard version.isAwaitingApproval else {
            return b + "<p class=\"muted\">该版本当前状态为“\(HTML.escape(version.statusTitle))”，无需审核。</p></div>"
        }
        b += "<form method=\"post\" action=\"\(reviewPath(id, version.version))\" class=\"actions\">"
        b += "<div><label>审核人<input class=\"text\" name=\"by\" required maxlength=\"100\"></label></div>"
        b += "<div style=\"flex:2\"><label>意见（可选）<input class=\"text\" name=\"note\" maxlength=\"1000\"></label></div>"
        b += "<div><label>审核口令<input class=\"text\" type=\"password\" name=\"token\" required autocomplete=\"off\"></label></div>"
        b += "<button class=\"btn ok\" name=\"decision\" value=\"approve\" type=\"submit\">审核通过并发布</button>"
        b += "<button class=\"btn no\" name=\"decision\" value=\"reject\" type=\"submit\">驳回</button></form></div>"
        return b
    }

    /// `/approvals` on a portal started without a token: decisions need one.
    static func noToken() -> String {
        let b = "<div class=\"card\" style=\"max-width:560px;margin:40px auto\"><h2>审核需要口令</h2>"
            + "<p>本门户启动时未设置审核口令（token），审核队列与审核操作不可用。</p>"
            + "<p>请以 <span class=\"mono\">odp serve --token env:ODP_PORTAL_TOKEN</span>（或 <span class=\"mono\">file:路径</span>）重新启动，再用该口令登录。</p></div>"
        return Layout.page(title: "审核需要口令", active: .approvals, body: b)
    }

    static func login(failed: Bool) -> String {
        var b = "<div class=\"card\" style=\"max-width:420px;margin:40px auto\"><h2>数据专员登录</h2>"
        if failed { b += "<p class=\"notice\">口令不正确。</p>" }
        b += "<form method=\"post\" action=\"/approvals/login\"><p><label>审核口令<input class=\"text\" type=\"password\" name=\"token\" required autocomplete=\"off\"></label></p>"
        b += "<p><button class=\"btn\" type=\"submit\">进入审核队列</button></p></form></div>"
        return Layout.page(title: "数据专员登录", active: .approvals, body: b)
    }
}

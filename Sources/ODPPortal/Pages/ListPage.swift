import Foundation
import ODPCore

/// The open-data list (开放数据目录) with text search and the four filters.
enum ListPage {
    static func render(all: [DatasetRecord], query: CatalogQuery) -> String {
        let shown = query.apply(all)
        var body = "<div class=\"layout\"><aside><form class=\"card filters\" method=\"get\" action=\"/\">"
        body += "<h2>筛选</h2><input type=\"hidden\" name=\"q\" value=\"\(HTML.escape(query.q))\">"
        body += select("domain", "数据领域", values: all.compactMap(\.domain), selected: query.domain)
        body += select("provider", "提供方", values: all.compactMap(\.provider), selected: query.provider)
        body += select("open", "开放属性", values: all.compactMap(\.openType), selected: query.open)
        body += select("cycle", "更新周期", values: all.compactMap(\.updateCycle), selected: query.cycle)
        body += "<p><button class=\"btn\" type=\"submit\">筛选</button> <a class=\"btn light\" href=\"/\">重置</a></p></form>"
        body += "<div class=\"card\"><h2>平台概况</h2><p class=\"big\">\(all.count)</p><p class=\"muted\">个已开放数据集</p>"
            + (DatasetTimeliness.rateText(all.compactMap { $0.timeliness() }).map { "<p class=\"muted\">\(HTML.escape($0))</p>" } ?? "")
            + "</div></aside><section>"
        body += "<form class=\"search\" method=\"get\" action=\"/\"><input type=\"search\" name=\"q\" value=\"\(HTML.escape(query.q))\" placeholder=\"搜索数据集名称、摘要、关键字或提供方\">"
        for (k, v) in [("domain", query.domain), ("provider", query.provider), ("open", query.open), ("cycle", query.cycle)] where !v.isEmpty {
            body += "<input type=\"hidden\" name=\"\(k)\" value=\"\(HTML.escape(v))\">"
        }
        body += "<button class=\"btn\" type=\"submit\">搜索</button></form>"
        body += "<p class=\"count\">共找到 <b>\(shown.count)</b> 个数据集</p>"
        if shown.isEmpty { body += "<div class=\"card empty\">没有符合条件的数据集。</div>" }
        for r in shown { body += card(r) }
        body += "</section></div>"
        return Layout.page(title: "数据目录", active: .catalog, body: body)
    }

    static func card(_ r: DatasetRecord) -> String {
        let href = "/datasets/\(HTML.urlComponent(r.id))"
        var s = "<article class=\"card ds\"><h3><a href=\"\(href)\">\(HTML.escape(r.title))</a></h3><div class=\"tags\">"
        if let d = r.domain { s += "<span>\(HTML.escape(d))</span>" }
        if let o = r.openType { s += "<span class=\"tag \(o.contains("有条件") ? "orange" : "green")\">\(HTML.escape(o))</span>" }
        if let c = r.updateCycle { s += "<span class=\"tag grey\">\(HTML.escape(c))更新</span>" }
        s += r.overdueTag
        s += "</div><p>\(HTML.text(r.summary))</p><div class=\"meta\"><span>提供方：\(HTML.text(r.provider))</span>"
        s += "<span>最近更新：\(HTML.time(r.updated))</span><span>数据量：\(HTML.text(r.rowCount)) 条</span><span>"
        s += r.formats.map { "<span class=\"fmt\">\(HTML.escape($0))</span>" }.joined() + "</span></div></article>"
        return s
    }

    static func select(_ name: String, _ label: String, values: [String], selected: String) -> String {
        var s = "<label for=\"f-\(name)\">\(label)</label><select id=\"f-\(name)\" name=\"\(name)\"><option value=\"\">全部</option>"
        for v in Set(values).sorted() {
            s += "<option value=\"\(HTML.escape(v))\"\(v == selected ? " selected" : "")>\(HTML.escape(v))</option>"
        }
        return s + "</select>"
    }
}

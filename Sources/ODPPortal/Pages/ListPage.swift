import Foundation
import Hummingbird
import ODPCore

/// The open-data list (开放数据目录): text search (over titles, summaries, keywords,
/// providers and the field names and titles of the schema), the four filters, three orders
/// and pages of `CatalogQuery.size`, all server-side (no script). A department's or a
/// topic's page is the same list with its 提供方 or 数据领域 fixed by the path.
enum ListPage {
    /// The whole catalog, one department (提供方) or one topic (数据领域).
    enum Scope: Equatable {
        case all
        case department(String)
        case topic(String)

        var path: String {
            switch self {
            case .all: return "/"
            case .department(let name): return "/departments/\(HTML.urlComponent(name))"
            case .topic(let name): return "/topics/\(HTML.urlComponent(name))"
            }
        }

        /// The filter the path fixes.
        var fixed: Set<String> {
            switch self {
            case .all: return []
            case .department: return ["provider"]
            case .topic: return ["domain"]
            }
        }
    }

    /// - Throws: `HTTPError(.notFound)` for a page after the last.
    static func render(index: PortalIndex, query: CatalogQuery, scope: Scope = .all, now: Date = Date()) throws -> String {
        let shown = index.select(query)
        let pages = max(1, (shown.count + query.size - 1) / query.size)
        guard query.page <= pages else { throw HTTPError(.notFound) }
        let path = scope.path
        var body = ""
        switch scope {
        case .all: body += "<h1 class=\"sr-only\">公共数据开放目录</h1>"
        case .department(let name):
            body += "<div class=\"crumb\"><a href=\"/\">数据目录</a> › <a href=\"/departments\">部门</a> › \(HTML.escape(name))</div><h1>\(HTML.escape(name))</h1>"
        case .topic(let name):
            body += "<div class=\"crumb\"><a href=\"/\">数据目录</a> › <a href=\"/topics\">主题</a> › \(HTML.escape(name))</div><h1>\(HTML.escape(name))</h1>"
        }
        body += "<div class=\"layout\"><aside><form class=\"card filters\" method=\"get\" action=\"\(path)\">"
        body += "<h2>筛选</h2><input type=\"hidden\" name=\"q\" value=\"\(HTML.escape(query.q))\">"
        body += hidden(query)
        if !scope.fixed.contains("domain") { body += select("domain", "数据领域", values: index.domains.map(\.name), selected: query.domain) }
        if !scope.fixed.contains("provider") { body += select("provider", "提供方", values: index.providers.map(\.name), selected: query.provider) }
        body += select("open", "开放属性", values: index.openTypes, selected: query.open)
        body += select("cycle", "更新周期", values: index.cycles, selected: query.cycle)
        body += "<p><button class=\"btn\" type=\"submit\">筛选</button> <a class=\"btn light\" href=\"\(path)\">重置</a></p></form>"
        body += "<div class=\"card\"><h2>平台概况</h2><p class=\"big\">\(index.records.count)</p><p class=\"muted\">个已开放数据集</p>"
            + (index.timelinessText(now: now).map { "<p class=\"muted\">\(HTML.escape($0))</p>" } ?? "")
            + "<p><a href=\"/departments\">按部门浏览（\(index.providers.count)）</a><br><a href=\"/topics\">按主题浏览（\(index.domains.count)）</a></p>"
            + "</div></aside><section>"
        body += "<form class=\"search\" method=\"get\" action=\"\(path)\"><input type=\"search\" name=\"q\" value=\"\(HTML.escape(query.q))\" maxlength=\"\(CatalogQuery.maxText)\" placeholder=\"搜索数据集名称、摘要、关键字、提供方或字段名\">"
        for (k, v) in [("domain", query.domain), ("provider", query.provider), ("open", query.open), ("cycle", query.cycle)]
        where !v.isEmpty && !scope.fixed.contains(k) {
            body += "<input type=\"hidden\" name=\"\(k)\" value=\"\(HTML.escape(v))\">"
        }
        body += hidden(query)
        body += "<button class=\"btn\" type=\"submit\">搜索</button></form>"
        body += "<p class=\"count\">共找到 <b>\(shown.count)</b> 个数据集" + (pages > 1 ? "，第 \(query.page)/\(pages) 页" : "") + "　排序："
        body += PortalIndex.Sort.allCases.map { s in
            s == query.sort ? "<b>\(s.label)</b>" : "<a href=\"\(path)\(query.link(page: 1, sort: s, fixed: scope.fixed))\">\(s.label)</a>"
        }.joined(separator: " | ") + "</p>"
        if shown.isEmpty { body += "<div class=\"card empty\">没有符合条件的数据集。</div>" }
        let start = (query.page - 1) * query.size
        for i in shown[start..<min(shown.count, start + query.size)] { body += card(index.records[i]) }
        body += pager(page: query.page, pages: pages) { path + query.link(page: $0, fixed: scope.fixed) }
        body += "</section></div>"
        let title: String
        switch scope {
        case .all: title = "数据目录"
        case .department(let name), .topic(let name): title = name
        }
        return Layout.page(title: title, active: .catalog, body: body)
    }

    /// The order and page size, carried by the forms so a search keeps them.
    static func hidden(_ query: CatalogQuery) -> String {
        var s = ""
        if query.sort != .title { s += "<input type=\"hidden\" name=\"sort\" value=\"\(query.sort.rawValue)\">" }
        if query.size != CatalogQuery.defaultSize { s += "<input type=\"hidden\" name=\"size\" value=\"\(query.size)\">" }
        return s
    }

    /// 上一页, the first and last pages, two either side of this one, 下一页; `href` gives a
    /// page's link. Every link says which page it leads to (aria-label), and the current page
    /// is marked for screen readers (aria-current; a label on a plain span is not allowed).
    static func pager(page: Int, pages: Int, href: (Int) -> String) -> String {
        guard pages > 1 else { return "" }
        // The visible text stays part of the accessible name (WCAG 2.5.3, label in name).
        func link(_ p: Int, _ label: String?) -> String {
            "<a class=\"btn light\" href=\"\(HTML.escape(href(p)))\" aria-label=\"\(label.map { "\($0)（第 \(p) 页）" } ?? "第 \(p) 页")\">\(label ?? String(p))</a>"
        }
        var s = "<nav class=\"pager\" aria-label=\"分页\">"
        if page > 1 { s += link(page - 1, "上一页") }
        var last = 0
        for p in Set([1, pages] + Array(max(1, page - 2)...min(pages, page + 2))).sorted() {
            if p > last + 1 { s += "<span class=\"muted\">…</span>" }
            s += p == page ? "<span class=\"btn\" aria-current=\"page\">\(p)</span>" : link(p, nil)
            last = p
        }
        if page < pages { s += link(page + 1, "下一页") }
        return s + "</nav>"
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
        for v in values {
            s += "<option value=\"\(HTML.escape(v))\"\(v == selected ? " selected" : "")>\(HTML.escape(v))</option>"
        }
        return s + "</select>"
    }
}

import Foundation

/// `/departments` and `/topics`: every 提供方 or 数据领域 with how many datasets it has,
/// each linking to its own list page.
enum FacetPage {
    static func render(_ facets: [PortalIndex.Facet], title: String, scope: (String) -> ListPage.Scope) -> String {
        var body = "<div class=\"crumb\"><a href=\"/\">数据目录</a> › \(title)</div><div class=\"card\"><h1>\(title)</h1>"
        body += "<p class=\"count\">共 <b>\(facets.count)</b> 个</p>"
        if facets.isEmpty { body += "<div class=\"empty\">暂无。</div>" }
        body += "<ul class=\"facets\">"
        for f in facets {
            body += "<li><a href=\"\(scope(f.name).path)\">\(HTML.escape(f.name))</a> <span class=\"muted\">\(f.count) 个数据集</span></li>"
        }
        body += "</ul></div>"
        return Layout.page(title: title, active: .catalog, body: body)
    }
}

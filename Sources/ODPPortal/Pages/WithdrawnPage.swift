import Foundation
import ODPCore

/// The 410 page of a withdrawn dataset or version: what was withdrawn, when and why, in
/// Chinese, with the way back to the catalog.
enum WithdrawnPage {
    static func render(_ n: WithdrawnNotice) -> String {
        let what = n.version.map { "版本 \(HTML.escape($0))" } ?? "数据集"
        let body = """
        <section class="card"><h1>\(HTML.escape(n.title)) 的\(what)已撤回</h1>
        <p>该\(n.version == nil ? "数据集及其全部版本" : "版本")已于 \(HTML.time(n.time))（北京时间）撤回，不再提供浏览和下载（HTTP 410 Gone）。</p>
        <dl><dt>撤回编号</dt><dd>\(HTML.escape(n.number))</dd><dt>数据集</dt><dd>\(HTML.escape(n.dataset))</dd>
        <dt>撤回原因</dt><dd class="reason">\(HTML.escape(n.reason))</dd></dl>
        <p><a href="/">返回数据目录</a></p></section>
        """
        return Layout.page(title: "已撤回：\(n.title)", active: .catalog, body: body)
    }
}

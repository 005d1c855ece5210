import Foundation
import ODPCore

/// The open-data list as one self-contained Chinese HTML page: a table with filters by
/// 数据领域, 提供方, 开放属性 and 更新周期. The filter script is its own file, `open-list.js`
/// beside the page: the portal's Content-Security-Policy (`script-src 'self'`) runs no
/// inline script, and neither would a published copy behind a strict CSP.
enum OpenListHTML {
    static func escape(_ text: String) -> String { escapeHTML(text) }

    static let filters: [(key: String, title: String)] = [("domain", "数据领域"), ("provider", "提供方"), ("open", "开放属性"), ("cycle", "更新周期")]

    static func page(_ entries: [CatalogEntry], generated: String, publisher: String) -> Data {
        func values(_ key: String) -> [String] {
            Array(Set(entries.map { attribute($0, key) })).sorted()
        }
        var h = """
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>数据资源开放清单</title>
        <style>
        body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:1.5rem;color:#222}
        table{border-collapse:collapse;width:100%;font-size:.9rem}
        th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top;white-space:nowrap}
        td:nth-child(2),td:nth-child(5),td:nth-child(14){white-space:normal;min-width:12em}
        td:nth-child(14){min-width:24em}
        th{background:#f2f4f7}
        .filters label{margin-right:1rem}
        .count{color:#555}
        </style>
        </head>
        <body>
        <h1>数据资源开放清单</h1>

        """
        h += "<p>发布单位：\(escape(publisher))　生成时间：\(escape(BeijingTime.text(generated)))　<span class=\"count\" id=\"count\">共 \(entries.count) 项</span>"
            + (DatasetTimeliness.rateText(entries.compactMap(\.timeliness)).map { "　\(escape($0))" } ?? "") + "</p>\n"
        for key in Set(entries.compactMap(\.signature)).sorted(by: { $0.publicKey < $1.publicKey }) {
            h += "<p>发布包签名：Ed25519 公钥 <code>\(key.publicKey)</code>（SHA-256 指纹 <code>\(key.fingerprint)</code>）。"
                + "下载发布包后，可将公钥存为 signing.pub，运行 <code>odp verify 发布包 --public-key signing.pub</code> 核验。</p>\n"
        }
        h += "<form class=\"filters\" id=\"filters\">\n"
        for f in filters {
            h += "<label>\(f.title) <select data-filter=\"\(f.key)\"><option value=\"\">全部</option>"
            for v in values(f.key) { h += "<option value=\"\(escape(v))\">\(escape(v))</option>" }
            h += "</select></label>\n"
        }
        h += "</form>\n<table>\n<thead><tr>"
        for title in ["序号", "资源名称", "资源代码", "提供方", "资源摘要", "数据领域", "开放属性", "开放条件", "更新周期", "数据格式", "发布日期", "最近更新", "数据量", "信息项", "许可协议", "版本", "下载"] + (entries.contains { $0.usage != nil } ? OpenList.usageHeaders : []) {
            h += "<th>\(title)</th>"
        }
        h += "</tr></thead>\n<tbody>\n"
        for (i, e) in entries.enumerated() {
            let c = e.catalog
            h += "<tr"
            for f in filters { h += " data-\(f.key)=\"\(escape(attribute(e, f.key)))\"" }
            h += ">"
            let cells = [String(i + 1), c.title, c.code, c.provider, c.summary, c.domain, c.openType.rawValue, c.openCondition ?? "",
                         c.updateCycle.rawValue, e.files.map(\.format).joined(separator: "、"), BeijingTime.day(e.firstPublished),
                         BeijingTime.day(e.release.created) + (e.timeliness?.overdue == true ? "（逾期）" : ""), "\(e.release.rowCount) 条", OpenList.fieldList(e), c.license, e.release.version]
            for cell in cells { h += "<td>\(escape(cell))</td>" }
            h += "<td>" + e.files.map { "<a href=\"\(escape($0.url))\">\(escape($0.format))</a>" }.joined(separator: " ") + "</td>"
            for cell in OpenList.usageCells(e) { h += "<td>\(cell)</td>" }
            h += "</tr>\n"
        }
        h += """
        </tbody>
        </table>
        <script src="open-list.js"></script>
        </body>
        </html>

        """
        return Data(h.utf8)
    }

    /// `open-list.js`: shows the rows matching every chosen filter and counts them.
    static let script = Data("""
        (function () {
          var selects = document.querySelectorAll('#filters select');
          function apply() {
            var shown = 0;
            document.querySelectorAll('tbody tr').forEach(function (row) {
              var ok = true;
              selects.forEach(function (s) { if (s.value && row.getAttribute('data-' + s.dataset.filter) !== s.value) ok = false; });
              row.hidden = !ok;
              if (ok) shown++;
            });
            document.getElementById('count').textContent = '共 ' + shown + ' 项';
          }
          selects.forEach(function (s) { s.addEventListener('change', apply); });
          // Marks the form as live: a page whose script the CSP blocked shows no mark.
          document.getElementById('filters').setAttribute('data-ready', 'true');
        })();

        """.utf8)

    static func attribute(_ e: CatalogEntry, _ key: String) -> String {
        switch key {
        case "domain": return e.catalog.domain
        case "provider": return e.catalog.provider
        case "open": return e.catalog.openType.rawValue
        default: return e.catalog.updateCycle.rawValue
        }
    }
}

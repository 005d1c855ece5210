import Foundation
import ODPCore

/// Atom feeds (RFC 4287) a researcher can follow: new versions, with what changed, and
/// correction notices (勘误). Entry ids are the versions' `DatasetURI` identifiers, so a feed
/// reader recognises an entry it has seen; links are relative to the portal.
enum AtomFeed {
    struct Entry {
        var id: String
        var title: String
        /// ISO 8601 UTC.
        var updated: String
        var link: String
        var summary: String
        /// The providing department.
        var author: String
    }

    static let siteAuthor = "公共数据开放平台"

    /// The newest entries first, at most `limit`; `updated` of the feed is its newest entry's,
    /// so the same catalog gives the same bytes.
    static func render(title: String, id: String, selfLink: String, alternate: String, author: String = siteAuthor,
                       entries: [Entry], limit: Int = 200) -> String {
        let newest = entries.sorted { ($0.updated, $0.id) > ($1.updated, $1.id) }.prefix(limit)
        var s = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n"
        s += "  <title>\(xml(title))</title>\n  <id>\(xml(id))</id>\n"
        s += "  <updated>\(newest.first?.updated ?? "1970-01-01T00:00:00Z")</updated>\n"
        s += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"\(xml(selfLink))\"/>\n"
        s += "  <link rel=\"alternate\" type=\"text/html\" href=\"\(xml(alternate))\"/>\n"
        s += "  <author><name>\(xml(author))</name></author>\n"
        for e in newest {
            s += "  <entry>\n    <title>\(xml(e.title))</title>\n    <id>\(xml(e.id))</id>\n    <updated>\(xml(e.updated))</updated>\n"
            s += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(xml(e.link))\"/>\n    <summary>\(xml(e.summary))</summary>\n"
            s += "    <author><name>\(xml(e.author))</name></author>\n  </entry>\n"
        }
        return s + "</feed>\n"
    }

    /// Text for XML content and attributes: the HTML escapes, and no control character XML 1.0
    /// forbids (a title with one would otherwise make the whole feed unreadable).
    static func xml(_ text: String) -> String {
        escapeHTML(String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" })))
    }

    static func version(_ record: DatasetRecord, _ v: VersionRecord) -> Entry {
        let code = record.code ?? record.id
        return Entry(id: DatasetURI.version(code: code, version: v.version, baseURL: nil),
                     title: "\(record.title) 发布版本 \(v.version)",
                     updated: v.created ?? "1970-01-01T00:00:00Z",
                     link: "/datasets/\(HTML.urlComponent(record.id))?version=\(HTML.urlComponent(v.version))",
                     summary: "\(v.changeSummary)；共 \(v.rowCount.map(String.init) ?? "—") 行。", author: record.provider ?? siteAuthor)
    }

    static func erratum(_ record: DatasetRecord, _ e: Erratum) -> Entry {
        Entry(id: "urn:odp:erratum:\(e.number)", title: "勘误 \(e.number)：\(record.title) 版本 \(e.version)",
              updated: e.recorded, link: "/datasets/\(HTML.urlComponent(record.id))?version=\(HTML.urlComponent(e.version))",
              summary: e.text + (e.fixedIn.map { "（已在版本 \($0) 更正）" } ?? "（尚未更正）"), author: record.provider ?? siteAuthor)
    }
}

import Foundation

/// Atom feeds (RFC 4287) a researcher can follow: new versions, with what changed,
/// correction notices (勘误) and withdrawals (撤回). The portal serves them (`/feed.atom`, `/datasets/<id>/feed.atom`)
/// and the catalog step writes the same documents as files (`catalog/feed.atom`,
/// `catalog/feeds/<id>.atom`), so both are built here.
///
/// Entry ids are the versions' `DatasetURI` identifiers (URN form, whatever the base URL),
/// so a feed reader recognises an entry it has seen from either copy. Links start with
/// `linkBase`: "" on the portal (root-relative), `public_base_url` in the files.
public enum AtomFeed {
    public struct Entry: Sendable, Equatable {
        public var id: String
        public var title: String
        /// ISO 8601 UTC.
        public var updated: String
        public var link: String
        public var summary: String
        /// The providing department.
        public var author: String

        public init(id: String, title: String, updated: String, link: String, summary: String, author: String) {
            self.id = id
            self.title = title
            self.updated = updated
            self.link = link
            self.summary = summary
            self.author = author
        }
    }

    /// What a feed says about a dataset.
    public struct Dataset: Sendable {
        public var id: String
        /// The 资源代码; the id when a dataset has none.
        public var code: String
        public var title: String
        public var provider: String?

        public init(id: String, code: String?, title: String, provider: String?) {
            self.id = id
            self.code = code ?? id
            self.title = title
            self.provider = provider
        }

        /// A dataset the catalog no longer lists (withdrawn as a whole), named as its newest
        /// tombstone kept it; by its id when there is none.
        public init(unlisted id: String, tombstone: WithdrawnVersion?) {
            self.init(id: id, code: tombstone?.code, title: tombstone?.title ?? id, provider: nil)
        }
    }

    public static let siteAuthor = "公共数据开放平台"
    public static let limit = 200

    /// The site-wide feed: at most `limit` entries, newest first.
    public static func site(entries: [Entry], linkBase: String = "") -> String {
        let base = DatasetURI.normalized(linkBase) ?? ""
        return render(title: "新版本、勘误与撤回", id: "urn:odp:feed", selfLink: base + "/feed.atom", alternate: base + "/", entries: entries)
    }

    /// One dataset's feed.
    public static func dataset(_ d: Dataset, entries: [Entry], linkBase: String = "") -> String {
        let page = datasetPage(d, linkBase)
        return render(title: "\(d.title)：新版本、勘误与撤回", id: DatasetURI.series(code: d.code, baseURL: nil), selfLink: page + "/feed.atom",
                      alternate: page, author: d.provider ?? siteAuthor, entries: entries)
    }

    /// The newest entries first, at most `limit`; `updated` of the feed is its newest entry's,
    /// so the same catalog gives the same bytes.
    static func render(title: String, id: String, selfLink: String, alternate: String, author: String = siteAuthor, entries: [Entry]) -> String {
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
    public static func xml(_ text: String) -> String {
        escapeHTML(String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" })))
    }

    /// A published version, with what changed (`ChangeSummary.text`).
    public static func version(_ d: Dataset, version: String, created: String?, changeSummary: String, rowCount: Int?, linkBase: String = "") -> Entry {
        Entry(id: DatasetURI.version(code: d.code, version: version, baseURL: nil),
              title: "\(d.title) 发布版本 \(version)",
              updated: created ?? "1970-01-01T00:00:00Z",
              link: versionLink(d, version, linkBase),
              summary: "\(changeSummary)；共 \(rowCount.map(String.init) ?? "—") 行。", author: d.provider ?? siteAuthor)
    }

    public static func erratum(_ d: Dataset, _ e: Erratum, linkBase: String = "") -> Entry {
        Entry(id: "urn:odp:erratum:\(e.number)", title: "勘误 \(e.number)：\(d.title) 版本 \(e.version)",
              updated: e.recorded, link: versionLink(d, e.version, linkBase),
              summary: e.text + (e.fixedIn.map { "（已在版本 \($0) 更正）" } ?? "（尚未更正）"), author: d.provider ?? siteAuthor)
    }

    /// A withdrawal, under the dataset's title as the catalog had it. Who withdrew it is not
    /// published.
    public static func withdrawal(_ d: Dataset, _ w: Withdrawal, linkBase: String = "") -> Entry {
        let what = w.version.map { "版本 \($0)" } ?? "整个数据集"
        let link = w.version.map { versionLink(d, $0, linkBase) } ?? datasetPage(d, linkBase)
        return Entry(id: "urn:odp:withdrawal:\(w.number)", title: "撤回 \(w.number)：\(d.title) \(what)", updated: w.recorded, link: link,
                     summary: "撤回原因：\(w.reason)" + (w.restored.map { "（数据集已于 \(BeijingTime.text($0)) 恢复更新）" } ?? ""),
                     author: d.provider ?? siteAuthor)
    }

    static func datasetPage(_ d: Dataset, _ linkBase: String) -> String {
        (DatasetURI.normalized(linkBase) ?? "") + "/datasets/\(percentEncodedComponent(d.id))"
    }

    static func versionLink(_ d: Dataset, _ version: String, _ linkBase: String) -> String {
        datasetPage(d, linkBase) + "?version=\(percentEncodedComponent(version))"
    }
}

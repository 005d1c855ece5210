import Foundation
import Hummingbird

/// The open-data list's search, filters, order and page, from query parameters so the page
/// works without JavaScript: `q` (text), `domain` (数据领域), `provider` (提供方), `open`
/// (开放属性), `cycle` (更新周期), `sort` (`title`, `updated`, `provider`), `page` (from 1)
/// and `size` (10, 20, 50 or 100).
///
/// A value the list cannot mean (a page that is not a positive number, an unknown order, a
/// text longer than `maxText` characters) is a 400, not a guess.
struct CatalogQuery: Sendable {
    static let sizes = [10, 20, 50, 100]
    static let defaultSize = 20
    static let maxText = 200
    static let maxPage = 1_000_000

    var q = ""
    var domain = ""
    var provider = ""
    var open = ""
    var cycle = ""
    var sort = PortalIndex.Sort.title
    var page = 1
    var size = CatalogQuery.defaultSize

    init() {}

    init(query: [String: String]) throws {
        func text(_ key: String) throws -> String {
            let value = query[key]?.trimmingCharacters(in: .whitespaces) ?? ""
            guard value.count <= Self.maxText else { throw HTTPError(.badRequest) }
            return value
        }
        q = try text("q")
        domain = try text("domain")
        provider = try text("provider")
        open = try text("open")
        cycle = try text("cycle")
        if let s = query["sort"], !s.isEmpty {
            guard let sort = PortalIndex.Sort(rawValue: s) else { throw HTTPError(.badRequest) }
            self.sort = sort
        }
        if let p = query["page"], !p.isEmpty {
            guard let n = Self.pageNumber(p) else { throw HTTPError(.badRequest) }
            page = n
        }
        if let s = query["size"], !s.isEmpty {
            guard let n = Int(s), Self.sizes.contains(n) else { throw HTTPError(.badRequest) }
            size = n
        }
    }

    /// A `page` value as a number from 1 to `maxPage`; nil for anything else (a sign, a
    /// fraction, more digits than a page count can have).
    static func pageNumber(_ p: String) -> Int? {
        guard p.utf8.count <= 7, p.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(p), n >= 1, n <= maxPage else { return nil }
        return n
    }

    /// The query string of this query with another page (and order), default values left out.
    func link(page: Int, sort: PortalIndex.Sort? = nil, fixed: Set<String> = []) -> String {
        var pairs: [(String, String)] = [("q", q), ("domain", domain), ("provider", provider), ("open", open), ("cycle", cycle)]
        pairs.removeAll { fixed.contains($0.0) || $0.1.isEmpty }
        let order = sort ?? self.sort
        if order != .title { pairs.append(("sort", order.rawValue)) }
        if size != Self.defaultSize { pairs.append(("size", String(size))) }
        if page != 1 { pairs.append(("page", String(page))) }
        return pairs.isEmpty ? "" : "?" + pairs.map { "\($0.0)=\(HTML.urlComponent($0.1))" }.joined(separator: "&")
    }

    /// Parses a raw query string (`a=1&b=%E4%B8%AD`, `+` as space).
    static func parameters(_ query: String?) -> [String: String] {
        var out: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            let value = kv.count > 1 ? (String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            if !key.isEmpty, out[key] == nil { out[key] = value }
        }
        return out
    }
}

import Foundation

/// The open-data list's search and filters, from query parameters so the page works
/// without JavaScript: `q` (text), `domain` (数据领域), `provider` (提供方), `open` (开放属性),
/// `cycle` (更新周期).
struct CatalogQuery: Sendable {
    var q = ""
    var domain = ""
    var provider = ""
    var open = ""
    var cycle = ""

    init(query: [String: String]) {
        q = query["q"]?.trimmingCharacters(in: .whitespaces) ?? ""
        domain = query["domain"] ?? ""
        provider = query["provider"] ?? ""
        open = query["open"] ?? ""
        cycle = query["cycle"] ?? ""
    }

    func apply(_ records: [DatasetRecord]) -> [DatasetRecord] {
        records.filter { r in
            r.matches(search: q)
                && (domain.isEmpty || r.domain == domain)
                && (provider.isEmpty || r.provider == provider)
                && (open.isEmpty || r.openType == open)
                && (cycle.isEmpty || r.updateCycle == cycle)
        }
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

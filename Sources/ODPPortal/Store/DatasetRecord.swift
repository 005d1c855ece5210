import Foundation

/// The catalog metadata of one dataset as the portal shows it, merged from the open-data
/// list (catalog/open-list.json) and the newest published release's datapackage.json.
/// Every field may be missing on disk; pages show "—" for nil.
struct DatasetRecord: Sendable {
    var id: String
    var title: String
    var code: String?
    var provider: String?
    var providerCode: String?
    var summary: String?
    var domain: String?
    var openType: String?
    var openCondition: String?
    var updateCycle: String?
    var keywords: [String] = []
    var license: String?
    var licenseURL: String?
    var contact: String?
    var temporal: String?
    var firstPublished: String?
    var latestVersion: String?
    var updated: String?
    var rowCount: Int?
    var formats: [String] = []

    /// Case-insensitive match of every whitespace-separated term against title, summary,
    /// keywords and provider.
    func matches(search: String) -> Bool {
        let terms = search.lowercased().split(whereSeparator: { $0 == " " || $0 == "\u{3000}" })
        guard !terms.isEmpty else { return true }
        let haystack = ([title, summary ?? "", provider ?? "", code ?? "", id] + keywords).joined(separator: "\n").lowercased()
        return terms.allSatisfy { haystack.contains($0) }
    }

    var json: [String: Any] {
        var o: [String: Any] = ["id": id, "title": title, "keywords": keywords, "formats": formats]
        let optional: [(String, Any?)] = [
            ("code", code), ("provider", provider), ("provider_code", providerCode), ("summary", summary),
            ("domain", domain), ("open_type", openType), ("open_condition", openCondition),
            ("update_cycle", updateCycle), ("license", license), ("license_url", licenseURL), ("contact", contact),
            ("temporal", temporal), ("first_published", firstPublished), ("latest_version", latestVersion), ("updated", updated), ("row_count", rowCount),
        ]
        for (k, v) in optional { o[k] = v ?? NSNull() }
        return o
    }
}

extension DatasetRecord {
    /// Reads an open-list entry; keys follow the catalog's snake_case names, with the
    /// Chinese 目录 names accepted as well.
    mutating func merge(openList e: JSONValue) {
        func s(_ keys: String...) -> String? {
            for k in keys { if let v = e[k].string, !v.isEmpty { return v } }
            return nil
        }
        title = s("title", "资源名称", "name") ?? title
        code = s("code", "resource_code", "资源代码") ?? code
        provider = s("provider", "提供方", "publisher") ?? provider
        providerCode = s("provider_code", "提供方代码") ?? providerCode
        summary = s("summary", "description", "资源摘要") ?? summary
        domain = s("domain", "数据领域", "theme") ?? domain
        openType = s("open_type", "开放属性") ?? openType
        openCondition = s("open_condition", "开放条件") ?? openCondition
        updateCycle = s("update_cycle", "更新周期", "frequency") ?? updateCycle
        let kw = e.first("keywords", "关键字").strings
        if !kw.isEmpty { keywords = kw }
        license = s("license", "licence", "许可") ?? license
        licenseURL = s("license_url") ?? licenseURL
        if let c = s("contact", "contact_name", "联系方式") {
            contact = [c, s("contact_email"), s("contact_phone")].compactMap { $0 }.joined(separator: " ")
        }
        if let start = s("temporal_start"), let end = s("temporal_end") { temporal = "\(start) 至 \(end)" }
        updated = s("updated", "last_updated", "最近更新", "modified") ?? updated
        firstPublished = s("first_published", "发布日期", "issued") ?? firstPublished
        rowCount = e.first("row_count", "rows", "数据量").int ?? rowCount
        let f = e.first("formats", "数据格式").strings
        if !f.isEmpty { formats = f.map { $0.uppercased() } }
    }

    /// Fills what the open list lacks from datapackage.json (Frictionless v2).
    mutating func merge(dataPackage p: JSONValue) {
        if title == id, let t = p["title"].string { title = t }
        if code == nil { code = p["id"].string }
        if summary == nil { summary = p["description"].string }
        if keywords.isEmpty { keywords = p["keywords"].strings }
        if provider == nil { provider = p["contributors"].array.first?["title"].string ?? p["sources"].array.first?["title"].string }
        let lic = p["licenses"].array.first
        if license == nil { license = lic?["name"].string }
        if licenseURL == nil { licenseURL = lic?["path"].string }
        if contact == nil {
            let people = p["contributors"].array
            let person = people.first { $0["roles"].strings.contains("contact") } ?? people.first
            let parts = [person?["roles"].strings.contains("contact") == true ? person?["title"].string : nil,
                         person?["phone"].string, person?["email"].string].compactMap { $0 }
            contact = parts.isEmpty ? nil : parts.joined(separator: " ")
        }
        if formats.isEmpty {
            formats = p["resources"].array.compactMap { $0["format"].string?.uppercased() }
        }
    }
}

import Foundation
import ODPCore

/// One field of the data dictionary: datapackage.json's schema joined with the privacy
/// report's class and desensitization for that field.
struct FieldInfo: Sendable {
    var name: String
    var title: String?
    var type: String?
    var description: String?
    var privacyClass: String?
    var operation: String?
    var note: String?
    var published = true

    var classTitle: String {
        switch privacyClass {
        case "direct": return "直接标识符"
        case "quasi": return "准标识符"
        case "sensitive": return "敏感属性"
        case "public": return "一般字段"
        case let other?: return other
        case nil: return "—"
        }
    }

    /// How the field was desensitized, in Chinese.
    var treatment: String {
        if !published { return "不发布（已删除）" }
        if let note, !note.isEmpty { return note }
        if let operation { return operation }
        return privacyClass == nil ? "—" : "未变换"
    }

    var json: [String: Any] {
        ["name": name, "title": title ?? NSNull(), "type": type ?? NSNull(), "description": description ?? NSNull(),
         "class": privacyClass ?? NSNull(), "operator": operation ?? NSNull(), "note": note ?? NSNull(),
         "published": published, "treatment": treatment]
    }
}

/// A downloadable file of a release.
struct DownloadFile: Sendable {
    var label: String
    /// The name under `/datasets/{id}/{version}/`.
    var name: String
    var bytes: Int?
    var sha256: String?
}

/// Everything the dataset page and the terminal preview show about one version.
struct ReleaseDetail: Sendable {
    var id: String
    var version: VersionRecord
    var dataPackage: JSONValue
    var quality: JSONValue
    var privacy: JSONValue
    var fields: [FieldInfo]
    var downloads: [DownloadFile]

    init(store: PortalStore, id: String, version: VersionRecord) {
        self.id = id
        self.version = version
        let dir = store.releaseDirectory(id, version.version)
        dataPackage = JSONValue.load(dir.appendingPathComponent("datapackage.json")) ?? JSONValue(nil)
        quality = JSONValue.load(dir.appendingPathComponent("quality-report.json")) ?? JSONValue(nil)
        privacy = JSONValue.load(dir.appendingPathComponent("privacy-report.json")) ?? JSONValue(nil)
        fields = Self.fields(dataPackage: dataPackage, privacy: privacy)
        downloads = Self.downloads(store: store, id: id, version: version.version)
    }

    static func fields(dataPackage: JSONValue, privacy: JSONValue) -> [FieldInfo] {
        let schemaFields = dataPackage["resources"].array.first?["schema"]["fields"].array ?? []
        var byName: [String: JSONValue] = [:]
        for f in privacy["fields"].array { if let n = f["name"].string { byName[n] = f } }
        var out: [FieldInfo] = schemaFields.compactMap { f in
            guard let name = f["name"].string else { return nil }
            let p = byName[name] ?? JSONValue(nil)
            return FieldInfo(name: name, title: f["title"].string ?? p["title"].string, type: f["type"].string ?? p["output_type"].string,
                             description: f["description"].string, privacyClass: p["class"].string,
                             operation: p["operator"].string, note: p["note"].string)
        }
        // Fields the privacy report lists but the release dropped.
        let listed = Set(out.map(\.name))
        for f in privacy["fields"].array {
            guard let name = f["name"].string, !listed.contains(name), f["published"].bool == false else { continue }
            out.append(FieldInfo(name: name, title: f["title"].string, type: nil, description: nil, privacyClass: f["class"].string,
                                 operation: f["operator"].string, note: f["note"].string, published: false))
        }
        return out
    }

    static func downloads(store: PortalStore, id: String, version: String) -> [DownloadFile] {
        let dir = store.releaseDirectory(id, version)
        let sums = store.checksums(id, version)
        func size(_ url: URL) -> Int? {
            (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size].flatMap { ($0 as? NSNumber)?.intValue }
        }
        var out: [DownloadFile] = []
        let candidates: [(String, String)] = [
            ("CSV 数据", "data/\(id).csv"), ("JSON 数据", "data/\(id).json"), ("数据包描述 datapackage.json", "datapackage.json"),
            ("数据说明 README.md", "README.md"), ("质量报告（HTML）", "quality-report.html"), ("质量报告（JSON）", "quality-report.json"),
            ("隐私报告（JSON）", "privacy-report.json"), ("校验文件 SHA256SUMS", "SHA256SUMS"),
            // Only a signed release has it; the key to check it with is in release.json and the open list.
            ("发布方签名 SHA256SUMS.sig", "SHA256SUMS.sig"),
        ]
        for (label, name) in candidates {
            let url = dir.appendingPathComponent(name)
            guard let bytes = size(url) else { continue }
            out.append(DownloadFile(label: label, name: name, bytes: bytes, sha256: sums[name]))
        }
        let zip = store.packageZip(id, version)
        if let bytes = size(zip) {
            // Right after the data files, however many formats the release carries.
            let afterData = out.prefix { $0.name.hasPrefix("data/") }.count
            out.insert(DownloadFile(label: "完整数据包 ZIP", name: "\(id)-\(version).zip", bytes: bytes, sha256: nil), at: afterData)
        }
        return out
    }

    func sample(store: PortalStore, rows: Int) -> CSVSample? {
        CSVSample.read(store.releaseDirectory(id, version.version).appendingPathComponent("data/\(id).csv"), rows: rows)
    }

    /// The quality report's row and problem counts; reports written before `rows_read` existed
    /// had no unreadable rows in their counts, so rows checked were the rows read.
    var counts: RowCounts? {
        guard let read = quality["rows_read"].int ?? quality["rows_checked"].int, let rejected = quality["rejected_rows"].int else { return nil }
        return RowCounts(read: read, unreadable: quality["rows_unreadable"].int ?? 0, rejected: rejected,
                         problemEntries: quality["problems"]["count"].int ?? 0)
    }

    /// Rules that found problems (failed > 0), worst first.
    var failingRules: [JSONValue] {
        quality["rules"].array.filter { ($0["failed"].int ?? 0) > 0 }.sorted { ($0["failed"].int ?? 0) > ($1["failed"].int ?? 0) }
    }

    /// Identifier hits still in the released values.
    var identifierHitsAfter: [JSONValue] { privacy["identifier_hits"]["after"].array }
}

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

    var json: ArtifactJSON {
        ["name": .string(name), "title": ArtifactJSON(title), "type": ArtifactJSON(type), "description": ArtifactJSON(description),
         "class": ArtifactJSON(privacyClass), "operator": ArtifactJSON(operation), "note": ArtifactJSON(note),
         "published": .bool(published), "treatment": .string(treatment)]
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
    /// Each nil when the release has no such file or it cannot be read.
    var dataPackage: DataPackageDescriptor?
    var quality: QualityReport?
    var privacy: PrivacyReport?
    var fields: [FieldInfo]
    var downloads: [DownloadFile]

    init(store: PortalStore, id: String, version: VersionRecord) {
        self.id = id
        self.version = version
        let dir = store.releaseDirectory(id, version.version)
        dataPackage = store.dataPackage(id, version.version)
        quality = (try? QualityReport.read(release: dir)) ?? nil
        privacy = (try? PrivacyReport.read(release: dir)) ?? nil
        fields = Self.fields(dataPackage: dataPackage, privacy: privacy)
        downloads = Self.downloads(store: store, id: id, version: version.version)
    }

    static func fields(dataPackage: DataPackageDescriptor?, privacy: PrivacyReport?) -> [FieldInfo] {
        let byName = Dictionary((privacy?.fields ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var out: [FieldInfo] = (dataPackage?.fields ?? []).map { f in
            let p = byName[f.name]
            return FieldInfo(name: f.name, title: f.title, type: f.type, description: f.description, privacyClass: p?.privacyClass,
                             operation: p?.operator, note: p?.note)
        }
        // Fields the privacy report lists but the release dropped.
        let listed = Set(out.map(\.name))
        for f in privacy?.fields ?? [] where !listed.contains(f.name) && !f.isPublished {
            out.append(FieldInfo(name: f.name, title: f.title, type: nil, description: nil, privacyClass: f.privacyClass,
                                 operation: f.operator, note: f.note, published: false))
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
            ("CSV 数据", "data/\(id).csv"), ("JSON 数据", "data/\(id).json"), ("SQLite 数据库", "data/\(id).sqlite"), ("数据包描述 datapackage.json", "datapackage.json"),
            ("数据说明 README.md", "README.md"), ("质量报告（HTML）", "quality-report.html"), ("质量报告（JSON）", "quality-report.json"),
            ("隐私报告（JSON）", "privacy-report.json"), ("校验文件 SHA256SUMS", "SHA256SUMS"),
            // Only a signed release has it; the key to check it with is in release.json and the open list.
            ("发布方签名 SHA256SUMS.sig", "SHA256SUMS.sig"),
        ]
        for (label, name) in candidates {
            let url = dir.appendingPathComponent(name)
            guard let bytes = size(url) else { continue }
            out.append(DownloadFile(label: label, name: name, bytes: bytes, sha256: sums?[name]))
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

    /// The quality report's row and problem counts.
    var counts: RowCounts? {
        quality.map { RowCounts(read: $0.rowsRead, unreadable: $0.rowsUnreadable, rejected: $0.rejectedRows, problemEntries: $0.problems.count) }
    }

    /// Rules that found problems (failed > 0), worst first.
    var failingRules: [QualityReport.Rule] {
        (quality?.rules ?? []).filter { $0.failed > 0 }.sorted { $0.failed > $1.failed }
    }

    /// Identifier hits still in the released values.
    var identifierHitsAfter: [PrivacyReport.IdentifierHit] { privacy?.identifierHits.after ?? [] }

    /// What the JSON answers (API, `odp preview --json`) say of quality: the report's own keys.
    var qualitySummary: ArtifactJSON {
        guard let quality, let tree = try? ArtifactJSON(encoding: quality) else { return [:] }
        var out: ArtifactJSON = [:]
        for key in ["overall_score", "gate", "rows_read", "rows_unreadable", "rows_checked", "rejected_rows", "dimensions"] {
            out[key] = tree[key] ?? .null
        }
        out["problems"] = tree["problems"]?["count"] ?? .null
        out["failing_rules"] = (try? ArtifactJSON(encoding: failingRules)) ?? .array([])
        return out
    }

    /// The same for privacy: k-anonymity, identifiers left in released values, hold reasons.
    var privacySummary: ArtifactJSON {
        guard let privacy else { return [:] }
        let k = privacy.kAnonymity
        return ["k_target": ArtifactJSON(k.kTarget), "k_achieved": ArtifactJSON(k.kAchieved),
                "quasi_identifiers": ArtifactJSON(k.quasiIdentifiers), "records_suppressed": ArtifactJSON(k.recordsSuppressed),
                "identifier_hits_after": (try? ArtifactJSON(encoding: identifierHitsAfter)) ?? .array([]),
                "hold_reasons": ArtifactJSON(privacy.holdReasons)]
    }
}

import Foundation
import ODPCore
import Testing

/// Writes a small output tree in a temp folder through the artifact types ODPRelease, ODPCheck
/// and ODPDesensitize write with (release.json, latest.json, datapackage.json,
/// quality-report.json, privacy-report.json, SHA256SUMS, catalog/open-list.json), plus
/// packages/*.zip.
struct PortalFixture {
    let root: URL

    static let hostileTitle = "<script>alert(1)</script>"
    static let hostileCell = "\"><img onerror=alert(2) src=x>"

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("odp-portal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let airCSV = "station_code,station_name,pm25,aqi,reported_on\r\n110101,东城东四,35.2,48,2026-11-22\r\n110102,西城官园,41.0,57,2026-11-22\r\n110105,朝阳奥体中心,\"28,5\",39,2026-11-22\r\n"
        try release(id: "air-quality", version: "2026.11.20.1", status: "released", title: "空气质量日报",
                    csv: "station_code,station_name,pm25,aqi,reported_on\r\n110101,东城东四,30.1,40,2026-11-19\r\n", previous: nil)
        try release(id: "air-quality", version: "2026.11.23.1", status: "released", title: "空气质量日报", csv: airCSV, previous: "2026.11.20.1")
        try latest("air-quality", "2026.11.23.1")
        try write("packages/air-quality-2026.11.23.1.zip", Data("PK\u{3}\u{4}fake zip for tests".utf8))

        try release(id: "hostile", version: "2026.11.23.1", status: "released", title: Self.hostileTitle,
                    csv: "name,comment\r\n\(Self.hostileTitle),\"\(Self.hostileCell.replacingOccurrences(of: "\"", with: "\"\""))\"\r\n", previous: nil)
        try latest("hostile", "2026.11.23.1")

        try release(id: "bus-stops", version: "2026.11.23.1", status: "awaiting_approval", title: "公交站点",
                    csv: "stop_id,stop_name\r\n1,人民广场\r\n", previous: nil)
        try release(id: "held-data", version: "2026.11.23.1", status: "held", title: "暂缓数据",
                    csv: "a\r\n1\r\n", previous: nil)

        func entry(_ index: Int, _ id: String, title: String, code: String = "", provider: String, providerCode: String = "",
                   summary: String = "", domain: String, openType: String, openCondition: String? = nil, cycle: String,
                   keywords: [String] = [], license: String = "", formats: [String] = [], firstPublished: String = "") -> OpenListDocument.Entry {
            OpenListDocument.Entry(index: index, datasetId: id, title: title, code: code, provider: provider, providerCode: providerCode,
                                   summary: summary, domain: domain, openType: openType, openCondition: openCondition, updateCycle: cycle,
                                   formats: formats, firstPublished: firstPublished, lastUpdated: "", rowCount: 0, fields: [],
                                   keywords: keywords, license: license, version: "", downloadURL: "", distributions: [], signature: nil)
        }
        let list = OpenListDocument(generatedAt: "2026-11-23T08:00:00Z", publisher: "测试", datasets: [
            entry(1, "air-quality", title: "空气质量日报", code: "11000000-AQ-001", provider: "市生态环境局", providerCode: "11110000000000001X",
                  summary: "全市国控站点每日空气质量监测数据（PM2.5、AQI）。", domain: "生态环境", openType: "无条件开放", cycle: "每日",
                  keywords: ["空气质量", "PM2.5"], license: "CC-BY-4.0", formats: ["CSV", "JSON"], firstPublished: "2026-11-20T08:00:00Z"),
            entry(2, "hostile", title: Self.hostileTitle, provider: "\"><img onerror=alert(3) src=x>", summary: "<b>bold</b> & 'quotes'",
                  domain: "测试<i>", openType: "有条件开放", openCondition: "须签订协议", cycle: "不定期", keywords: ["<svg/onload=alert(4)>"]),
            entry(3, "bus-stops", title: "公交站点", provider: "市交通委", domain: "交通出行", openType: "无条件开放", cycle: "每月"),
        ])
        try write("catalog/open-list.json", try ArtifactCodec.encode(list))
        try write("catalog/dcat.jsonld", Data(#"{"@context":"http://www.w3.org/ns/dcat#","@type":"Catalog","dataset":[]}"#.utf8))
        try write("state/approvals.json", Data("{}".utf8))
        try write("state/secret.txt", Data("top secret".utf8))
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func write(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func latest(_ id: String, _ version: String) throws {
        try write("releases/\(id)/latest.json", try ArtifactCodec.encode(LatestPointer(datasetId: id, version: version, contentHash: "hash-\(version)")))
    }

    /// - Parameter json: false lays the release out as `release: {formats: [csv]}` does (no JSON file or resource).
    func release(id: String, version: String, status: String, title: String, csv: String, previous: String?, json: Bool = true) throws {
        let dir = "releases/\(id)/\(version)/"
        var files: [String: Data] = [:]
        let header = csv.split(separator: "\r\n").first.map { $0.split(separator: ",").map(String.init) } ?? []
        files["data/\(id).csv"] = Data(csv.utf8)
        if json { files["data/\(id).json"] = Data("[]\n".utf8) }
        let fields = header.map { name in
            DataPackageDescriptor.Field(name: name, title: name == "station_name" ? "站点名称" : name, type: "string", format: nil,
                                        description: "说明 \(name)", constraints: nil)
        }
        let schema = DataPackageDescriptor.TableSchema(fields: fields, primaryKey: nil)
        let csvResource = DataPackageDescriptor.Resource(name: id, path: "data/\(id).csv", format: "csv", mediatype: "text/csv",
                                                         title: "\(title)（CSV）", schema: schema)
        let jsonResource = DataPackageDescriptor.Resource(name: "\(id)-json", path: "data/\(id).json", format: "json",
                                                          mediatype: "application/json", title: "\(title)（JSON）", schema: schema)
        let package = DataPackageDescriptor(
            name: id, id: "", title: title, description: "摘要 \(title)", version: version, created: "",
            licenses: [.init(name: "CC-BY-4.0", path: "https://creativecommons.org/licenses/by/4.0/", title: "CC-BY-4.0")],
            sources: [.init(title: "提供方")], contributors: [.init(title: "提供方", roles: ["publisher"], email: nil)], keywords: nil,
            resources: json ? [csvResource, jsonResource] : [csvResource], signature: nil)
        files["datapackage.json"] = try ArtifactCodec.encode(package)
        func rule(_ type: String, field: String, dimension: String, description: String, failed: Int) -> QualityReport.Rule {
            QualityReport.Rule(type: type, field: field, severity: "error", dimension: dimension, dimensionEn: "", description: description,
                               rowsChecked: 4, failed: failed, share: Double(failed) / 4, examples: [], note: nil, explained: nil, metric: nil)
        }
        let quality = QualityReport(
            dataset: id, title: title, definitionHash: "", runDate: "2026-11-23", rowsRead: 4, rowsUnreadable: 0, rowsChecked: 4,
            rejectedRows: 1, rejectShare: 0.25,
            rules: [rule("range", field: "aqi", dimension: "准确性", description: "AQI 在 0–500 之间", failed: 1),
                    rule("required", field: "station_code", dimension: "完整性", description: "必填", failed: 0)],
            dimensions: ["规范性": .init(english: "conformity", score: 0.95, passed: 19, checks: 20),
                         "完整性": .init(english: "completeness", score: 0.9, passed: 9, checks: 10),
                         "时效性": .init(english: "timeliness", note: "未评估")],
            gate: .init(decision: .publish, reasons: [], maxRejectShare: 0.02, allowEmpty: false, minScores: nil, minOverall: nil),
            overallMethod: "", dimensionMethod: "", profile: nil, comparison: [:], problems: .init(count: 1, listed: 1, unreadable: 0),
            overallScore: 0.925, overallScoreText: nil, benford: nil)
        files["quality-report.json"] = try ArtifactCodec.encode(quality)
        files["quality-report.html"] = Data("<!DOCTYPE html><html><body><h1>质量报告</h1></body></html>".utf8)
        let privacyFields = header.map { PrivacyReport.Field(name: $0, title: $0, privacyClass: $0 == "station_name" ? "quasi" : "public") }
            + [PrivacyReport.Field(name: "contact_phone", title: "联系电话", privacyClass: "direct", operator: "drop", published: false)]
        let privacy = PrivacyReport(
            dataset: id, definitionHash: "", pseudonymKeyId: nil, pseudonymFormatVersion: nil, runDate: "2026-11-23", recordsIn: 4,
            recordsOut: 3, fields: privacyFields,
            identifierHits: .init(before: [.init(field: "contact_phone", kind: "mobile", count: 3, firstRow: 2)],
                                  after: [.init(field: "station_code", kind: "region_code", count: 3, firstRow: 2, allowed: true, reason: "行政区划代码公开")]),
            headerHits: [], holdReasons: [],
            kAnonymity: .init(quasiIdentifiers: ["station_name"], kTarget: 2, kAchieved: 3, maxSuppression: 0.05, equivalenceClasses: 2,
                              recordsSuppressed: 1, suppressedShare: 0.25, shareBelowK: 0, risk: nil),
            lDiversity: .init(sensitiveFields: [], lTarget: nil, lAchieved: nil))
        files["privacy-report.json"] = try ArtifactCodec.encode(privacy)
        files["README.md"] = Data("# \(title)\n".utf8)
        let created = version.prefix(10).replacingOccurrences(of: ".", with: "-") + "T08:00:00Z"
        let changes = previous.map {
            ChangeSummary(previousVersion: $0, comparedBy: "primary_key", added: 2, removed: 0, changed: 1,
                          schemaChanges: [SchemaChange(kind: .added, field: "aqi", from: nil, to: "integer")])
        }
        let metadata = ReleaseMetadata(
            datasetId: id, version: version, status: try #require(ReleaseMetadata.Status(rawValue: status)),
            holdReasons: status == "held" ? ["质量不达标"] : [], contentHash: "hash-\(version)", created: created,
            rowCount: csv.split(separator: "\r\n").count - 1, previousVersion: previous, definitionHash: "",
            dataFiles: [ReleaseFile(path: "data/\(id).csv", bytes: csv.utf8.count, sha256: SHA256Hex.of(Array(csv.utf8)))],
            publishedFileGate: 1, signature: nil, changes: changes)
        files["release.json"] = try ArtifactCodec.encode(metadata)
        files["SHA256SUMS"] = SHA256Sums(entries: files.map { .init(path: $0.key, sha256: SHA256Hex.of(Array($0.value))) }).render()
        for (name, data) in files { try write(dir + name, data) }
    }

    func sha(_ path: String) -> String {
        SHA256Hex.of(Array(FileManager.default.contents(atPath: root.appendingPathComponent(path).path) ?? Data()))
    }
}

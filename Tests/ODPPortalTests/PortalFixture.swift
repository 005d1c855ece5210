import Foundation
import ODPCore

/// Writes a small output tree in a temp folder, following the shapes ODPRelease, ODPCheck
/// and ODPDesensitize write (release.json, latest.json, datapackage.json, quality-report.json,
/// privacy-report.json, SHA256SUMS, packages/*.zip, catalog/open-list.json).
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

        let openList: [[String: Any]] = [
            ["dataset_id": "air-quality", "title": "空气质量日报", "code": "11000000-AQ-001", "provider": "市生态环境局",
             "provider_code": "11110000000000001X", "summary": "全市国控站点每日空气质量监测数据（PM2.5、AQI）。",
             "domain": "生态环境", "open_type": "无条件开放", "update_cycle": "每日", "keywords": ["空气质量", "PM2.5"],
             "license": "CC-BY-4.0", "formats": ["CSV", "JSON"], "first_published": "2026-11-20T08:00:00Z"],
            ["dataset_id": "hostile", "title": Self.hostileTitle, "provider": "\"><img onerror=alert(3) src=x>",
             "summary": "<b>bold</b> & 'quotes'", "domain": "测试<i>", "open_type": "有条件开放", "open_condition": "须签订协议",
             "update_cycle": "不定期", "keywords": ["<svg/onload=alert(4)>"]],
            ["dataset_id": "bus-stops", "title": "公交站点", "provider": "市交通委", "domain": "交通出行",
             "open_type": "无条件开放", "update_cycle": "每月"],
        ]
        // The shape ODPRelease's OpenList.json writes: an object with a `datasets` array.
        let listObject: [String: Any] = ["generated_at": "2026-11-23T08:00:00Z", "publisher": "测试", "count": openList.count, "datasets": openList]
        try write("catalog/open-list.json", try JSONSerialization.data(withJSONObject: listObject, options: [.sortedKeys]))
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
        let o: [String: Any] = ["dataset_id": id, "version": version, "content_hash": "abc", "path": "\(version)/"]
        try write("releases/\(id)/latest.json", try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]))
    }

    func release(id: String, version: String, status: String, title: String, csv: String, previous: String?) throws {
        let dir = "releases/\(id)/\(version)/"
        var files: [String: Data] = [:]
        let header = csv.split(separator: "\r\n").first.map { $0.split(separator: ",").map(String.init) } ?? []
        files["data/\(id).csv"] = Data(csv.utf8)
        files["data/\(id).json"] = Data("[]\n".utf8)
        let fields: [[String: Any]] = header.map { ["name": $0, "title": $0 == "station_name" ? "站点名称" : $0, "type": "string", "description": "说明 \($0)"] }
        let package: [String: Any] = [
            "name": id, "title": title, "description": "摘要 \(title)", "version": version,
            "licenses": [["name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"]],
            "contributors": [["title": "提供方", "roles": ["publisher"]]],
            "resources": [["name": id, "path": "data/\(id).csv", "format": "csv", "schema": ["fields": fields]],
                          ["name": "\(id)-json", "path": "data/\(id).json", "format": "json", "schema": ["fields": fields]]],
        ]
        files["datapackage.json"] = try JSONSerialization.data(withJSONObject: package, options: [.sortedKeys])
        let quality: [String: Any] = [
            "dataset": id, "title": title, "rows_checked": 4, "rejected_rows": 1, "reject_share": 0.25, "overall_score": 0.925,
            "dimensions": ["规范性": ["score": 0.95, "passed": 19, "checks": 20, "english": "conformity"],
                           "完整性": ["score": 0.9, "passed": 9, "checks": 10, "english": "completeness"],
                           "时效性": ["note": "未评估", "english": "timeliness"]],
            "gate": ["decision": "publish", "reasons": [String]()],
            "rules": [["type": "range", "field": "aqi", "severity": "error", "dimension": "准确性", "description": "AQI 在 0–500 之间",
                       "rows_checked": 4, "failed": 1, "share": 0.25],
                      ["type": "required", "field": "station_code", "severity": "error", "dimension": "完整性",
                       "description": "必填", "rows_checked": 4, "failed": 0, "share": 0]],
        ]
        files["quality-report.json"] = try JSONSerialization.data(withJSONObject: quality, options: [.sortedKeys])
        files["quality-report.html"] = Data("<!DOCTYPE html><html><body><h1>质量报告</h1></body></html>".utf8)
        let privacy: [String: Any] = [
            "dataset": id, "records_in": 4, "records_out": 3,
            "fields": header.map { ["name": $0, "title": $0, "class": $0 == "station_name" ? "quasi" : "public"] as [String: Any] }
                + [["name": "contact_phone", "title": "联系电话", "class": "direct", "operator": "drop", "published": false]],
            "identifier_hits": ["before": [["field": "contact_phone", "kind": "mobile", "count": 3, "first_row": 2]],
                                "after": [["field": "station_code", "kind": "region_code", "count": 3, "first_row": 2,
                                           "allowed": true, "reason": "行政区划代码公开"]]],
            "k_anonymity": ["quasi_identifiers": ["station_name"], "k_target": 2, "k_achieved": 3, "records_suppressed": 1],
            "hold_reasons": [String](),
        ]
        files["privacy-report.json"] = try JSONSerialization.data(withJSONObject: privacy, options: [.sortedKeys])
        files["README.md"] = Data("# \(title)\n".utf8)
        var releaseJSON: [String: Any] = [
            "dataset_id": id, "version": version, "status": status, "hold_reasons": status == "held" ? ["质量不达标"] : [],
            "content_hash": "hash-\(version)", "created": "\(version.prefix(10).replacingOccurrences(of: ".", with: "-"))T08:00:00Z",
            "row_count": csv.split(separator: "\r\n").count - 1, "previous_version": previous ?? NSNull(),
            "data_files": [["path": "data/\(id).csv", "bytes": csv.utf8.count, "sha256": SHA256Hex.of(Array(csv.utf8))]],
        ]
        releaseJSON["changes"] = previous.map { p -> Any in
            ["previous_version": p, "compared_by": "primary_key", "added": 2, "removed": 0, "changed": 1,
             "schema_changes": [["change": "added", "field": "aqi", "from": NSNull(), "to": "integer"]]]
        } ?? NSNull()
        files["release.json"] = try JSONSerialization.data(withJSONObject: releaseJSON, options: [.sortedKeys])
        var sums = ""
        for name in files.keys.sorted() { sums += "\(SHA256Hex.of(Array(files[name]!)))  \(name)\n" }
        files["SHA256SUMS"] = Data(sums.utf8)
        for (name, data) in files { try write(dir + name, data) }
    }

    func sha(_ path: String) -> String {
        SHA256Hex.of(Array(FileManager.default.contents(atPath: root.appendingPathComponent(path).path) ?? Data()))
    }
}

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
        // Where ReleaseWriter puts a held release: never listed, served only to reviewers.
        try release(id: "elderly-care", version: "2026.11.23.1", status: "held", title: "养老服务机构",
                    csv: "org,beds\r\n幸福院,30\r\n", previous: nil, under: "held/")

        var air: [String: Any] = ["dataset_id": "air-quality", "title": "空气质量日报", "code": "11000000-AQ-001", "provider": "市生态环境局"]
        air["provider_code"] = "11110000000000001X"
        air["summary"] = "全市国控站点每日空气质量监测数据（PM2.5、AQI）。"
        air["domain"] = "生态环境"
        air["open_type"] = "无条件开放"
        air["update_cycle"] = "每日"
        air["keywords"] = ["空气质量", "PM2.5"]
        air["license"] = "CC-BY-4.0"
        air["formats"] = ["CSV", "JSON"]
        air["first_published"] = "2026-11-20T08:00:00Z"
        var hostile: [String: Any] = ["dataset_id": "hostile", "title": Self.hostileTitle, "provider": "\"><img onerror=alert(3) src=x>"]
        hostile["summary"] = "<b>bold</b> & 'quotes'"
        hostile["domain"] = "测试<i>"
        hostile["open_type"] = "有条件开放"
        hostile["open_condition"] = "须签订协议"
        hostile["update_cycle"] = "不定期"
        hostile["keywords"] = ["<svg/onload=alert(4)>"]
        let bus: [String: Any] = ["dataset_id": "bus-stops", "title": "公交站点", "provider": "市交通委", "domain": "交通出行",
                                  "open_type": "无条件开放", "update_cycle": "每月"]
        let openList: [[String: Any]] = [air, hostile, bus]
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

    /// - Parameter json: false lays the release out as `release: {formats: [csv]}` does (no JSON file or resource).
    /// - Parameter under: "held/" writes it where a release held by a gate goes.
    func release(id: String, version: String, status: String, title: String, csv: String, previous: String?, json: Bool = true,
                 under: String = "") throws {
        let dir = "\(under)releases/\(id)/\(version)/"
        var files: [String: Data] = [:]
        let header = csv.split(separator: "\r\n").first.map { $0.split(separator: ",").map(String.init) } ?? []
        files["data/\(id).csv"] = Data(csv.utf8)
        if json { files["data/\(id).json"] = Data("[]\n".utf8) }
        let fields: [[String: Any]] = header.map { name -> [String: Any] in
            ["name": name, "title": name == "station_name" ? "站点名称" : name, "type": "string", "description": "说明 \(name)"]
        }
        let license: [String: Any] = ["name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"]
        let contributor: [String: Any] = ["title": "提供方", "roles": ["publisher"]]
        let csvResource: [String: Any] = ["name": id, "path": "data/\(id).csv", "format": "csv", "schema": ["fields": fields] as [String: Any]]
        let jsonResource: [String: Any] = ["name": "\(id)-json", "path": "data/\(id).json", "format": "json", "schema": ["fields": fields] as [String: Any]]
        var package: [String: Any] = ["name": id, "title": title, "description": "摘要 \(title)", "version": version]
        package["licenses"] = [license]
        package["contributors"] = [contributor]
        package["resources"] = json ? [csvResource, jsonResource] : [csvResource]
        files["datapackage.json"] = try JSONSerialization.data(withJSONObject: package, options: [.sortedKeys])
        let dimensions: [String: Any] = [
            "规范性": ["score": 0.95, "passed": 19, "checks": 20, "english": "conformity"] as [String: Any],
            "完整性": ["score": 0.9, "passed": 9, "checks": 10, "english": "completeness"] as [String: Any],
            "时效性": ["note": "未评估", "english": "timeliness"] as [String: Any],
        ]
        let failingRule: [String: Any] = ["type": "range", "field": "aqi", "severity": "error", "dimension": "准确性",
                                          "description": "AQI 在 0–500 之间", "rows_checked": 4, "failed": 1, "share": 0.25]
        let passingRule: [String: Any] = ["type": "required", "field": "station_code", "severity": "error", "dimension": "完整性",
                                          "description": "必填", "rows_checked": 4, "failed": 0, "share": 0.0]
        let gate: [String: Any] = ["decision": "publish", "reasons": [String]()]
        var quality: [String: Any] = ["dataset": id, "title": title, "rows_checked": 4, "rejected_rows": 1]
        quality["reject_share"] = 0.25
        quality["overall_score"] = 0.925
        quality["dimensions"] = dimensions
        quality["gate"] = gate
        quality["rules"] = [failingRule, passingRule]
        files["quality-report.json"] = try JSONSerialization.data(withJSONObject: quality, options: [.sortedKeys])
        files["quality-report.html"] = Data("<!DOCTYPE html><html><body><h1>质量报告</h1></body></html>".utf8)
        var privacyFields: [[String: Any]] = header.map { name -> [String: Any] in
            ["name": name, "title": name, "class": name == "station_name" ? "quasi" : "public"]
        }
        let dropped: [String: Any] = ["name": "contact_phone", "title": "联系电话", "class": "direct", "operator": "drop", "published": false]
        privacyFields.append(dropped)
        let hitBefore: [String: Any] = ["field": "contact_phone", "kind": "mobile", "count": 3, "first_row": 2]
        let hitAfter: [String: Any] = ["field": "station_code", "kind": "region_code", "count": 3, "first_row": 2,
                                       "allowed": true, "reason": "行政区划代码公开"]
        let anonymity: [String: Any] = ["quasi_identifiers": ["station_name"], "k_target": 2, "k_achieved": 3, "records_suppressed": 1]
        var privacy: [String: Any] = ["dataset": id, "records_in": 4, "records_out": 3]
        privacy["fields"] = privacyFields
        privacy["identifier_hits"] = ["before": [hitBefore], "after": [hitAfter]] as [String: Any]
        privacy["k_anonymity"] = anonymity
        privacy["hold_reasons"] = [String]()
        files["privacy-report.json"] = try JSONSerialization.data(withJSONObject: privacy, options: [.sortedKeys])
        files["README.md"] = Data("# \(title)\n".utf8)
        let created = version.prefix(10).replacingOccurrences(of: ".", with: "-") + "T08:00:00Z"
        let dataFile: [String: Any] = ["path": "data/\(id).csv", "bytes": csv.utf8.count, "sha256": SHA256Hex.of(Array(csv.utf8))]
        var releaseJSON: [String: Any] = ["dataset_id": id, "version": version, "status": status]
        releaseJSON["hold_reasons"] = status == "held" ? ["质量不达标", "个人信息：发布值中发现未经允许的手机号"] : [String]()
        releaseJSON["content_hash"] = "hash-\(version)"
        releaseJSON["created"] = created
        releaseJSON["row_count"] = csv.split(separator: "\r\n").count - 1
        releaseJSON["previous_version"] = previous ?? NSNull()
        releaseJSON["data_files"] = [dataFile]
        if let previous {
            let schemaChange: [String: Any] = ["change": "added", "field": "aqi", "from": NSNull(), "to": "integer"]
            let changes: [String: Any] = ["previous_version": previous, "compared_by": "primary_key", "added": 2, "removed": 0,
                                          "changed": 1, "schema_changes": [schemaChange]]
            releaseJSON["changes"] = changes
        } else {
            releaseJSON["changes"] = NSNull()
        }
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

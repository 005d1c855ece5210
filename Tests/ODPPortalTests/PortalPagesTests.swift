import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import ODPPortal

@Suite("Portal pages and JSON API")
struct PortalPagesTests {
    @Test("the home page lists published datasets only, with their catalog tags")
    func homeLists() async throws {
        try await withPortal { _, client in
            let r = try await get(client, "/")
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "text/html; charset=utf-8")
            #expect(r.text.contains("空气质量日报"))
            #expect(r.text.contains("市生态环境局"))
            #expect(r.text.contains("生态环境"))
            #expect(r.text.contains("每日更新"))
            #expect(!r.text.contains("公交站点"), "awaiting approval is not public")
            #expect(!r.text.contains("暂缓数据"), "held is not public")
        }
    }

    @Test("search and filters narrow the list server-side")
    func searchAndFilters() async throws {
        try await withPortal { _, client in
            let bySearch = try await get(client, "/?q=PM2.5")
            #expect(bySearch.text.contains("空气质量日报"))
            #expect(bySearch.text.contains("共找到 <b>1</b> 个数据集"))
            let none = try await get(client, "/?q=%E4%B8%8D%E5%AD%98%E5%9C%A8")  // 不存在
            #expect(none.text.contains("共找到 <b>0</b> 个数据集"))
            let domain = try await get(client, "/?domain=%E7%94%9F%E6%80%81%E7%8E%AF%E5%A2%83")  // 生态环境
            #expect(domain.text.contains("共找到 <b>1</b> 个数据集"))
            let open = try await get(client, "/?open=%E6%9C%89%E6%9D%A1%E4%BB%B6%E5%BC%80%E6%94%BE")  // 有条件开放
            #expect(open.text.contains("共找到 <b>1</b> 个数据集"))
            #expect(!open.text.contains("空气质量日报"))
            let api = try await get(client, "/api/datasets?cycle=%E6%AF%8F%E6%97%A5")
            let json = try JSONSerialization.jsonObject(with: Data(api.body.readableBytesView)) as? [String: Any]
            #expect(json?["count"] as? Int == 1)
        }
    }

    @Test("the dataset page shows metadata, dictionary, sample rows, quality, privacy, versions and downloads")
    func datasetPage() async throws {
        try await withPortal { fixture, client in
            let r = try await get(client, "/datasets/air-quality")
            #expect(r.status == .ok)
            let t = r.text
            for expected in ["空气质量日报", "11000000-AQ-001", "无条件开放", "站点名称", "准标识符", "不发布（已删除）",
                             "朝阳奥体中心", "28,5", "AQI 在 0–500 之间", "92.5", "实际 k = 3", "2026.11.20.1",
                             "新增 2 行，删除 0 行，变更 1 行，新增字段 aqi", fixture.sha("releases/air-quality/2026.11.23.1/data/air-quality.csv"),
                             "/datasets/air-quality/2026.11.23.1/air-quality-2026.11.23.1.zip", "quality-report.html"] {
                #expect(t.contains(expected), "missing \(expected)")
            }
            // The preview is headed by the Chinese title, with the field name beneath.
            #expect(t.contains("<th scope=\"col\">站点名称<br><span class=\"muted mono\">station_name</span></th>"), "preview header")
            let old = try await get(client, "/datasets/air-quality?version=2026.11.20.1")
            #expect(old.text.contains("东城东四"))
            #expect(!old.text.contains("朝阳奥体中心"))
            #expect(try await get(client, "/datasets/air-quality?version=2099.01.01.1").status == .notFound)
            #expect(try await get(client, "/datasets/bus-stops").status == .notFound)
            #expect(try await get(client, "/datasets/nope").status == .notFound)
        }
    }

    @Test("the JSON API matches the pages")
    func api() async throws {
        try await withPortal { fixture, client in
            let list = try JSONSerialization.jsonObject(with: Data(try await get(client, "/api/datasets").body.readableBytesView)) as? [String: Any]
            let ids = (list?["datasets"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids?.sorted() == ["air-quality", "hostile"])
            let one = try JSONSerialization.jsonObject(with: Data(try await get(client, "/api/datasets/air-quality").body.readableBytesView)) as? [String: Any]
            #expect(one?["title"] as? String == "空气质量日报")
            #expect(one?["domain"] as? String == "生态环境")
            let downloads = one?["downloads"] as? [[String: Any]] ?? []
            let csv = downloads.first { $0["name"] as? String == "data/air-quality.csv" }
            #expect(csv?["sha256"] as? String == fixture.sha("releases/air-quality/2026.11.23.1/data/air-quality.csv"))
            #expect(csv?["latest_url"] as? String == "/datasets/air-quality/latest/data/air-quality.csv")
            let versions = try JSONSerialization.jsonObject(with: Data(try await get(client, "/api/datasets/air-quality/versions").body.readableBytesView)) as? [String: Any]
            #expect((versions?["versions"] as? [[String: Any]])?.compactMap { $0["version"] as? String } == ["2026.11.23.1", "2026.11.20.1"])
            let missing = try await get(client, "/api/datasets/bus-stops")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/json; charset=utf-8")
        }
    }

    @Test("downloads list the data files a release has, then its zip: a CSV-only release offers no JSON")
    func downloadsFollowFormats() async throws {
        try await withPortal { fixture, client in
            try fixture.release(id: "csv-only", version: "2026.11.23.1", status: "released", title: "仅 CSV", csv: "a\r\n1\r\n",
                                previous: nil, json: false)
            try fixture.latest("csv-only", "2026.11.23.1")
            try fixture.write("packages/csv-only-2026.11.23.1.zip", Data("PK\u{3}\u{4}fake zip for tests".utf8))
            func names(_ id: String) async throws -> [String] {
                let o = try JSONSerialization.jsonObject(with: Data(try await get(client, "/api/datasets/\(id)").body.readableBytesView)) as? [String: Any]
                return (o?["downloads"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            #expect(try await names("csv-only").prefix(3) == ["data/csv-only.csv", "csv-only-2026.11.23.1.zip", "datapackage.json"])
            #expect(try await names("air-quality").prefix(3) == ["data/air-quality.csv", "data/air-quality.json", "air-quality-2026.11.23.1.zip"])
            let page = try await get(client, "/datasets/csv-only")
            #expect(page.status == .ok)
            #expect(page.text.contains("data/csv-only.csv") && !page.text.contains("csv-only.json") && !page.text.contains("JSON 数据"))
        }
    }

    @Test("the DCAT catalog is served as JSON-LD")
    func dcat() async throws {
        try await withPortal { _, client in
            let r = try await get(client, "/catalog/dcat.jsonld")
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "application/ld+json")
            #expect(r.text.contains("Catalog"))
            #expect(try await get(client, "/catalog/secret.txt").status == .notFound)
        }
    }
}

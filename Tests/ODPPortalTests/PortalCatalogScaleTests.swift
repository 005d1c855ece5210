import Foundation
import Hummingbird
import HummingbirdTesting
import ODPCore
import Testing
@testable import ODPPortal

/// The list at catalog scale: 300 generated datasets beside the fixture's own, across 7
/// departments (提供方) and 5 topics (数据领域), each with a field no other has.
@Suite("Portal: pages, orders, departments, topics and search over many datasets")
struct PortalCatalogScaleTests {
    static let count = 300
    static let providers = ["市甲局", "市乙局", "市丙局", "市丁局", "市戊局", "市己局", "市庚局"]
    static let domains = ["交通", "教育", "环境", "医疗", "财政"]

    static func id(_ i: Int) -> String { String(format: "gen-%03d", i) }

    /// The fixture plus `count` released datasets and an open list naming them all.
    static func withCatalog(_ body: @Sendable (PortalFixture, any TestClientProtocol) async throws -> Void) async throws {
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        try addDatasets(fixture, range: 0..<count)
        let server = try PortalServer(root: fixture.root, host: "127.0.0.1", port: 0, token: nil) { _, _, _, _, _ in }
        try await server.makeApplication().test(.router) { client in try await body(fixture, client) }
    }

    static func addDatasets(_ fixture: PortalFixture, range: Range<Int>) throws {
        for i in range {
            // Titles repeat every 50, so the orders' tie-breaks (title, then id) are exercised.
            let version = String(format: "2026.11.%02d.1", 1 + i % 28)
            try fixture.release(id: id(i), version: version, status: "released", title: "数据集\(i % 50)", csv: "a,b\r\n1,2\r\n",
                                previous: nil, json: false)
            try fixture.latest(id(i), version)
        }
        try writeList(fixture, count: range.upperBound)
    }

    /// The open list with the fixture's entries and `count` generated ones.
    static func writeList(_ fixture: PortalFixture, count: Int) throws {
        var list = try #require(try OpenListDocument.read(catalogDirectory: fixture.root.appendingPathComponent("catalog")))
        list.datasets.removeAll { $0.datasetId.hasPrefix("gen-") }
        for i in 0..<count {
            list.datasets.append(OpenListDocument.Entry(
                index: list.datasets.count + 1, datasetId: id(i), title: "数据集\(i % 50)", code: "C\(i)", provider: providers[i % providers.count],
                providerCode: "", summary: "生成的数据集", domain: domains[i % domains.count], openType: "无条件开放", openCondition: nil,
                updateCycle: "不定期", formats: ["CSV"], firstPublished: "", lastUpdated: "", rowCount: 1,
                fields: [.init(name: "f\(i)x", title: "字段\(i)号", type: "string")], keywords: [], license: "CC-BY-4.0", version: "",
                downloadURL: "", distributions: [], signature: nil))
        }
        list.count = list.datasets.count
        try fixture.write("catalog/open-list.json", try ArtifactCodec.encode(list))
    }

    /// Dataset ids in the order a list page shows them.
    static func ids(_ html: String) -> [String] {
        html.components(separatedBy: "<h3><a href=\"/datasets/").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    /// The ids a list page shows.
    static func found(_ client: any TestClientProtocol, _ uri: String) async throws -> [String] {
        ids(try await get(client, uri).text)
    }

    /// Every published dataset's attributes, from the JSON API (unpaged).
    static func records(_ client: any TestClientProtocol) async throws -> [String: [String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(try await get(client, "/api/datasets").body.readableBytesView)) as? [String: Any]
        let list = json?["datasets"] as? [[String: Any]] ?? []
        return Dictionary(list.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Every page of a list, in order: the ids and how many pages there were.
    static func allPages(_ client: any TestClientProtocol, _ path: String, _ query: String) async throws -> (ids: [String], pages: Int) {
        var out: [String] = []
        var page = 1
        while true {
            let r = try await get(client, "\(path)?\(query)&size=50&page=\(page)")
            if r.status == .notFound { return (out, page - 1) }
            #expect(r.status == .ok)
            let shown = ids(r.text)
            #expect(shown.count <= 50)
            out += shown
            page += 1
            if page > 100 { Issue.record("pages never end"); return (out, page) }
        }
    }

    @Test("pages cover every published dataset exactly once, in each order, and each order sorts")
    func pagesAndOrders() async throws {
        try await Self.withCatalog { _, client in
            let records = try await Self.records(client)
            #expect(records.count == Self.count + 2)
            func key(_ id: String, _ field: String) -> String { records[id]?[field] as? String ?? "" }
            for sort in ["title", "updated", "provider"] {
                let (ids, pages) = try await Self.allPages(client, "/", "sort=\(sort)")
                #expect(pages == (Self.count + 2 + 49) / 50)
                #expect(ids.count == records.count, "\(sort): every dataset once")
                #expect(Set(ids) == Set(records.keys), "\(sort)")
                for (a, b) in zip(ids, ids.dropFirst()) {
                    let titles = (key(a, "title"), a) <= (key(b, "title"), b)
                    switch sort {
                    case "updated":
                        #expect(key(a, "updated") > key(b, "updated") || (key(a, "updated") == key(b, "updated") && titles), "\(a) before \(b)")
                    case "provider":
                        #expect(key(a, "provider") < key(b, "provider") || (key(a, "provider") == key(b, "provider") && titles), "\(a) before \(b)")
                    default:
                        #expect(titles, "\(a) before \(b)")
                    }
                }
            }
            let first = try await get(client, "/?sort=updated")
            #expect(first.text.contains("共找到 <b>\(Self.count + 2)</b> 个数据集，第 1/\((Self.count + 2 + 19) / 20) 页"))
            #expect(first.text.contains("href=\"/?sort=updated&amp;page=2\"") || first.text.contains("href=\"/?sort=updated&page=2\""))
        }
    }

    @Test("a department's and a topic's pages list exactly their datasets; the indexes count them")
    func departmentsAndTopics() async throws {
        try await Self.withCatalog { _, client in
            let records = try await Self.records(client)
            let departments = try await get(client, "/departments")
            #expect(departments.status == .ok)
            for (field, path, names) in [("provider", "/departments", Self.providers), ("domain", "/topics", Self.domains)] {
                let index = try await get(client, path)
                for name in names {
                    let expected = Set(records.filter { $0.value[field] as? String == name }.keys)
                    #expect(!expected.isEmpty)
                    #expect(index.text.contains("href=\"\(path)/\(HTML.urlComponent(name))\">\(name)</a> <span class=\"muted\">\(expected.count) 个数据集"))
                    let (ids, _) = try await Self.allPages(client, "\(path)/\(HTML.urlComponent(name))", "sort=title")
                    #expect(ids.count == expected.count, "\(name): no dataset twice")
                    #expect(Set(ids) == expected, "\(name)")
                }
            }
            #expect(try await get(client, "/departments/\(HTML.urlComponent("不存在的局"))").status == .notFound)
            #expect(try await get(client, "/topics/\(HTML.urlComponent("<script>"))").status == .notFound)
        }
    }

    @Test("search finds a dataset by a field's name or title, any case, and combines terms")
    func searchFields() async throws {
        try await Self.withCatalog { _, client in
            let found1 = try await Self.found(client, "/?q=f17x")
            #expect(found1 == [Self.id(17)])
            let found2 = try await Self.found(client, "/?q=F17X")
            #expect(found2 == [Self.id(17)])
            let found3 = try await Self.found(client, "/?q=\(HTML.urlComponent("字段123号"))")
            #expect(found3 == [Self.id(123)])
            // Both terms must match: 数据集17 is gen-017, gen-067 …; f67x narrows to one.
            let found4 = try await Self.found(client, "/?q=\(HTML.urlComponent("数据集17 f67x"))")
            #expect(found4 == [Self.id(67)])
            #expect(try await get(client, "/?q=nothing-has-this").text.contains("共找到 <b>0</b> 个数据集"))
            // The fixture's own datasets are searched by their datapackage.json fields when the list names none.
            let found5 = try await Self.found(client, "/?q=station_name")
            #expect(found5 == ["air-quality"])
        }
    }

    @Test("hostile query strings get a clean 400 or 404, or escaped output")
    func hostileQueries() async throws {
        try await Self.withCatalog { _, client in
            for q in ["page=-1", "page=0", "page=abc", "page=1e3", "page=99999999999999999999", "page=%20", "size=7", "size=100000",
                      "sort=evil", "sort=%3Cscript%3E", "q=" + String(repeating: "x", count: 5_000)] {
                let r = try await get(client, "/?" + q)
                #expect(r.status == .badRequest, "\(q.prefix(40))")
                #expect(!r.text.contains("<script"), "\(q.prefix(40))")
                #expect(r.headers[HeaderName.csp] != nil)
            }
            #expect(try await get(client, "/?page=1000000").status == .notFound)
            #expect(try await get(client, "/api/datasets?page=-3").status == .badRequest)
            let script = try await get(client, "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E&provider=%22%3E%3Cb%3E")
            #expect(script.status == .ok)
            #expect(!script.text.contains("<script>alert(1)"))
            #expect(!script.text.contains("\"><b>"))
            #expect(script.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            let departmentScript = try await get(client, "/departments/\(HTML.urlComponent(Self.providers[0]))?q=%3Cimg%20src=x%3E")
            #expect(departmentScript.status == .ok)
            #expect(!departmentScript.text.contains("<img src=x>"))
        }
    }

    @Test("a new release shows up on the next request; an unchanged tree is not read again")
    func refreshes() async throws {
        try await Self.withCatalog { fixture, client in
            #expect(try await get(client, "/?q=f300x").text.contains("共找到 <b>0</b> 个数据集"))
            try Self.addDatasets(fixture, range: Self.count..<(Self.count + 1))
            let found6 = try await Self.found(client, "/?q=f300x")
            #expect(found6 == [Self.id(300)])
            // A rebuild re-reads only datasets whose folder or latest.json moved: gen-005's
            // release.json damaged in place (its folder's time unchanged) is not read again.
            try fixture.write("releases/\(Self.id(5))/2026.11.06.1/release.json", Data("damaged".utf8))
            try Self.writeList(fixture, count: Self.count + 1)
            let found7 = try await Self.found(client, "/?q=f5x")
            #expect(found7 == [Self.id(5)])
            // Its own page reads the folder: the damaged version is gone there.
            #expect(try await get(client, "/datasets/\(Self.id(5))").status == .notFound)
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import ODPCore
import ODPRelease
import Testing
@testable import ODPPortal

/// The rows API over real releases: `ReleaseWriter` writes each version's SQLite file into
/// the portal fixture's output tree, and the open list is given two more entries.
@Suite("Rows API (数据开放接口)")
struct RowsAPITests {
    static let districts = ["东城区", "西城区", "朝阳区"]

    static func schema() -> Schema {
        var district = FieldDefinition(name: "district", title: "行政区", type: .string)
        district.filterable = true
        var aqi = FieldDefinition(name: "aqi", title: "空气质量指数", type: .integer)
        aqi.filterable = true
        var day = FieldDefinition(name: "reported_on", title: "日期", type: .date)
        day.filterable = true
        return Schema([FieldDefinition(name: "id", title: "编号", type: .integer), district, aqi,
                       FieldDefinition(name: "pm25", title: "PM2.5", type: .number), FieldDefinition(name: "name", title: "站点名称", type: .string),
                       day, FieldDefinition(name: "open", title: "是否开放", type: .boolean)])
    }

    /// Row i of a version; `shift` makes a later version's values differ.
    static func row(_ i: Int, shift: Int = 0) -> [String?] {
        [String(i), districts[i % 3], String((i * 7 + shift) % 300), i % 10 == 0 ? nil : "\(i % 50).5", i % 4 == 0 ? "=站点\(i)" : "站点\(i)",
         "2026-11-\(String(format: "%02d", 1 + i % 28))", i % 2 == 0 ? "true" : "false"]
    }

    static func release(_ id: String, root: URL, open: OpenType, rows: Int, shift: Int = 0, time: Date) throws -> String {
        let catalog = CatalogMetadata(title: "测试站点 \(id)", code: "TEST-\(id)", provider: "测试局", providerCode: "X", summary: "测试", domain: "测试",
                                      openType: open, openCondition: open == .conditional ? "须签订协议" : nil, updateCycle: .daily, license: "CC-BY-4.0")
        let definition = DatasetDefinition(id: id, catalog: catalog, source: SourceSpec(kind: .csv, path: "x.csv"), schema: schema(),
                                           primaryKey: ["id"], formats: [.csv, .sqlite], definitionHash: "h")
        let writer = try ReleaseWriter(definition: definition, schema: definition.schema, outputRoot: root, runTime: time)
        var batch = RowBatch(columnCount: 7)
        for i in 1...rows {
            for cell in row(i, shift: shift) { if let cell { batch.appendCell(cell) } else { batch.appendNull() } }
            batch.endRow(sourceRow: i + 1)
        }
        try writer.write(batch)
        return try writer.finish(reports: [], status: .released, gate: nil).version
    }

    /// The fixture plus `stations` (无条件开放, 2,500 rows) and `permits` (有条件开放), both listed.
    static func withRows(limits: RowsAPILimits = RowsAPILimits(perSecond: 10_000, burst: 10_000),
                         _ body: @Sendable (PortalFixture, any TestClientProtocol, String) async throws -> Void) async throws {
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        let version = try addStations(fixture)
        _ = try release("permits", root: fixture.root, open: .conditional, rows: 10, time: Date(timeIntervalSince1970: 1_790_000_000))
        try list(fixture, "permits", open: .conditional)
        let server = try PortalServer(root: fixture.root, port: 0, token: nil, apiLimits: limits) { _, _, _, _, _ in }
        try await server.makeApplication().test(.router) { client in try await body(fixture, client, version) }
    }

    /// Releases `stations` (无条件开放, 2,500 rows, with the SQLite file) into the fixture and
    /// lists it; returns its version.
    static func addStations(_ fixture: PortalFixture) throws -> String {
        let version = try release("stations", root: fixture.root, open: .unconditional, rows: 2500, time: Date(timeIntervalSince1970: 1_790_000_000))
        try list(fixture, "stations", open: .unconditional)
        return version
    }

    /// Adds `id` to the fixture's open list, as 测试站点 <id>.
    static func list(_ fixture: PortalFixture, _ id: String, open: OpenType) throws {
        var list = try #require(try OpenListDocument.read(catalogDirectory: fixture.root.appendingPathComponent("catalog")))
        var e = list.datasets[0]
        e.datasetId = id
        e.title = "测试站点 \(id)"
        e.code = "TEST-\(id)"
        e.openType = open.rawValue
        e.keywords = ["测试站点"]
        list.datasets.append(e)
        try fixture.write("catalog/open-list.json", try ArtifactCodec.encode(list))
    }

    static func json(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any], "\(r.text)")
    }

    /// The error code of an answer (nil when it is no JSON object).
    static func code(_ r: TestResponse) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])?["code"] as? String
    }

    @Test("a filtered page: typed values by the schema, the fields with their titles, only the rows the filters allow, CORS for any origin")
    func filteredPage() async throws {
        try await Self.withRows { _, client, version in
            let r = try await get(client, "/api/datasets/stations/rows?district=%E4%B8%9C%E5%9F%8E%E5%8C%BA&aqi__gte=100&aqi__lt=200&fields=id,aqi,pm25,name,open&sort=-aqi&limit=20")
            #expect(r.status == .ok && r.headers[HeaderName.allowOrigin] == "*")
            let page = try Self.json(r)
            #expect(page["version"] as? String == version && page["count"] as? Int == 20)
            let fields = try #require(page["fields"] as? [[String: Any]])
            #expect(fields.map { $0["name"] as? String } == ["id", "aqi", "pm25", "name", "open"] && fields[1]["title"] as? String == "空气质量指数")
            let rows = try #require(page["rows"] as? [[String: Any]])
            let expected = (1...2500).filter { $0 % 3 == 0 && (100..<200).contains($0 * 7 % 300) }.sorted { ($0 * 7 % 300, $0) > ($1 * 7 % 300, $1) }
            #expect(rows.map { $0["id"] as? Int } == expected.prefix(20).map { $0 })
            let first = try #require(rows.first)
            #expect(first["aqi"] is Int && first["open"] is Bool && Set(first.keys) == ["id", "aqi", "pm25", "name", "open"], "\(first)")
            // The released value, not the CSV's spreadsheet-safe form.
            let formula = try #require(try Self.json(try await get(client, "/api/datasets/stations/rows?id=4"))["rows"] as? [[String: Any]])
            #expect(formula.first?["name"] as? String == "=站点4" && formula.first?["pm25"] as? Double == 4.5 && formula.first?["reported_on"] as? String == "2026-11-05")
            #expect(try await get(client, "/api/datasets/stations/rows?id=10").text.contains("\"pm25\":null"))
            // The file the rows come from is a download of its own, checksummed like the others.
            let downloads = try #require(try Self.json(try await get(client, "/api/datasets/stations"))["downloads"] as? [[String: Any]])
            let sqlite = try #require(downloads.first { $0["name"] as? String == "data/stations.sqlite" })
            #expect(sqlite["label"] as? String == "SQLite 数据库" && (sqlite["sha256"] as? String)?.count == 64)
            let file = try await get(client, "/datasets/stations/\(version)/data/stations.sqlite")
            #expect(file.status == .ok && file.headers[.contentType] == "application/vnd.sqlite3" && Data(buffer: file.body).prefix(15) == Data("SQLite format 3".utf8))
        }
    }

    @Test("cursor paging walks every matching row once, in order, for the default order and for sort keys with ties (broken by rowid in the last key's direction); __in and __ne filter")
    func paging() async throws {
        try await Self.withRows { _, client, _ in
            for (query, expected) in [
                ("aqi__ne=0", (1...2500).filter { $0 * 7 % 300 != 0 }),
                ("sort=district,-aqi&district__in=%E4%B8%9C%E5%9F%8E%E5%8C%BA,%E6%9C%9D%E9%98%B3%E5%8C%BA",
                 (1...2500).filter { $0 % 3 != 1 }.sorted { (Self.districts[$0 % 3], -($0 * 7 % 300), -$0) < (Self.districts[$1 % 3], -($1 * 7 % 300), -$1) }),
                ("sort=aqi", (1...2500).sorted { ($0 * 7 % 300, $0) < ($1 * 7 % 300, $1) }),
            ] {
                var seen: [Int] = []
                var uri = "/api/datasets/stations/rows?\(query)&fields=id&limit=333"
                var pages = 0
                while true {
                    let page = try Self.json(try await get(client, uri))
                    seen += (page["rows"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                    pages += 1
                    guard let next = page["next"] as? String, pages < 20 else { break }
                    uri = next
                }
                #expect(seen == expected, "\(query): \(seen.count) rows vs \(expected.count)")
            }
        }
    }

    @Test("CSV by format=csv or Accept: text/csv, with the next cursor in X-Next-Cursor and formula text neutralised as in the release CSV")
    func csv() async throws {
        try await Self.withRows { _, client, _ in
            let r = try await get(client, "/api/datasets/stations/rows?fields=id,name,open&limit=4&format=csv")
            #expect(r.status == .ok && r.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(r.text == "id,name,open\r\n1,站点1,false\r\n2,站点2,true\r\n3,站点3,false\r\n4,'=站点4,true\r\n", "\(r.text)")
            let next = try #require(r.headers[HeaderName.nextCursor])
            let second = try await get(client, "/api/datasets/stations/rows?fields=id,name,open&limit=4&cursor=\(next)", [.accept: "text/csv"])
            #expect(second.text.hasPrefix("id,name,open\r\n5,站点5,false\r\n"), "\(second.text)")
        }
    }

    @Test("a cursor keeps paging on its version after a newer one is published; /versions/{v}/rows pins a version")
    func stableVersion() async throws {
        try await Self.withRows { fixture, client, first in
            let page = try Self.json(try await get(client, "/api/datasets/stations/rows?fields=id,aqi&limit=2"))
            let cursor = try #require(page["next_cursor"] as? String)
            let second = try Self.release("stations", root: fixture.root, open: .unconditional, rows: 2500, shift: 1, time: Date(timeIntervalSince1970: 1_790_100_000))
            #expect(second != first)
            let continued = try Self.json(try await get(client, "/api/datasets/stations/rows?fields=id,aqi&limit=2&cursor=\(cursor)"))
            #expect(continued["version"] as? String == first && (continued["rows"] as? [[String: Any]])?.first?["aqi"] as? Int == 21)
            let newest = try Self.json(try await get(client, "/api/datasets/stations/rows?fields=id,aqi&limit=2"))
            #expect(newest["version"] as? String == second && (newest["rows"] as? [[String: Any]])?.first?["aqi"] as? Int == 8)
            let pinned = try Self.json(try await get(client, "/api/datasets/stations/versions/\(first)/rows?id=1"))
            #expect(pinned["version"] as? String == first && (pinned["rows"] as? [[String: Any]])?.first?["aqi"] as? Int == 7)
            #expect(try await get(client, "/api/datasets/stations/versions/2020.01.01.1/rows").status == .notFound)
        }
    }

    @Test("a version withdrawn while the server runs is 410 at its next request, and /rows moves to the version left; a cursor on it is refused")
    func withdrawnWhileServing() async throws {
        try await Self.withRows { fixture, client, first in
            let second = try Self.release("stations", root: fixture.root, open: .unconditional, rows: 2500, shift: 1, time: Date(timeIntervalSince1970: 1_790_100_000))
            let page = try Self.json(try await get(client, "/api/datasets/stations/rows?fields=id,aqi&limit=2"))
            #expect(page["version"] as? String == second)
            let cursor = try #require(page["next_cursor"] as? String)
            #expect(try await get(client, "/api/datasets/stations/versions/\(second)/rows?id=1").status == .ok)
            // As WithdrawalBook does it: the folder leaves, a tombstone folder is renamed into its
            // place, latest.json goes back to the version left, and the withdrawal is recorded.
            let releases = fixture.root.appendingPathComponent("releases/stations")
            try FileManager.default.removeItem(at: releases.appendingPathComponent(second))
            let temporary = releases.appendingPathComponent(".withdrawn-\(second).tmp")
            try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
            let w = Withdrawal(number: "stations-W1", dataset: "stations", version: second, reason: "数据有误", by: "张三", recorded: "2030-01-02T00:00:00Z")
            try ArtifactCodec.encode(WithdrawnVersion(number: w.number, dataset: "stations", version: second, title: "测试站点 stations", code: nil,
                                                      reason: w.reason, withdrawn: w.recorded)).write(to: temporary.appendingPathComponent(WithdrawnVersion.fileName))
            try FileManager.default.moveItem(at: temporary, to: releases.appendingPathComponent(second))
            try LatestPointer(datasetId: "stations", version: first, contentHash: "h").write(datasetDirectory: releases)
            try fixture.write("state/withdrawals.json", try ArtifactCodec.encode(WithdrawalList(withdrawals: [w])))
            let gone = try await get(client, "/api/datasets/stations/versions/\(second)/rows?id=1")
            #expect(gone.status == .gone && gone.text.contains("数据有误") && !gone.text.contains("张三"), "\(gone.status) \(gone.text)")
            #expect(try Self.json(try await get(client, "/api/datasets/stations/rows?fields=id&limit=1"))["version"] as? String == first)
            #expect(try await get(client, "/api/datasets/stations/rows?fields=id,aqi&limit=2&cursor=\(cursor)").status == .badRequest)
        }
    }

    static func base64url(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test("injection attempts, bad types, unknown and unindexed fields, huge limits and forged or deep cursors are clean 400s with a stable code and a Chinese message",
          arguments: [
              ("district=x%27%20OR%201%3D1--", 200, ""),  // a value is bound: no row has it
              ("district%22%3B%20DROP%20TABLE%20rows%3B--=1", 400, "unknown_field"),
              ("fields=id,%22name%22", 400, "unknown_field"),
              ("sort=id;DELETE", 400, "unknown_field"),
              ("nosuch=1", 400, "unknown_field"),
              ("aqi=abc", 400, "bad_value"),
              ("aqi__gte=1e400", 400, "bad_value"),
              ("id=1%20OR%201=1", 400, "bad_value"),
              ("name=x", 400, "field_not_filterable"),
              ("sort=name", 400, "field_not_sortable"),
              ("aqi__like=1", 400, "bad_operator"),
              ("limit=100000000000000000000", 400, "bad_limit"),
              ("limit=5000", 400, "limit_too_large"),
              ("limit=0", 400, "bad_limit"),
              ("limit=1&limit=2", 400, "duplicate_parameter"),
              ("format=xml", 400, "bad_format"),
              ("cursor=AAAA", 400, "invalid_cursor"),
              ("cursor=%25%25", 400, "invalid_cursor"),
              ("cursor=%E4%B8", 400, "bad_query"),
              ("cursor=" + String(repeating: "W1", count: 1500), 400, "invalid_cursor"),
              ("cursor=" + RowsAPITests.base64url(String(repeating: "[", count: 500) + String(repeating: "]", count: 500)), 400, "invalid_cursor"),
              ("cursor=" + RowsAPITests.base64url("[1,\"2026.09.21.1\",\"0000000000000000\",5]"), 400, "invalid_cursor"),
              ("sort=aqi&cursor=" + RowsAPITests.base64url("[1,\"V\",\"F\",5,\"' OR 1=1\"]"), 400, "invalid_cursor"),
          ])
    func refused(query: String, status: Int, code: String) async throws {
        try await Self.withRows { _, client, _ in
            let r = try await get(client, "/api/datasets/stations/rows?\(query)")
            #expect(Int(r.status.code) == status, "\(query): \(r.text)")
            let body = try Self.json(r)
            if status == 200 {
                #expect(body["count"] as? Int == 0)
                return
            }
            #expect(body["code"] as? String == code, "\(query): \(body)")
            let message = try #require(body["error"] as? String)
            #expect(message.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "a Chinese message: \(message)")
            #expect(!message.contains("sqlite") && !message.contains("SQL"), "no database internals: \(message)")
        }
    }

    @Test("a cursor from another query is refused; the table is intact after the injection attempts")
    func cursorOfAnotherQuery() async throws {
        try await Self.withRows { _, client, _ in
            let page = try Self.json(try await get(client, "/api/datasets/stations/rows?aqi__gte=10&limit=5"))
            let cursor = try #require(page["next_cursor"] as? String)
            let other = try await get(client, "/api/datasets/stations/rows?aqi__gte=11&limit=5&cursor=\(cursor)")
            #expect(other.status == .badRequest && Self.code(other) == "invalid_cursor")
            _ = try await get(client, "/api/datasets/stations/rows?district%22%3B%20DROP%20TABLE%20rows%3B--=1")
            #expect((try Self.json(try await get(client, "/api/datasets/stations/rows?limit=1")))["count"] as? Int == 1)
        }
    }

    @Test("有条件开放 datasets are 403 without an access token (ConditionalAccessTests: with one); a version without a SQLite file is 404 no_rows_api; an unknown dataset 404")
    func access() async throws {
        try await Self.withRows { _, client, _ in
            let conditional = try await get(client, "/api/datasets/permits/rows")
            #expect(conditional.status == .forbidden && Self.code(conditional) == "access_token_required")
            #expect(!conditional.text.contains("站点"))
            let fileless = try await get(client, "/api/datasets/air-quality/rows")
            #expect(fileless.status == .notFound && Self.code(fileless) == "no_rows_api")
            #expect(try await get(client, "/api/datasets/no-such/rows").status == .notFound)
            #expect(try await get(client, "/api/datasets/..%2Fstate/rows").status == .notFound)
        }
    }

    @Test("past its burst a client gets 429 with Retry-After; a query past the time limit is stopped with 503 query_timeout")
    func limits() async throws {
        try await Self.withRows(limits: RowsAPILimits(perSecond: 0.01, burst: 3)) { _, client, _ in
            for _ in 0..<3 { #expect(try await get(client, "/api/datasets/stations/rows?limit=1").status == .ok) }
            let limited = try await get(client, "/api/datasets/stations/rows?limit=1")
            #expect(limited.status == .tooManyRequests && limited.headers[HeaderName.retryAfter].flatMap { Int($0) }.map { $0 >= 1 } == true)
            #expect(Self.code(limited) == "rate_limited")
        }
        try await Self.withRows(limits: RowsAPILimits(perSecond: 100, burst: 100, queryTimeout: 0)) { _, client, _ in
            let slow = try await get(client, "/api/datasets/stations/rows?aqi__ne=5&sort=-aqi&limit=1000")
            #expect(slow.status == .serviceUnavailable && Self.code(slow) == "query_timeout", "\(slow.text)")
        }
    }

    @Test("/api/openapi.json is a valid OpenAPI 3.1 document (openapi-spec-validator) naming the rows, dataset and change routes; /api explains them in Chinese with curl and Python and no script")
    func documentation() async throws {
        try await Self.withRows { _, client, _ in
            let r = try await get(client, "/api/openapi.json")
            #expect(r.status == .ok && r.headers[HeaderName.allowOrigin] == "*")
            let doc = try Self.json(r)
            #expect(doc["openapi"] as? String == "3.1.0")
            let paths = try #require(doc["paths"] as? [String: Any])
            #expect(Set(paths.keys).isSuperset(of: ["/api/datasets", "/api/datasets/{id}", "/api/datasets/{id}/rows", "/api/datasets/{id}/versions/{version}/rows", "/api/changes"]))
            if let python = FeedTests.python {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: python)
                p.arguments = ["-c", "import json, sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(sys.stdin))\nprint('valid')"]
                let input = Pipe(), output = Pipe()
                p.standardInput = input
                p.standardOutput = output
                p.standardError = output
                try p.run()
                input.fileHandleForWriting.write(Data(buffer: r.body))
                try input.fileHandleForWriting.close()
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.waitUntilExit()
                #expect(p.terminationStatus == 0 && text.contains("valid"), "\(text)")
            } else if ProcessInfo.processInfo.environment["ODP_REQUIRE_SERVICES"] == "1" {
                Issue.record("the test venv lacks openapi-spec-validator: run scripts/setup.sh --test")
            }
            #expect(Set(paths.keys).isSuperset(of: ["/api/applications/status", "/api/datasets/{id}/applications", "/api/datasets/{id}/feedback"]))
            let page = try await get(client, "/api")
            #expect(page.status == .ok && page.text.contains("数据开放接口") && page.text.contains("curl ") && page.text.contains("import requests"))
            #expect(!page.text.contains("<script") && page.headers[HeaderName.csp]?.contains("script-src 'self'") == true)
        }
    }

    @Test("every /api route the portal serves is in /api/openapi.json with the same methods, and the document names no route the portal lacks")
    func everyRouteDocumented() throws {
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        let server = try PortalServer(root: fixture.root, port: 0, token: nil) { _, _, _, _, _ in }
        let router = server.makeRouter(usage: UsageCounter(state: fixture.root.appendingPathComponent("state"), interval: 30))
        // HEAD is generated for every GET (`autoGenerateHeadEndpoints`); OpenAPI leaves it implied.
        let served = Set(router.routes.filter { $0.path.description.hasPrefix("/api/") && $0.method != .head }
            .map { "\($0.method.rawValue.lowercased()) \($0.path.description)" })
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.text.utf8)) as? [String: Any])
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        let documented = Set(paths.flatMap { path, item in item.keys.filter(methods.contains).map { "\($0) \(path)" } })
        #expect(served.isSuperset(of: ["get /api/datasets/{id}/rows", "post /api/applications/status"]), "the router's routes were read: \(served.sorted())")
        #expect(served.subtracting(documented).isEmpty, "served but not in the OpenAPI document: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        // The Chinese /api page lists the same routes (the document and the index page themselves aside).
        let page = APIPage.render()
        let unlisted = Set(paths.keys).subtracting(["/api/openapi.json"]).filter { !page.contains(HTML.escape($0)) }
        #expect(unlisted.isEmpty, "in the OpenAPI document but not on the /api page: \(unlisted.sorted())")
    }
}

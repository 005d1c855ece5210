import Foundation
import ODPCore
import ODPPipeline
import ODPPortal
import Testing

/// Issue 19 §2: the catalog step writes the feeds the portal serves, byte for byte, uploads
/// the site feed with the catalog, and the portal cuts the DCAT catalog to what changed.
@Suite("Catalog feeds and the modified-since catalog", .serialized)
struct CatalogFeedTests {
    @Test("catalog/feed.atom and catalog/feeds/<id>.atom equal the portal's /feed.atom and /datasets/<id>/feed.atom, errata included; feed.atom reaches the target")
    func feedsMatchPortal() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let version = try #require(try fixture.run().outcomes.first { $0.dataset == "jtys-bus-stops" }?.version)
        _ = try ErrataBook(layout: OutputLayout(root: fixture.output)).record(dataset: "jtys-bus-stops", version: version, text: "站点坐标系说明有误。", by: "张三", fixedIn: nil)
        _ = try fixture.run()
        let catalog = fixture.output.appendingPathComponent("catalog")
        let site = try String(contentsOf: catalog.appendingPathComponent("feed.atom"), encoding: .utf8)
        let dataset = try String(contentsOf: catalog.appendingPathComponent("feeds/jtys-bus-stops.atom"), encoding: .utf8)
        #expect(site.contains("urn:odp:erratum:jtys-bus-stops-E1") && site.contains("站点坐标系说明有误。") && !site.contains("张三"))
        #expect(dataset.contains("发布版本 \(version)"))
        #expect(!FileManager.default.fileExists(atPath: catalog.appendingPathComponent("feeds/mzj-elderly-care.atom").path), "a held dataset has no feed")
        let uploaded = fixture.output.appendingPathComponent("published/catalog/feed.atom")
        #expect(FileManager.default.contents(atPath: uploaded.path) == Data(site.utf8), "uploaded with the catalog")

        try await withPortal(fixture.output) { port throws in
            let served = try await Self.get(port, "/feed.atom").body
            let servedDataset = try await Self.get(port, "/datasets/jtys-bus-stops/feed.atom").body
            let servedFile = try await Self.get(port, "/catalog/feed.atom").body
            #expect(served == site)
            #expect(servedDataset == dataset)
            #expect(servedFile == site)
        }
    }

    @Test("/catalog/dcat.jsonld?modified_since= keeps the versions modified after the time, with their series; a bad date is a 400")
    func modifiedSince() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        _ = try fixture.run()
        try await withPortal(fixture.output) { port throws in
            func datasets(_ query: String) async throws -> [[String: Any]] {
                let answer = try await Self.get(port, "/catalog/dcat.jsonld?modified_since=\(query)")
                #expect(answer.status == 200 && answer.type == "application/ld+json", "\(answer.body.prefix(300))")
                let tree = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
                let catalog = (tree?["@graph"] as? [[String: Any]])?.first
                #expect(catalog?["@type"] as? String == "dcat:Catalog")
                return catalog?["dcat:dataset"] as? [[String: Any]] ?? []
            }
            let all = try await datasets("2000-01-01")
            #expect(!all.isEmpty && all.allSatisfy { $0["dcat:version"] != nil && $0["dcat:inSeries"] != nil })
            #expect(all.contains { ($0["dcat:inSeries"] as? [String: Any])?["@type"] as? String == "dcat:DatasetSeries" })
            let none = try await datasets("2999-01-01T00:00:00Z")
            #expect(none.isEmpty)
            for bad in ["yesterday", "2026-13", "2026-12-07T10:00:00"] {
                let answer = try await Self.get(port, "/catalog/dcat.jsonld?modified_since=\(bad)")
                #expect(answer.status == 400 && answer.body.contains("modified_since"), "\(bad)")
            }
        }
    }

    @Test("odp run tells `webhooks:` subscribers after the catalog step; one that cannot be reached is journaled, listed by odp status, and fails nothing")
    func webhookWiring() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let key = fixture.root.appendingPathComponent("hook.key")
        try Data("k\n".utf8).write(to: key)
        // Port 9 (discard) on loopback: nothing listens, the connection is refused.
        let config = URL(fileURLWithPath: fixture.configPath)
        try Data((try String(contentsOf: config, encoding: .utf8) + "\nwebhooks:\n  - url: http://127.0.0.1:9/hook?token=t\n    secret: file:\(key.path)\n").utf8).write(to: config)
        let summary = try fixture.run()
        #expect(summary.catalogError == nil)
        let failures = try StatusReport(workspace: try fixture.workspace()).webhookFailures
        #expect(failures.count == 1 && failures.first?.subscriber == "http://127.0.0.1:9/hook" && failures.first?.event.hasPrefix("version:") == true, "\(failures)")
        #expect(failures.first?.message.contains("下次运行时重试") == true)
    }

    func withPortal(_ root: URL, _ body: (Int) async throws -> Void) async throws {
        let server = try PortalServer(root: root, host: "127.0.0.1", port: 0, token: nil) { _, _, _, _, _ in }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.run { port in continuation.yield(port) } }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        try await body(try #require(await iterator.next()))
    }

    /// Through curl, as CatalogLinksTests does: the in-process portal keeps the cooperative pool.
    static func get(_ port: Int, _ path: String) async throws -> (status: Int, type: String?, body: String) {
        let out = try await CatalogLinksTests.curl(["-s", "-w", "\n%{http_code} %{content_type}", "http://127.0.0.1:\(port)\(path)"])
        let cut = out.range(of: "\n", options: .backwards)!
        let tail = out[cut.upperBound...].split(separator: " ", maxSplits: 1)
        return (Int(tail.first ?? "") ?? 0, tail.count > 1 ? String(tail[1]) : nil, String(out[..<cut.lowerBound]))
    }
}

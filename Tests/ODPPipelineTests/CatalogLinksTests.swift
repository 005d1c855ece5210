import Foundation
import ODPCore
import ODPPipeline
import ODPPortal
import Testing

/// Issue 16 item 11: the open list and DCAT link to files that exist wherever the catalog
/// is served — the published copy and the portal — its filters run under the portal's CSP,
/// contacts show name and phone, and times name their zone.
@Suite("Catalog links, filters, contacts and times", .serialized)
struct CatalogLinksTests {
    /// Every download link of the open list and the DCAT catalog in `catalog`.
    static func links(_ catalog: URL) throws -> [String] {
        let list = try JSONSerialization.jsonObject(with: Data(contentsOf: catalog.appendingPathComponent("open-list.json"))) as? [String: Any]
        var out = ((list?["datasets"] as? [[String: Any]]) ?? []).compactMap { $0["download_url"] as? String }
        func downloads(_ node: Any) -> [String] {
            if let o = node as? [String: Any] {
                let own = ((o["dcat:downloadURL"] as? [String: Any])?["@id"] as? String).map { [$0] } ?? []
                return own + o.values.flatMap(downloads)
            }
            return (node as? [Any])?.flatMap(downloads) ?? []
        }
        out += downloads(try JSONSerialization.jsonObject(with: Data(contentsOf: catalog.appendingPathComponent("dcat.jsonld"))))
        let html = try String(contentsOf: catalog.appendingPathComponent("open-list.html"), encoding: .utf8)
        out += html.matches(of: /<a href="([^"]+)"/).map { String($0.output.1) }
        return out
    }

    @Test("every catalog link resolves in the published copy and in the portal; the filters run under the CSP")
    func linksResolve() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        _ = try fixture.run()
        let published = fixture.output.appendingPathComponent("published/catalog")
        let links = try Self.links(published)
        #expect(links.count >= 9, "\(links)")
        for link in links {
            #expect(!link.contains("releases/"), "\(link)")
            let file = published.appendingPathComponent(link).standardizedFileURL
            #expect(FileManager.default.fileExists(atPath: file.path), "published copy: \(link) → \(file.path)")
        }
        #expect(FileManager.default.fileExists(atPath: published.appendingPathComponent("open-list.js").path))
        let html = try String(contentsOf: published.appendingPathComponent("open-list.html"), encoding: .utf8)
        #expect(!html.contains("<script>"), "no inline script: the portal's CSP would block it")
        #expect(html.contains("（北京时间）"))

        try await WithdrawalTests.withPortal(fixture) { portal in
            let base = URL(string: "\(portal)/catalog/open-list.html")!
            for link in links {
                let url = try #require(URL(string: link, relativeTo: base)?.absoluteURL)
                #expect(try await Self.status(url) == 200, "portal: \(link) → \(url)")
            }
            if let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
                let dom = try await Self.dumpDOM(chromium, base.absoluteString)
                #expect(dom.contains("data-ready=\"true\""), "the filter script did not run under the portal's CSP")
            }
            // Contact name and phone, and the zone of times, on the portal's dataset page.
            let page = try await Self.body(URL(string: "\(portal)/datasets/scjg-individual-business")!)
            #expect(page.contains("数据开放专员 0591-87000000"))
            #expect(page.contains("（北京时间）"))
            // And in the JSON API.
            let api = try await Self.body(URL(string: "\(portal)/api/datasets/scjg-individual-business")!)
            let record = try JSONSerialization.jsonObject(with: Data(api.utf8)) as? [String: Any]
            #expect((record?["contact"] as? String)?.contains("数据开放专员 0591-87000000") == true, "\(api.prefix(800))")
        }
    }

    @Test("a release's README and datapackage.json show the contact's name and phone and times in 北京时间")
    func contactEverywhere() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let summary = try fixture.run(.init(datasets: ["scjg-individual-business"]))
        let version = try #require(summary.outcomes.first?.version)
        let release = fixture.output.appendingPathComponent("releases/scjg-individual-business/\(version)")
        let readme = try String(contentsOf: release.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("| 联系人 | 数据开放专员 |"))
        #expect(readme.contains("| 联系电话 | 0591-87000000 |"))
        #expect(readme.contains("（北京时间）"))
        let package = try JSONSerialization.jsonObject(with: Data(contentsOf: release.appendingPathComponent("datapackage.json"))) as? [String: Any]
        let contact = (package?["contributors"] as? [[String: Any]])?.first { ($0["roles"] as? [String])?.contains("contact") == true }
        #expect(contact?["title"] as? String == "数据开放专员")
        #expect(contact?["phone"] as? String == "0591-87000000")
    }

    static func status(_ url: URL) async throws -> Int {
        Int(try await curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", url.absoluteString])) ?? 0
    }

    static func body(_ url: URL) async throws -> String { try await curl(["-s", url.absoluteString]) }

    /// An empty DOM means Chromium itself gave up (seen once under a loaded full run), not that
    /// the page is empty, so that one outcome is tried a second time.
    static func dumpDOM(_ chromium: String, _ url: String) async throws -> String {
        for _ in 0..<2 {
            let profile = FileManager.default.temporaryDirectory.appendingPathComponent("odp-chromium-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: profile) }
            let dom = try await run("/usr/bin/timeout", ["120", chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                                         "--user-data-dir=\(profile.path)", "--no-first-run", "--dump-dom", url])
            if !dom.isEmpty { return dom }
            print("retrying: chromium printed no DOM for \(url)")
        }
        return ""
    }

    static func curl(_ arguments: [String]) async throws -> String { try await run("/usr/bin/curl", ["--max-time", "120"] + arguments) }

    /// Waits on a Dispatch thread, so the in-process portal keeps the cooperative pool.
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = arguments
                    let out = Pipe()
                    process.standardOutput = out
                    process.standardError = FileHandle.nullDevice
                    try process.run()
                    let data = out.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: String(decoding: data, as: UTF8.self))
                } catch { continuation.resume(throwing: error) }
            }
        }
    }
}

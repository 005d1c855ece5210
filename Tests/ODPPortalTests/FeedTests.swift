import Foundation
import Hummingbird
import HummingbirdTesting
import ODPCore
import Testing
@testable import ODPPortal

@Suite("Atom feeds of versions and errata")
struct FeedTests {
    /// The `.venv-test` python (scripts/setup.sh --test), with feedparser.
    static var python: String? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venv = ProcessInfo.processInfo.environment["ODP_TEST_VENV"] ?? root.appendingPathComponent(".venv-test").path
        return access(venv + "/bin/python", X_OK) == 0 ? venv + "/bin/python" : nil
    }

    /// What feedparser, a real feed reader, makes of `xml`: whether it was well-formed, the
    /// feed title and each entry's id, title, link and summary.
    static func parse(_ xml: String) throws -> [String: Any]? {
        guard let python = python else {
            if ProcessInfo.processInfo.environment["ODP_REQUIRE_SERVICES"] == "1" { Issue.record("the test venv lacks feedparser: run scripts/setup.sh --test") }
            return nil
        }
        let script = """
        import feedparser, json, sys
        d = feedparser.parse(sys.stdin.buffer.read())
        print(json.dumps({"bozo": d.bozo, "version": d.version, "title": d.feed.get("title"), "entries": [
            {"id": e.id, "title": e.title, "link": e.link, "summary": e.summary, "updated": e.updated, "author": e.get("author")} for e in d.entries]}))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(xml.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return try JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    @Test("/feed.atom and a dataset's feed parse as Atom 1.0 in feedparser, list versions with what changed and the errata, newest first")
    func feeds() async throws {
        try await withPortal { fixture, client in
            let errata = ErrataList(errata: [
                Erratum(number: "air-quality-E1", dataset: "air-quality", version: "2026.11.20.1", text: "东四站 PM2.5 单位误写为 mg/m³\u{1}，应为 μg/m³ <b>", by: "张三",
                        recorded: "2026-11-24T01:00:00Z", fixedIn: "2026.11.23.1"),
            ])
            try fixture.write("state/errata.json", try ArtifactCodec.encode(errata))
            let site = try await get(client, "/feed.atom")
            #expect(site.status == .ok && site.headers[.contentType] == "application/atom+xml; charset=utf-8")
            let body = String(buffer: site.body)
            #expect(!body.contains("张三"), "who recorded a notice is not published")
            guard let feed = try Self.parse(body) else { return }
            #expect(feed["bozo"] as? Int == 0 && feed["version"] as? String == "atom10", "\(feed)")
            let entries = try #require(feed["entries"] as? [[String: Any]])
            #expect(entries.first?["id"] as? String == "urn:odp:erratum:air-quality-E1", "newest first: \(entries.map { $0["id"] ?? "" })")
            #expect((entries.first?["summary"] as? String)?.contains("μg/m³ <b>（已在版本 2026.11.23.1 更正）") == true, "\(entries.first ?? [:])")
            let version = try #require(entries.first { ($0["id"] as? String) == "urn:odp:11000000-AQ-001:2026.11.23.1" })
            #expect((version["summary"] as? String)?.contains("新增") == true && (version["link"] as? String)?.hasSuffix("/datasets/air-quality?version=2026.11.23.1") == true)
            #expect(version["author"] as? String == "市生态环境局")

            let one = try await get(client, "/datasets/air-quality/feed.atom")
            let dataset = try #require(try Self.parse(String(buffer: one.body)))
            #expect(dataset["bozo"] as? Int == 0)
            let ids = (dataset["entries"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids == ["urn:odp:erratum:air-quality-E1", "urn:odp:11000000-AQ-001:2026.11.23.1", "urn:odp:11000000-AQ-001:2026.11.20.1"], "\(ids)")
            #expect(try await get(client, "/datasets/no-such/feed.atom").status == .notFound)

            // The dataset page lists the notice, escaped, and links the feed.
            let page = String(buffer: try await get(client, "/datasets/air-quality").body)
            #expect(page.contains("<h2>勘误</h2>") && page.contains("air-quality-E1") && page.contains("μg/m³ &lt;b&gt;") && page.contains("已在版本 2026.11.23.1 更正"))
            #expect(page.contains("href=\"/datasets/air-quality/feed.atom\"") && !page.contains("张三"))
        }
    }

    @Test("/api/changes?since= lists versions and notices after that time, oldest first; a bad since is 400; the dataset API carries the notices without their recorder")
    func changesSince() async throws {
        try await withPortal { fixture, client in
            try fixture.write("state/errata.json", try ArtifactCodec.encode(ErrataList(errata: [
                Erratum(number: "air-quality-E1", dataset: "air-quality", version: "2026.11.20.1", text: "单位有误", by: "张三", recorded: "2030-01-02T00:00:00Z"),
            ])))
            func changes(_ since: String) async throws -> [[String: Any]] {
                let r = try await get(client, "/api/changes?since=\(since)")
                #expect(r.status == .ok, "\(since)")
                let o = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
                return o?["changes"] as? [[String: Any]] ?? []
            }
            let all = try await changes("2000-01-01")
            let versions = all.filter { $0["kind"] as? String == "version" && $0["dataset"] as? String == "air-quality" }.compactMap { $0["version"] as? String }
            #expect(versions == ["2026.11.20.1", "2026.11.23.1"], "\(all)")
            #expect(all.last?["kind"] as? String == "erratum" && all.last?["number"] as? String == "air-quality-E1", "oldest first")
            let times = all.compactMap { $0["time"] as? String }
            #expect(times == times.sorted())
            let after = try await changes("2029-12-31T00:00:00Z")
            #expect(after.count == 1 && after.first?["kind"] as? String == "erratum")
            #expect(try await changes("2031-01-01").isEmpty)
            for bad in ["", "yesterday", "2026-13", "2026-12-01T00:00:00", "2026-12-01%27%20OR%201=1"] {
                #expect(try await get(client, "/api/changes?since=\(bad)").status == .badRequest, "\(bad)")
            }
            #expect(try await get(client, "/api/changes").status == .badRequest)
            let api = String(buffer: try await get(client, "/api/datasets/air-quality").body)
            #expect(api.contains("\"number\" : \"air-quality-E1\"") && !api.contains("张三"), "\(api.prefix(2000))")
        }
    }
}

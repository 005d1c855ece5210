import Foundation
import Hummingbird
import HummingbirdTesting
import ODPCore
import Testing
@testable import ODPPortal

/// Loads the portal in headless Chromium (Debian `chromium`) over a live server on
/// 127.0.0.1 and keeps screenshots in `<package>/output/screenshots/` for people to look at.
/// Without chromium the test is skipped, unless ODP_REQUIRE_SERVICES=1 makes it fail.
@Suite("Portal in a real browser", .serialized)
struct BrowserTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static var screenshots: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("output/screenshots")
    }

    @Test("the home and dataset pages render in Chromium with their Chinese text")
    func browser() async throws {
        guard let chromium = Self.requireChromium() else { return }
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        let server = try PortalServer(root: fixture.root, host: "127.0.0.1", port: 0, token: "browser-token") { _, _, _, _, _ in }
        try await server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let base = "http://127.0.0.1:\(port)"
            let pages = [("home", "/", ["公共数据开放平台", "空气质量日报", "生态环境", "共找到"]),
                         ("search", "/?q=%E7%A9%BA%E6%B0%94%E8%B4%A8%E9%87%8F", ["空气质量日报", "共找到"]),
                         ("dataset", "/datasets/air-quality", ["空气质量日报", "数据字典", "朝阳奥体中心", "数据下载"]),
                         ("hostile", "/datasets/hostile", ["<script>alert(1)</script>"]),
                         ("approvals", "/approvals", ["数据专员登录", "审核口令"])]
            for (name, path, texts) in pages {
                let dom = try await Self.run(chromium, ["--dump-dom", base + path])
                for t in texts {
                    // The DOM serializer escapes text nodes, so hostile text must come back as text.
                    let expected = t.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                    #expect(dom.contains(expected), "\(name): missing \(t)")
                }
                #expect(!dom.contains("<script>alert"), "\(name): script element in the DOM")
                let shot = Self.screenshots.appendingPathComponent("\(name).png")
                try? FileManager.default.removeItem(at: shot)
                _ = try await Self.run(chromium, ["--screenshot=\(shot.path)", "--window-size=1280,2000", base + path])
                #expect(FileManager.default.fileExists(atPath: shot.path), "\(name): no screenshot")
            }
            let search = try await Self.run(chromium, ["--dump-dom", base + "/?q=%E7%A9%BA%E6%B0%94%E8%B4%A8%E9%87%8F"])
            #expect(search.contains("共找到 <b>1</b> 个数据集"), "searching 空气质量 finds exactly the air-quality dataset")
            // What a researcher does next: download the CSV the dataset page links and compare
            // its SHA-256 with the one the page shows beside the link.
            let page = try await Self.run(chromium, ["--dump-dom", base + "/datasets/air-quality"])
            let link = "/datasets/air-quality/2026.11.23.1/data/air-quality.csv"
            let after = try #require(page.range(of: "href=\"\(link)\"")).upperBound
            let shown = try #require(page[after...].firstMatch(of: /[0-9a-f]{64}/)).output
            let csv = try await client.execute(uri: link, method: .get)
            #expect(csv.status == .ok)
            #expect(SHA256Hex.of(Data(buffer: csv.body)) == String(shown))
        }
    }

    @Test("a researcher walks from search to an old version's checked download and the version's feed entry")
    func researcherPath() async throws {
        guard let chromium = Self.requireChromium() else { return }
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        let server = try PortalServer(root: fixture.root, host: "127.0.0.1", port: 0, token: "browser-token") { _, _, _, _, _ in }
        try await server.makeApplication().test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            // Each step follows a link the page before it rendered, as a reader would click it.
            func href(_ dom: String, _ pattern: Regex<(Substring, Substring)>, _ step: String) throws -> String {
                let found = try #require(dom.firstMatch(of: pattern), "\(step): no such link")
                return String(found.1).replacingOccurrences(of: "&amp;", with: "&")
            }
            let search = try await Self.run(chromium, ["--dump-dom", base + "/?q=%E7%A9%BA%E6%B0%94%E8%B4%A8%E9%87%8F"])
            let datasetPage = try href(search, /href="(\/datasets\/air-quality)"/, "search result")
            let page = try await Self.run(chromium, ["--dump-dom", base + datasetPage])
            #expect(page.contains("版本记录") && page.contains("最新"))
            // The version list links the older version, which stays downloadable.
            let old = try href(page, /href="(\/datasets\/air-quality\?version=2026\.11\.20\.1)"/, "version list")
            let oldPage = try await Self.run(chromium, ["--dump-dom", base + old])
            let csvLink = try href(oldPage, /href="(\/datasets\/air-quality\/2026\.11\.20\.1\/data\/air-quality\.csv)"/, "old version's CSV")
            let after = try #require(oldPage.range(of: "href=\"\(csvLink)\"")).upperBound
            let shown = try #require(oldPage[after...].firstMatch(of: /[0-9a-f]{64}/)).output
            let csv = try await client.execute(uri: csvLink, method: .get)
            #expect(csv.status == .ok)
            #expect(SHA256Hex.of(Data(buffer: csv.body)) == String(shown), "the old version's CSV matches the checksum its page shows")
            #expect(String(buffer: csv.body).contains("2026-11-19"), "the old version's own rows, not the latest's")
            // The feed the page offers has an entry for the newer version.
            let feedLink = try href(page, /href="(\/datasets\/air-quality\/feed\.atom)"/, "feed link")
            let feed = try await client.execute(uri: feedLink, method: .get)
            #expect(feed.status == .ok && (feed.headers[.contentType] ?? "").contains("atom"))
            let xml = String(buffer: feed.body)
            let entry = try #require(xml.range(of: "<entry>").map { xml[$0.lowerBound...] }, "no entry in \(xml)")
            #expect(entry.contains("2026.11.23.1"), "\(xml)")
            #expect(xml.contains("/datasets/air-quality?version=2026.11.23.1") || xml.contains("/datasets/air-quality/2026.11.23.1"), "the entry links the version: \(xml)")
        }
    }

    /// Chromium's path; without it the test is skipped, or fails under ODP_REQUIRE_SERVICES=1.
    static func requireChromium() -> String? {
        if let chromium { return chromium }
        if ProcessInfo.processInfo.environment["ODP_REQUIRE_SERVICES"] == "1" {
            Issue.record("chromium is not installed (apt-get install -y chromium fonts-noto-cjk) and ODP_REQUIRE_SERVICES=1")
        } else {
            print("skipped: chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
        }
        return nil
    }

    /// Waits for Chromium on a Dispatch thread: blocking a cooperative-pool thread here would
    /// starve the in-process portal that Chromium is talking to (2 cores = 2 pool threads).
    static func run(_ chromium: String, _ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do { continuation.resume(returning: try runBlocking(chromium, arguments)) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    static func runBlocking(_ chromium: String, _ arguments: [String]) throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("odp-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["90", chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--hide-scrollbars", "--user-data-dir=\(profile.path)", "--no-first-run"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

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

    @Test("a researcher walks from search to the preview, sorts and filters it through the API, downloads and checks the file; then an old version's download and the feed")
    func researcherPath() async throws {
        guard let chromium = Self.requireChromium() else { return }
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        let stations = try RowsAPITests.addStations(fixture)
        let server = try PortalServer(root: fixture.root, host: "127.0.0.1", port: 0, token: "browser-token") { _, _, _, _, _ in }
        try await server.makeApplication().test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            // Each step follows a link the page before it rendered, as a reader would click it.
            func href(_ dom: String, _ pattern: Regex<(Substring, Substring)>, _ step: String) throws -> String {
                let found = try #require(dom.firstMatch(of: pattern), "\(step): no such link")
                return String(found.1).replacingOccurrences(of: "&amp;", with: "&")
            }
            try await previewWalk(chromium, client, base: base, version: stations, href: href)
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

    /// Find `stations` by searching → its page → the script's preview (scripts/preview-walk.py:
    /// sort by AQI with the keyboard, filter 行政区 = 东城区 and AQI ≥ 100, next page), each table
    /// the rows the API answers for the same query → download the CSV and check its SHA-256.
    func previewWalk(_ chromium: String, _ client: any TestClientProtocol, base: String, version: String,
                     href: (String, Regex<(Substring, Substring)>, String) throws -> String) async throws {
        let search = try await Self.run(chromium, ["--dump-dom", base + "/?q=%E6%B5%8B%E8%AF%95%E7%AB%99%E7%82%B9"])
        let pagePath = try href(search, /href="(\/datasets\/stations)"/, "search result")
        let page = try await Self.run(chromium, ["--dump-dom", base + pagePath])
        #expect(page.contains("data-rows=\"/api/datasets/stations/versions/\(version)/rows\""), "the page offers the rows API to its script")
        guard let output = try await Self.python("preview-walk.py", [base, pagePath, "aqi", "district=东城区", "aqi=>=100"]) else { return }
        struct Table: Decodable { var status: String; var headers: [String]; var rows: [[String]] }
        struct Walk: Decodable {
            var enhanced, ascending, descending, filtered: Table
            var next: Table?
            var focus: String?
            var labels: [String?]
            var narrow: AccessibilityTests.Page.Narrow
            var console: [String]
        }
        let walk = try JSONDecoder().decode(Walk.self, from: output)
        #expect(walk.console.isEmpty, "browser console errors (CSP?): \(walk.console)")
        // Columns: id, district, aqi, … as the server rendered them.
        let aqi = { (t: Table) in t.rows.compactMap { Int($0[2]) } }
        #expect(walk.enhanced.rows.count == 20 && walk.enhanced.status.hasPrefix("第 1 页，本页 20 行"), "\(walk.enhanced.status)")
        #expect(walk.ascending.headers.contains("aqi:ascending") && aqi(walk.ascending) == aqi(walk.ascending).sorted())
        #expect(walk.focus == "aqi", "focus stays on the sort button after the table is rebuilt")
        #expect(walk.descending.headers.contains("aqi:descending") && aqi(walk.descending) == aqi(walk.descending).sorted(by: >))
        #expect(walk.labels.contains("行政区（district）") && walk.labels.contains("空气质量指数（aqi）"), "\(walk.labels)")
        #expect(walk.filtered.status.contains("筛选：行政区 东城区；空气质量指数 >=100"), "\(walk.filtered.status)")
        #expect(walk.filtered.rows.count == 20 && walk.filtered.rows.allSatisfy { $0[1] == "东城区" && (Int($0[2]) ?? 0) >= 100 })
        // The very rows the API answers for the same query, page by page.
        let query = "/api/datasets/stations/versions/\(version)/rows?limit=20&sort=-aqi&district=%E4%B8%9C%E5%9F%8E%E5%8C%BA&aqi__gte=100"
        let first = try RowsAPITests.json(try await get(client, query))
        let ids = { (rows: Any?) in ((rows as? [[String: Any]]) ?? []).map { "\($0["id"] ?? "")" } }
        #expect(walk.filtered.rows.map { $0[0] } == ids(first["rows"]))
        let cursor = try #require(first["next_cursor"] as? String)
        let second = try RowsAPITests.json(try await get(client, query + "&cursor=" + cursor))
        let next = try #require(walk.next, "the filtered preview has a next page")
        #expect(next.status.hasPrefix("第 2 页") && next.rows.map { $0[0] } == ids(second["rows"]))
        #expect(walk.narrow.width == 390 && walk.narrow.scrollWidth <= 390, "at 390 px the wide table scrolls inside itself: \(walk.narrow)")
        // Then the researcher downloads the CSV the page links and checks it against the SHA-256 beside it.
        let link = "/datasets/stations/\(version)/data/stations.csv"
        let after = try #require(page.range(of: "href=\"\(link)\""), "no CSV link on the page").upperBound
        let shown = try #require(page[after...].firstMatch(of: /[0-9a-f]{64}/)).output
        let csv = try await client.execute(uri: link, method: .get)
        #expect(csv.status == .ok && SHA256Hex.of(Data(buffer: csv.body)) == String(shown))
    }

    /// Runs `scripts/<name>` with the test venv's python off the cooperative pool (it blocks for
    /// seconds while the in-process portal must answer); its stdout, or nil (skipped) without
    /// chromedriver or the venv, a failure under ODP_REQUIRE_SERVICES=1.
    static func python(_ name: String, _ arguments: [String]) async throws -> Data? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard let python = FeedTests.python, requireChromium() != nil, FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") else {
            if ProcessInfo.processInfo.environment["ODP_REQUIRE_SERVICES"] == "1" {
                Issue.record("chromedriver or the test venv is missing: run scripts/setup.sh --test")
            }
            return nil
        }
        let (status, data, problems): (Int32, Data, String) = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result<(Int32, Data, String), any Error> {
                    let p = Process()
                    p.executableURL = URL(fileURLWithPath: python)
                    p.arguments = [root.appendingPathComponent("scripts/\(name)").path] + arguments
                    let output = Pipe(), errors = Pipe()
                    p.standardOutput = output
                    p.standardError = errors
                    try p.run()
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    p.waitUntilExit()
                    return (p.terminationStatus, data, problems)
                })
            }
        }
        #expect(status == 0, "\(name) failed: \(problems.suffix(2000))")
        return data
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

    /// Chromium started on a machine busy with the whole suite sometimes prints nothing (killed
    /// by `timeout`, or its renderer lost); that says nothing about the page, so one such run is
    /// retried, and a second is an error that carries Chromium's exit status and last words.
    static func runBlocking(_ chromium: String, _ arguments: [String]) throws -> String {
        var reason = ""
        for _ in 0..<2 {
            let (status, output, errors) = try launch(chromium, arguments)
            if !output.isEmpty || arguments.contains(where: { $0.hasPrefix("--screenshot") }) { return output }
            reason = "chromium printed nothing (exit \(status)): \(errors.suffix(600))"
            print("retrying: \(reason)")
        }
        throw ChromiumFailure(reason: reason)
    }

    struct ChromiumFailure: Error, CustomStringConvertible { var reason: String; var description: String { reason } }

    static func launch(_ chromium: String, _ arguments: [String]) throws -> (Int32, String, String) {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("odp-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["120", chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                             "--hide-scrollbars", "--user-data-dir=\(profile.path)", "--no-first-run"] + arguments
        // stderr goes to a file in the profile so a chatty Chromium never blocks on a full pipe.
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        let log = profile.appendingPathComponent("stderr.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let out = Pipe(), err = try FileHandle(forWritingTo: log)
        defer { try? err.close() }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), errors)
    }
}

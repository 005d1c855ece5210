import Foundation
import HummingbirdTesting
import ODPCore
import Testing
@testable import ODPPortal

/// Issue 20, item 6: every page type passes axe-core with no serious or critical violation,
/// a keyboard user reaches its links and controls with a visible focus, and at a phone's
/// 390 px the page fits and its header does not overlap (item 2). Runs
/// `scripts/a11y-check.py` (selenium, Debian's chromedriver, real headless Chromium) against
/// a live portal on 127.0.0.1.
@Suite("Portal accessibility in a real browser", .serialized)
struct AccessibilityTests {
    struct Page: Decodable {
        struct Violation: Decodable { var id: String; var impact: String?; var help: String; var nodes: [String] }
        struct Stop: Decodable { var tag: String; var text: String; var href: String?; var outline: Bool }
        struct Narrow: Decodable {
            var width: Int; var scrollWidth: Int; var overlap: Bool
            enum CodingKeys: String, CodingKey { case width, scrollWidth = "scroll_width", overlap }
        }
        var violations: [Violation]
        var tabStops: [Stop]
        var narrow: Narrow
        enum CodingKeys: String, CodingKey { case violations, tabStops = "tab_stops", narrow }
    }

    static let pages = ["/", "/?q=%E7%A9%BA%E6%B0%94", "/departments", "/topics", "/departments/%E5%B8%82%E7%94%9F%E6%80%81%E7%8E%AF%E5%A2%83%E5%B1%80",
                        "/datasets/air-quality", "/datasets/air-quality?version=2026.11.20.1", "/datasets/stations", "/applications/status", "/datasets/hostile", "/approvals", "/feedback", "/feedback?page=2", "/no-such-page",
                        // Signed in with the approval token from here on (a11y-check.py --token): the officer's queues.
                        "/approvals/feedback"]

    /// The checker's findings per page; nil (the test skipped) without chromedriver or the venv.
    /// `token`: pages under /approvals/ are checked signed in with it.
    static func check(_ base: String, _ paths: [String], token: String? = nil) async throws -> [String: Page]? {
        guard let data = try await BrowserTests.python("a11y-check.py", (token.map { ["--token", $0] } ?? []) + [base] + paths) else { return nil }
        struct Report: Decodable { var pages: [String: Page] }
        return try JSONDecoder().decode(Report.self, from: data).pages
    }

    @Test("axe-core finds no serious or critical violation on any page type; Tab reaches every link with a visible focus")
    func axe() async throws {
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        _ = try RowsAPITests.addStations(fixture)
        // 501 answered items on stations page /feedback (its page links); the feedback queue has
        // an open item (its answer form) and answered ones.
        try FeedbackTests.writeMany(fixture, dataset: "stations", count: 501, status: .declined)
        let book = FeedbackBook(state: fixture.root.appendingPathComponent("state"))
        _ = try book.submit(dataset: "air-quality", FeedbackForm.Submission(kind: .correction, text: "朝阳奥体中心 PM2.5 数值有误", contact: "wang@example.org",
                                                                            version: "2026.11.23.1"), withheld: false)
        let answered = try book.submit(dataset: "air-quality", FeedbackForm.Submission(kind: .request, text: "希望增加区县字段"), withheld: false)
        _ = try book.fix(answered.number, version: "2026.11.23.1", erratum: nil, by: "数据专员", published: ["2026.11.23.1"], errata: [])
        let server = try PortalServer(root: fixture.root, host: "127.0.0.1", port: 0, token: "a11y-token") { _, _, _, _, _ in }
        try await server.makeApplication().test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            guard let found = try await Self.check(base, Self.pages, token: "a11y-token") else { return }
            #expect(Set(found.keys) == Set(Self.pages))
            for (path, page) in found.sorted(by: { $0.key < $1.key }) {
                let blocking = page.violations.filter { ["serious", "critical"].contains($0.impact ?? "") }
                #expect(blocking.isEmpty, "\(path): \(blocking.map { "\($0.impact ?? "") \($0.id): \($0.help) \($0.nodes)" })")
                #expect(!page.tabStops.isEmpty, "\(path): nothing reachable with Tab")
                let hidden = page.tabStops.filter { !$0.outline }
                #expect(hidden.isEmpty, "\(path): focus not drawn on \(hidden.map { "\($0.tag) \($0.text)" })")
                // On a phone the page fits its width (wide tables scroll inside themselves) and
                // the navigation does not run over the brand.
                #expect(page.narrow.width == 390 && page.narrow.scrollWidth <= 390 && !page.narrow.overlap, "\(path) at 390 px: \(page.narrow)")
            }
            #expect(found["/feedback?page=2"]?.tabStops.contains { $0.href == "/feedback" && $0.text == "上一页" } == true, "the page links are in the Tab order")
            // Signed in, the queue shows the open item's answer form, not the sign-in page.
            #expect(found["/approvals/feedback"]?.tabStops.contains { $0.tag == "button" && $0.text.contains("已修正") } == true,
                    "\(found["/approvals/feedback"]?.tabStops.map { "\($0.tag) \($0.text)" } ?? [])")
            // The search box and a dataset's downloads are within reach of the keyboard.
            #expect(found["/"]?.tabStops.contains { $0.tag == "input" } == true, "\(found["/"]?.tabStops.map(\.tag) ?? [])")
            #expect(found["/datasets/air-quality"]?.tabStops.contains { $0.href?.hasSuffix("/data/air-quality.csv") == true } == true)
            // The preview's filter boxes and sort buttons (the script's controls) are in the Tab order.
            let preview = found["/datasets/stations"]?.tabStops ?? []
            #expect(preview.contains { $0.tag == "input" } && preview.contains { $0.tag == "button" && $0.text.contains("⇅") }, "\(preview.map { "\($0.tag) \($0.text)" })")
        }
    }
}

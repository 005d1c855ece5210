import Foundation
import Hummingbird
import HummingbirdTesting
import ODPCore
import ODPDesensitize
import Testing
@testable import ODPPortal

/// Issue 20 §4 and §5: 纠错与意见 through the form and the JSON API, the officer's queue, the
/// public status without contact details, hostile input; the usage figures the portal counts.
@Suite("纠错与意见 and usage figures")
struct FeedbackTests {
    static let officer = "officer-token"
    static let gate = PublishedFileScanner(today: CivilDateTime(year: 2026, month: 12, day: 7))

    static func withPortal(log: AccessLog = AccessLog(), gate: (any PublishedFileGate)? = FeedbackTests.gate, usageInterval: Double = 0,
                           _ body: @Sendable (PortalFixture, any TestClientProtocol) async throws -> Void) async throws {
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        let server = try PortalServer(root: fixture.root, host: "127.0.0.1", port: 0, token: officer, gate: gate, usageInterval: usageInterval,
                                      onAccess: { log.add($0, $1, $2) }) { _, _, _, _, _ in }
        try await server.makeApplication().test(.router) { client in try await body(fixture, client) }
    }

    static func send(_ client: any TestClientProtocol, _ json: String, dataset: String = "air-quality") async throws -> TestResponse {
        try await client.execute(uri: "/api/datasets/\(dataset)/feedback", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }

    static func json(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
    }

    static func decide(_ client: any TestClientProtocol, _ form: String) async throws -> TestResponse {
        try await postForm(client, "/approvals/feedback", form, [HeaderName.odpToken: officer])
    }

    @Test("submit → the department's list has it with the contact → accept → fix with the erratum → the public sees the version, never the contact")
    func walk() async throws {
        let log = AccessLog()
        try await Self.withPortal(log: log) { fixture, client in
            try fixture.write("state/errata.json", try ArtifactCodec.encode(ErrataList(errata: [
                Erratum(number: "air-quality-E1", dataset: "air-quality", version: "2026.11.20.1", text: "PM2.5 单位有误", by: "x", recorded: "2026-11-24T00:00:00Z")])))
            let sent = try await Self.send(client, #"{"kind":"correction","text":"朝阳奥体中心 PM2.5 数值单位应为 μg/m³","contact":"researcher@example.org","version":"2026.11.20.1"}"#)
            #expect(sent.status == .created)
            let ack = try Self.json(sent)
            #expect(ack["number"] as? String == "air-quality-F1" && ack["status"] as? String == "received" && ack["contact"] == nil)
            let book = FeedbackBook(state: fixture.root.appendingPathComponent("state"))
            #expect(try book.items("air-quality").first?.contact == "researcher@example.org", "routed to the department's private list")

            // Officers only: no token, no queue and no change.
            #expect(try await get(client, "/approvals/feedback").status == .unauthorized, "the sign-in page instead")
            #expect(try await postForm(client, "/approvals/feedback", "number=air-quality-F1&decision=accept&by=x").status == .forbidden)
            let queue = try await get(client, "/approvals/feedback", [HeaderName.odpToken: Self.officer])
            #expect(queue.status == .ok && queue.text.contains("researcher@example.org") && queue.text.contains("air-quality-F1"))

            #expect(try await Self.decide(client, "number=air-quality-F1&decision=accept&by=%E5%BC%A0%E4%B8%89").status == .seeOther)
            let unpublished = try await Self.decide(client, "number=air-quality-F1&decision=fix&by=x&version=2030.1.1.1")
            #expect(unpublished.status == .conflict && unpublished.text.contains("2030.1.1.1"))
            let fixed = try await Self.decide(client, "number=air-quality-F1&decision=fix&by=x&version=2026.11.23.1&erratum=air-quality-E1")
            #expect(fixed.status == .seeOther && (fixed.headers[.location] ?? "").contains("result=fixed"))
            #expect(try await Self.decide(client, "number=air-quality-F1&decision=accept&by=x").status == .conflict, "fixed is final")

            let list = try Self.json(try await get(client, "/api/datasets/air-quality/feedback"))
            let item = try #require((list["feedback"] as? [[String: Any]])?.first)
            #expect(item["status"] as? String == "fixed" && item["fixed_in"] as? String == "2026.11.23.1" && item["erratum"] as? String == "air-quality-E1")
            #expect(item["status_title"] as? String == "已在 2026.11.23.1 版本修正" && item["responded"] is String)
            for page in ["/datasets/air-quality", "/feedback", "/api/datasets/air-quality/feedback"] {
                let text = try await get(client, page).text
                #expect(text.contains("air-quality-F1") && !text.contains("researcher@example.org"), "\(page) shows the item without the contact")
            }
            let page = try await get(client, "/datasets/air-quality").text
            #expect(page.contains("href=\"/datasets/air-quality?version=2026.11.23.1\">2026.11.23.1</a> 版本修正") && page.contains("href=\"/datasets/air-quality#errata\">air-quality-E1</a>"))
            #expect(log.all.map { $0.0 } == ["feedback_received", "feedback_accepted", "feedback_fixed"])
            #expect(log.all.allSatisfy { $0.2.feedback == "air-quality-F1" && $0.2.note != "researcher@example.org" })
        }
    }

    @Test("the form works without script: 201 with the number, or 400 with the problems and the typed text kept, escaped")
    func form() async throws {
        try await Self.withPortal { fixture, client in
            let page = try await get(client, "/datasets/air-quality")
            #expect(page.text.contains("action=\"/datasets/air-quality/feedback\"") && page.text.contains("name=\"version\" value=\"2026.11.23.1\""))
            let ok = try await postForm(client, "/datasets/air-quality/feedback", "kind=request&text=%E5%B8%8C%E6%9C%9B%E5%A2%9E%E5%8A%A0%E5%8C%BA%E5%8E%BF%E5%AD%97%E6%AE%B5&version=2026.11.23.1")
            #expect(ok.status == .created && ok.text.contains("id=\"feedback-number\">air-quality-F1<"))
            let bad = try await postForm(client, "/datasets/air-quality/feedback", "kind=request&text=%3Cb%3E")
            #expect(bad.status == .badRequest && bad.text.contains("内容至少写 5 个字") && bad.text.contains("&lt;b&gt;"))
            #expect(try FeedbackBook(state: fixture.root.appendingPathComponent("state")).items("air-quality").count == 1)
        }
    }

    @Test("hostile input: markup is escaped, personal data withheld, huge or bad bodies, bad kinds and unknown datasets are clean 4xx")
    func hostile() async throws {
        try await Self.withPortal { fixture, client in
            let script = try await Self.send(client, #"{"kind":"correction","text":"<script>alert(1)</script><img src=x onerror=alert(2)>"}"#)
            #expect(script.status == .created)
            let personal = try await Self.send(client, #"{"kind":"correction","text":"第 3 行的负责人电话应为 13812345678，请核实"}"#)
            #expect(try personal.status == .created && Self.json(personal)["text"] as? String == FeedbackItem.withheldText)
            for path in ["/datasets/air-quality", "/feedback", "/api/datasets/air-quality/feedback"] {
                let text = try await get(client, path).text
                // HTML escapes the markup; JSON (served as application/json, nosniff) keeps the text as typed.
                if path.hasPrefix("/api/") {
                    #expect(text.contains("<script>alert(1)</script>"), "\(path): the text as typed")
                } else {
                    #expect(!text.contains("<script>alert(1)") && !text.contains("<img src=x") && text.contains("&lt;script&gt;alert(1)"), "\(path): markup must be escaped")
                }
                #expect(!text.contains("13812345678") && text.contains("内容含个人信息，不予公开"), "\(path): the number is withheld")
            }
            let stored = try FeedbackBook(state: fixture.root.appendingPathComponent("state")).items("air-quality")
            #expect(stored.count == 2 && stored[1].withheld && stored[1].text.contains("13812345678"), "kept privately for the department")

            let huge = try await Self.send(client, "{\"kind\":\"request\",\"text\":\"" + String(repeating: "长", count: 20_000) + "\"}")
            #expect(try huge.status == .contentTooLarge && Self.json(huge)["error"] as? String == "feedback_too_large")
            let long = try await Self.send(client, "{\"kind\":\"request\",\"text\":\"" + String(repeating: "a", count: 2001) + "\"}")
            #expect(try long.status == .badRequest && (Self.json(long)["fields"] as? [String: String])?["text"] != nil)
        }
        // A fresh portal: the submissions above used up this client's 5 per 10 minutes.
        try await Self.withPortal { _, client in
            for (body, code) in [("{not json", "feedback_bad_json"), ("[1]", "feedback_bad_json"), (#"{"kind":"request","text":5}"#, "feedback_bad_json"),
                                 (#"{"kind":"complaint","text":"足够长的内容"}"#, "feedback_invalid"), (#"{"kind":"request"}"#, "feedback_invalid")] {
                let r = try await Self.send(client, body)
                #expect(try r.status == .badRequest && Self.json(r)["error"] as? String == code, "\(body)")
            }
            #expect(try await Self.send(client, #"{"kind":"request","text":"足够长的内容"}"#, dataset: "no-such").status == .notFound)
            #expect(try await Self.send(client, #"{"kind":"request","text":"足够长的内容"}"#, dataset: "bus-stops").status == .notFound, "not published")
            #expect(try await get(client, "/api/datasets/no-such/feedback").status == .notFound)
            let crossSite = try await client.execute(uri: "/api/datasets/air-quality/feedback", method: .post,
                                                     headers: [.contentType: "application/json", .origin: "http://evil.example"],
                                                     body: ByteBuffer(string: #"{"kind":"request","text":"足够长的内容"}"#))
            #expect(crossSite.status == .forbidden)
        }
    }

    /// `count` items on `dataset` written straight into its feedback file (the HTTP path is
    /// rate-limited), seven to a second so that ties in the received time are the rule.
    static func writeMany(_ fixture: PortalFixture, dataset: String = "air-quality", count: Int, status: FeedbackItem.Status = .received) throws {
        var template = try JSONDecoder().decode(FeedbackItem.self, from: Data(#"{"number":"x-F1","dataset":"x","kind":"correction","text":"第 1 条纠错","withheld":false,"contact":"secret@example.org","received":"2026-12-01T00:00:00Z","status":"received"}"#.utf8))
        template.dataset = dataset
        template.status = status
        let start = Date(timeIntervalSince1970: 1_796_000_000)
        let items = (1...count).map { n in
            var item = template
            item.number = "\(dataset)-F\(n)"
            item.text = "第 \(n) 条纠错"
            item.received = ReleaseTime.iso(start.addingTimeInterval(Double(n / 7)))
            return item
        }
        try fixture.write("state/feedback/\(dataset)\(FeedbackBook.suffix)", try ArtifactCodec.encode(FeedbackEntries(items: items)))
    }

    @Test("/feedback and the JSON list page 1,203 items 500 at a time, newest first in one stable order, with labelled page links; a bad page is a clear 400")
    func paging() async throws {
        try await Self.withPortal { fixture, client in
            try Self.writeMany(fixture, count: 1203)
            func numbers(_ text: String) -> [Int] {
                text.split(separator: "<tr id=\"air-quality-F").dropFirst().compactMap { Int($0.prefix { $0 != "\"" }) }
            }
            var seen: [Int] = []
            for page in 1...3 {
                let r = try await get(client, page == 1 ? "/feedback" : "/feedback?page=\(page)")
                #expect(r.status == .ok && !r.text.contains("<script") && !r.text.contains("secret@example.org"))
                #expect(r.text.contains("共 <b>1,203</b> 条，第 \(page)/3 页"), "page \(page)")
                #expect(r.text.contains("<nav class=\"pager\" aria-label=\"分页\">") && r.text.contains("aria-current=\"page\">\(page)</span>"))
                #expect(r.text.contains("href=\"/feedback?page=3\" aria-label=\"第 3 页\">3</a>") == (page != 3))
                #expect(r.text.contains("aria-label=\"下一页（第 \(page + 1) 页）\">下一页</a>") == (page < 3))
                #expect(r.text.contains("href=\"/feedback\" aria-label=\"上一页（第 1 页）\">上一页</a>") == (page == 2))
                let shown = numbers(r.text)
                #expect(shown.count == (page < 3 ? 500 : 203), "page \(page)")
                seen += shown
            }
            // Same-second items by number, F10 before F9: one strictly descending sequence, each item once.
            #expect(seen == Array((1...1203).reversed()))
            #expect(try await get(client, "/feedback?page=2").text == (try await get(client, "/feedback?page=2").text), "stable across requests")

            for bad in ["0", "-1", "abc", "1.5", "%20", "99999999"] {
                let r = try await get(client, "/feedback?page=\(bad)")
                #expect(r.status == .badRequest && r.text.contains("页码（page）须为从 1 开始的整数"), "page=\(bad)")
                let api = try await get(client, "/api/datasets/air-quality/feedback?page=\(bad)")
                #expect(try api.status == .badRequest && Self.json(api)["code"] as? String == "bad_page", "api page=\(bad)")
            }
            #expect(try await get(client, "/feedback?page=4").status == .notFound)
            #expect(try await get(client, "/api/datasets/air-quality/feedback?page=4").status == .notFound)

            var all: [String] = []
            var next: String? = "/api/datasets/air-quality/feedback"
            while let uri = next {
                let o = try Self.json(try await get(client, uri))
                #expect(o["count"] as? Int == 1203 && o["pages"] as? Int == 3)
                all += ((o["feedback"] as? [[String: Any]]) ?? []).compactMap { $0["number"] as? String }
                next = o["next"] as? String
                #expect(all.count <= 1203)
            }
            #expect(all == (1...1203).reversed().map { "air-quality-F\($0)" }, "the JSON pages in the same order as the page")
        }
    }

    @Test("a client gets 5 submissions per 10 minutes, then 429 with Retry-After; without a scanner no text is shown")
    func rateLimit() async throws {
        try await Self.withPortal(gate: nil) { _, client in
            for _ in 1...5 { #expect(try await Self.send(client, #"{"kind":"request","text":"希望增加区县字段"}"#).status == .created) }
            let limited = try await Self.send(client, #"{"kind":"request","text":"希望增加区县字段"}"#)
            #expect(try limited.status == .tooManyRequests && limited.headers[.retryAfter] == "600" && Self.json(limited)["error"] as? String == "feedback_rate_limited")
            let list = try await get(client, "/api/datasets/air-quality/feedback").text
            #expect(!list.contains("希望增加区县字段") && list.contains(FeedbackItem.withheldText), "fail closed without the scanner")
        }
    }

    @Test("a decline's reason is public: one with personal data is refused, a clean one is shown")
    func decline() async throws {
        try await Self.withPortal { _, client in
            _ = try await Self.send(client, #"{"kind":"request","text":"希望公开负责人姓名"}"#)
            let leak = try await Self.decide(client, "number=air-quality-F1&decision=decline&by=x&reason=%E8%AF%B7%E8%81%94%E7%B3%BB13812345678")
            #expect(leak.status == .conflict && leak.text.contains("个人信息"))
            #expect(try await Self.decide(client, "number=air-quality-F1&decision=decline&by=x").status == .conflict, "a reason is required")
            #expect(try await Self.decide(client, "number=air-quality-F1&decision=decline&by=x&reason=%E5%B1%9E%E4%BA%8E%E4%B8%AA%E4%BA%BA%E4%BF%A1%E6%81%AF").status == .seeOther)
            let page = try await get(client, "/feedback").text
            #expect(page.contains("不予采纳") && page.contains("属于个人信息"))
            #expect(try await Self.decide(client, "number=../../x-F1&decision=accept&by=x").status == .badRequest)
            #expect(try await Self.decide(client, "number=air-quality-F1&decision=drop&by=x").status == .badRequest)
        }
    }

    @Test("downloads and rows API calls are counted per version, written in batches, shown on the page; checksums and HEAD are not counted")
    func usage() async throws {
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        let version = try RowsAPITests.release("stations", root: fixture.root, open: .unconditional, rows: 20, time: Date(timeIntervalSince1970: 1_790_000_000))
        var list = try #require(try OpenListDocument.read(catalogDirectory: fixture.root.appendingPathComponent("catalog")))
        var e = list.datasets[0]
        e.datasetId = "stations"
        list.datasets.append(e)
        try fixture.write("catalog/open-list.json", try ArtifactCodec.encode(list))
        let file = fixture.root.appendingPathComponent("state/usage.json")
        let server = try PortalServer(root: fixture.root, port: 0, token: nil, usageInterval: 3600) { _, _, _, _, _ in }
        let usage = UsageCounter(state: fixture.root.appendingPathComponent("state"), interval: 3600)
        try await server.makeApplication(usage: usage).test(.router) { client in
            let csv = "/datasets/air-quality/2026.11.23.1/data/air-quality.csv"
            #expect(try await get(client, csv).status == .ok)
            #expect(try await get(client, csv, [.range: "bytes=0-9"]).status == .partialContent)
            #expect(try await get(client, csv, [.range: "bytes=10-19"]).status == .partialContent, "a resumed download is not counted again")
            #expect(try await client.execute(uri: csv, method: .head).status == .ok)
            #expect(try await get(client, "/datasets/air-quality/2026.11.23.1/SHA256SUMS").status == .ok)
            #expect(try await get(client, "/datasets/air-quality/latest/air-quality-2026.11.23.1.zip").status == .ok)
            #expect(try await get(client, "/api/datasets/stations/rows?limit=5").status == .ok)
            #expect(try await get(client, "/api/datasets/stations/rows?limit=nope").status == .badRequest, "a refused call is not counted")
            #expect(!FileManager.default.fileExists(atPath: file.path), "nothing written before the interval")
            let page = try await get(client, "/datasets/air-quality").text
            #expect(page.contains("下载 3 次 · 接口调用 0 次"), "the page adds the counts not yet written")
            usage.flush()
            #expect(try await get(client, "/datasets/air-quality").text.contains("下载 3 次 · 接口调用 0 次"),
                    "after the write the page reads the counts from the file again")
            let counts = try #require(try ArtifactCodec.read(UsageCounts.self, at: file))
            #expect(counts.datasets["air-quality"]?["2026.11.23.1"] == UsageCounts.Count(downloads: 3, apiCalls: 0))
            #expect(counts.datasets["stations"]?[version] == UsageCounts.Count(downloads: 0, apiCalls: 1))
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(!text.contains("127.0.0.1") && !text.contains("Range"), "aggregates only")
        }
        // A second batch adds to the file instead of replacing it.
        let again = UsageCounter(state: fixture.root.appendingPathComponent("state"), interval: 0)
        again.count("air-quality", "2026.11.23.1", .download)
        #expect(try ArtifactCodec.read(UsageCounts.self, at: file)?.total("air-quality").downloads == 4)
    }

    /// scripts/feedback-walk.py's answer; nil (the test skipped) without chromedriver or the venv.
    static func walk(_ arguments: [String]) async throws -> [String: Any]? {
        guard let data = try await BrowserTests.python("feedback-walk.py", arguments) else { return nil }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    @Test("in Chromium: submit on the dataset page → the department's list has it → the officer marks it fixed in the queue → /feedback shows the version")
    func browserWalk() async throws {
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        let server = try PortalServer(root: fixture.root, host: "127.0.0.1", port: 0, token: Self.officer, gate: Self.gate) { _, _, _, _, _ in }
        try await server.makeApplication().test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            guard let sent = try await Self.walk(["submit", base, "air-quality", "朝阳奥体中心 11 月 23 日的 PM2.5 <b>数值</b>有误", "walker@example.org"]) else { return }
            let number = try #require(sent["number"] as? String)
            #expect(number == "air-quality-F1" && (sent["page"] as? String ?? "").contains("已收到您的反馈"))
            let stored = try #require(try FeedbackBook(state: fixture.root.appendingPathComponent("state")).item(number))
            #expect(stored.contact == "walker@example.org" && stored.text.contains("<b>数值</b>") && stored.status == .received,
                    "the department's list has the submission as typed")
            let fixed = try #require(try await Self.walk(["fix", base, number, "2026.11.23.1", Self.officer]))
            #expect((fixed["status"] as? String ?? "").contains("已在 2026.11.23.1 版本修正"), "\(fixed)")
            #expect((fixed["links"] as? [String] ?? []).contains { $0.hasSuffix("/datasets/air-quality?version=2026.11.23.1") })
            let page = fixed["page"] as? String ?? ""
            #expect(page.contains("<b>数值</b>"), "the markup is shown as text")
            #expect(!page.contains("walker@example.org"))
            #expect(try FeedbackBook(state: fixture.root.appendingPathComponent("state")).item(number)?.status == .fixed)
        }
    }
}

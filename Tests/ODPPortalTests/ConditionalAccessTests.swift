import Foundation
import Hummingbird
import HummingbirdTesting
import ODPCore
import Testing
@testable import ODPPortal

/// Events the portal handed to its audit recorder, for assertions.
final class AccessLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(String, String, AuditDetails)] = []
    func add(_ e: String, _ d: String, _ details: AuditDetails) { lock.withLock { items.append((e, d, details)) } }
    var all: [(String, String, AuditDetails)] { lock.withLock { items } }
}

/// Issue 20 §3: a 有条件开放 dataset's data only with a token; the application, the officer's
/// decision, the token's scope, expiry and revocation; hostile input. The fixture's air-quality
/// release is made conditional through its definition's catalog metadata, as `odp serve` passes it.
@Suite("有条件开放: conditional access")
struct ConditionalAccessTests {
    static let officer = "officer-token"
    static let csv = "/datasets/air-quality/2026.11.23.1/data/air-quality.csv"
    static let zip = "/datasets/air-quality/2026.11.23.1/air-quality-2026.11.23.1.zip"
    static let catalogs = ["air-quality": CatalogMetadata(
        title: "空气质量日报", code: "11000000-AQ-001", provider: "市生态环境局", providerCode: "11110000000000001X", summary: "摘要",
        domain: "生态环境", openType: .conditional, openCondition: "仅限科研用途，不得再分发", updateCycle: .daily, license: "CC-BY-4.0")]

    static func withConditionalPortal(log: AccessLog = AccessLog(), settings: AccessSettings = AccessSettings(),
                                      _ body: @Sendable (PortalFixture, any TestClientProtocol) async throws -> Void) async throws {
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        let server = try PortalServer(root: fixture.root, host: "127.0.0.1", port: 0, token: officer, catalogs: catalogs, access: settings,
                                      onAccess: { log.add($0, $1, $2) }) { _, _, _, _, _ in }
        try await server.makeApplication().test(.router) { client in try await body(fixture, client) }
    }

    static func apply(_ client: any TestClientProtocol, _ json: String, dataset: String = "air-quality") async throws -> TestResponse {
        try await client.execute(uri: "/api/datasets/\(dataset)/applications", method: .post,
                                 headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }

    static let goodApplication = #"{"name":"王研究","organisation":"福州大学","purpose":"研究空气质量与呼吸道疾病的关系","contact":"wang@example.edu.cn","accept_conditions":true}"#

    /// Submits, approves through the queue and returns the application number and token.
    static func approved(_ client: any TestClientProtocol, form extra: String = "") async throws -> (String, String) {
        let applied = try await apply(client, goodApplication)
        #expect(applied.status == .created, "\(applied.text)")
        let number = try #require(try JSONSerialization.jsonObject(with: Data(buffer: applied.body)) as? [String: Any])["application"] as? String
        let n = try #require(number)
        let approval = try await postForm(client, "/approvals/access", "number=\(n)&decision=approve&by=%E5%BC%A0%E4%B8%89\(extra)",
                                          [HeaderName.odpToken: officer])
        #expect(approval.status == .ok, "\(approval.text)")
        #expect(approval.headers[.cacheControl] == "no-store")
        let token = try #require(approval.text.firstMatch(of: /odpat_[0-9a-f]{64}/)).output
        return (n, String(token))
    }

    @Test("nothing of a conditional dataset's data is served anonymously; its metadata is")
    func anonymous() async throws {
        try await Self.withConditionalPortal { _, client in
            for path in [Self.csv, Self.zip, "/datasets/air-quality/latest/data/air-quality.csv", "/air-quality/2026.11.23.1/data/air-quality.csv",
                         "/datasets/air-quality/2026.11.23.1/data/air-quality.json", "/datasets/air-quality/2026.11.23.1/quality-report.json",
                         "/datasets/air-quality/2026.11.20.1/data/air-quality.csv"] {
                let r = try await get(client, path)
                #expect(r.status == .forbidden, "\(path)")
                #expect(r.text.contains("access_token_required") && r.text.contains("数据申请"), "\(path)")
                #expect(!r.text.contains("朝阳奥体中心"))
            }
            for path in ["/datasets/air-quality/2026.11.23.1/datapackage.json", "/datasets/air-quality/2026.11.23.1/SHA256SUMS",
                         "/datasets/air-quality/2026.11.23.1/README.md", "/api/datasets/air-quality"] {
                #expect(try await get(client, path).status == .ok, "\(path)")
            }
            let api = try await get(client, "/api/datasets/air-quality")
            let access = try #require((try JSONSerialization.jsonObject(with: Data(buffer: api.body)) as? [String: Any])?["access"] as? [String: Any])
            #expect(access["apply"] as? String == "/api/datasets/air-quality/applications" && access["conditions"] as? String == "仅限科研用途，不得再分发")
            let page = try await get(client, "/datasets/air-quality")
            #expect(page.status == .ok)
            #expect(page.text.contains("提交数据申请") && page.text.contains("仅限科研用途，不得再分发"))
            #expect(!page.text.contains("朝阳奥体中心"), "no preview rows of a conditional dataset")
            #expect(!page.text.contains("<script"), "the form needs no script (CSP)")
            // The open list alone marks `hostile` conditional: a stale definition list cannot open it.
            #expect(try await get(client, "/datasets/hostile/2026.11.23.1/data/hostile.csv").status == .forbidden)
            #expect(try await get(client, Self.csv, [.authorization: "Bearer odpat_" + String(repeating: "0", count: 64)]).text.contains("access_token_invalid"))
        }
    }

    @Test("apply → approve → download with the token (header or query), checksum verified → revoke → 403")
    func walk() async throws {
        let log = AccessLog()
        try await Self.withConditionalPortal(log: log) { fixture, client in
            let (number, token) = try await Self.approved(client)
            let r = try await get(client, Self.csv, [.authorization: "Bearer \(token)"])
            #expect(r.status == .ok)
            // Neither the browser nor a shared proxy may keep it (a revoked token would still be
            // answered from a cache; a proxy would hand it to clients without one).
            #expect(r.headers[.cacheControl] == "private, no-store")
            #expect(try await get(client, "/datasets/air-quality/2026.11.23.1/datapackage.json").headers[.cacheControl] == "public, max-age=300",
                    "its metadata stays public and cacheable")
            let sums = try #require(try SHA256Sums.read(release: fixture.root.appendingPathComponent("releases/air-quality/2026.11.23.1")))
            #expect(SHA256Hex.of(Data(buffer: r.body)) == sums["data/air-quality.csv"])
            let zip = try await get(client, Self.zip + "?token=\(token)")
            #expect(zip.status == .ok && zip.headers[.cacheControl] == "private, no-store")
            #expect(try await client.execute(uri: Self.csv, method: .head, headers: [.authorization: "Bearer \(token)"]).status == .ok)
            let book = AccessBook(state: fixture.root.appendingPathComponent("state"))
            let counted = try #require(try book.application(number))
            #expect(counted.downloads == 2, "HEAD is not a download")
            #expect(counted.tokenSHA256 == SHA256Hex.of(Array(token.utf8)))
            let stored = try String(contentsOf: book.file, encoding: .utf8)
            #expect(!stored.contains(token), "only the token's hash is stored")
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: book.file.path)[.posixPermissions] as? Int)
            #expect(mode == 0o600)
            let queue = try await get(client, "/approvals/access", [HeaderName.odpToken: Self.officer])
            #expect(queue.text.contains(number) && queue.text.contains("撤销令牌"))
            #expect(try await get(client, "/approvals/access").status == .unauthorized)

            let revoke = try await postForm(client, "/approvals/access", "number=\(number)&decision=revoke&by=x", [HeaderName.odpToken: Self.officer])
            #expect(revoke.status == .seeOther)
            let after = try await get(client, Self.csv, [.authorization: "Bearer \(token)"])
            #expect(after.status == .forbidden && after.text.contains("access_token_revoked"))
            #expect(try await postForm(client, "/approvals/access", "number=\(number)&decision=revoke&by=x", [HeaderName.odpToken: Self.officer]).status == .conflict)
        }
        let events = log.all
        #expect(events.map(\.0) == ["access_applied", "access_approved", "access_used", "access_used", "access_revoked"])
        #expect(events.allSatisfy { $0.1 == "air-quality" && $0.2.application != nil })
        #expect(events[2].2.path == "data/air-quality.csv" && events[2].2.via == "download")
        let encoded = try String(decoding: JSONEncoder().encode(events.map(\.2)), as: UTF8.self)
        #expect(!encoded.contains("王研究") && !encoded.contains("wang@example"), "no applicant data in the audit trail")
    }

    @Test("a token opens only its dataset, its version range and until it expires")
    func scope() async throws {
        try await Self.withConditionalPortal { fixture, client in
            let book = AccessBook(state: fixture.root.appendingPathComponent("state"))
            let applicant = AccessBook.Applicant(name: "李", organisation: "所", purpose: "研究用途足够长的说明", contact: "li@example.cn")
            let other = try book.submit(dataset: "hostile", applicant: applicant, conditions: "")
            let (_, otherToken) = try book.approve(other.number, by: "x", note: nil, days: 30)
            #expect(try await get(client, Self.csv, [.authorization: "Bearer \(otherToken)"]).text.contains("access_token_other_dataset"))
            #expect(try await get(client, "/datasets/hostile/2026.11.23.1/data/hostile.csv", [.authorization: "Bearer \(otherToken)"]).status == .ok)

            let old = try book.submit(dataset: "air-quality", applicant: applicant, conditions: "")
            let (_, expired) = try book.approve(old.number, by: "x", note: nil, days: 1, now: Date().addingTimeInterval(-2 * 86_400))
            let e = try await get(client, Self.csv, [.authorization: "Bearer \(expired)"])
            #expect(e.status == .forbidden && e.text.contains("access_token_expired"))

            let (_, ranged) = try await Self.approved(client, form: "&last_version=2026.11.20.1")
            #expect(try await get(client, Self.csv, [.authorization: "Bearer \(ranged)"]).text.contains("access_token_version_range"))
            #expect(try await get(client, "/datasets/air-quality/2026.11.20.1/data/air-quality.csv", [.authorization: "Bearer \(ranged)"]).status == .ok)
        }
    }

    @Test("hostile applications: huge bodies, bad JSON, markup, missing consent, floods, other sites")
    func hostile() async throws {
        try await Self.withConditionalPortal { fixture, client in
            func code(_ r: TestResponse) -> String? {
                (try? JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])?["error"] as? String
            }
            let huge = try await Self.apply(client, #"{"name":""# + String(repeating: "x", count: 40_000) + #""}"#)
            #expect(huge.status == .contentTooLarge && code(huge) == "application_too_large")
            for (body, expected) in [("{not json", "application_bad_json"), ("[1,2]", "application_bad_json"),
                                     (#"{"name":5,"accept_conditions":true}"#, "application_bad_json"),
                                     (#"{"name":"a","organisation":"b","purpose":"足够长的研究用途说明","contact":"c"}"#, "application_invalid"),
                                     (#"{"name":"a\u0007","organisation":"b","purpose":"short","contact":"c","accept_conditions":true}"#, "application_invalid")] {
                let r = try await Self.apply(client, body)
                #expect(r.status == .badRequest && code(r) == expected, "\(body): \(r.text)")
            }
            let missing = try await Self.apply(client, #"{"accept_conditions":false}"#)
            let fields = try #require((try JSONSerialization.jsonObject(with: Data(buffer: missing.body)) as? [String: Any])?["fields"] as? [String: String])
            #expect(Set(fields.keys) == ["name", "organisation", "purpose", "contact", "accept_conditions"])

            let markup = #"{"name":"<script>alert(1)</script>","organisation":"\"><img src=x onerror=alert(2)>","purpose":"<b>研究</b>用途足够长的说明文字","contact":"x@y.cn","accept_conditions":true}"#
            #expect(try await Self.apply(client, markup).status == .created)
            let queue = try await get(client, "/approvals/access", [HeaderName.odpToken: Self.officer])
            #expect(queue.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !queue.text.contains("<script>alert"))
            #expect(!queue.text.contains("<img src=x"))
            #expect(queue.text.contains("已等待 0 个工作日"))
            let form = try await postForm(client, "/datasets/air-quality/applications", "name=%3Cscript%3Ex%3C%2Fscript%3E&purpose=short",
                                          [:])
            #expect(form.status == .badRequest && form.text.contains("&lt;script&gt;x") && !form.text.contains("<script>x"))
            #expect(form.text.contains("须阅读并接受该数据集的开放条件"))
            let filled = "name=%E6%9D%8E%E5%9B%9B&organisation=%E6%9F%90%E6%89%80&purpose=research+on+air+quality+and+health&contact=li%40example.cn&accept_conditions=yes"
            let submitted = try await postForm(client, "/datasets/air-quality/applications", filled, [:])
            #expect(submitted.status == .created && submitted.text.contains("申请已提交"))
            #expect(submitted.text.firstMatch(of: /id="application-number">SQ\d{8}-[2-9A-Z]{6}</) != nil)
            let crossSite = try await client.execute(uri: "/api/datasets/air-quality/applications", method: .post,
                                                     headers: [.contentType: "application/json", .origin: "http://evil.example"],
                                                     body: ByteBuffer(string: Self.goodApplication))
            #expect(crossSite.status == .forbidden)
            let open = try await Self.apply(client, Self.goodApplication, dataset: "bus-stops")
            #expect(open.status == .notFound, "bus-stops has no published version")
            #expect(try await Self.apply(client, Self.goodApplication, dataset: "nope").status == .notFound)
            let stored = try AccessBook(state: fixture.root.appendingPathComponent("state")).applications()
            #expect(stored.count == 2, "only valid applications are stored")
            let approve = try await postForm(client, "/approvals/access", "number=\(stored[0].number)&decision=approve&by=x")
            #expect(approve.status == .forbidden, "deciding needs the officer token")
        }
    }

    @Test("a client gets 10 submissions per 10 minutes, then 429 with Retry-After")
    func flood() async throws {
        try await Self.withConditionalPortal { _, client in
            // A token comes back every minute: on a loaded machine eleven submissions can take
            // longer than that, so the bound allows one more per minute elapsed.
            let started = Date()
            var statuses: [HTTPResponse.Status] = []
            var retryAfter: String?
            for _ in 0..<30 where statuses.last != .tooManyRequests {
                let r = try await Self.apply(client, Self.goodApplication)
                statuses.append(r.status)
                retryAfter = r.headers[HeaderName.retryAfter]
            }
            let created = statuses.filter { $0 == .created }.count
            let refills = Int(Date().timeIntervalSince(started) / 60)
            #expect(statuses.prefix(10).allSatisfy { $0 == .created } && created <= 10 + refills, "\(statuses)")
            #expect(statuses.last == .tooManyRequests && retryAfter != nil, "\(statuses)")
        }
    }

    @Test("the token bucket: a burst, then one more per refill interval, per client (clock given, not read)")
    func bucket() {
        let limiter = RateLimiter(perSecond: 10.0 / 600, burst: 10)
        let second: UInt64 = 1_000_000_000
        let start: UInt64 = 1_000 * second
        for _ in 0..<10 { #expect(limiter.take("a", now: start) == nil) }
        #expect(limiter.take("a", now: start) == 60, "the next token is a minute away")
        #expect(limiter.take("b", now: start) == nil, "another client has its own bucket")
        #expect(limiter.take("a", now: start + 59 * second) != nil)
        #expect(limiter.take("a", now: start + 61 * second) == nil, "one token back after a minute")
        #expect(limiter.take("a", now: start + 62 * second) != nil)
        for _ in 0..<10 { #expect(limiter.take("c", now: start + 3_600 * second) == nil) }
    }

    @Test("the rows API serves a conditional dataset only with its token, each call counted")
    func rows() async throws {
        try await RowsAPITests.withRows { fixture, client, _ in
            let anonymous = try await get(client, "/api/datasets/permits/rows")
            #expect(anonymous.status == .forbidden && RowsAPITests.code(anonymous) == "access_token_required")
            let book = AccessBook(state: fixture.root.appendingPathComponent("state"))
            let a = try book.submit(dataset: "permits", applicant: AccessBook.Applicant(name: "李", organisation: "所", purpose: "研究用途说明足够长的", contact: "li@example.cn"), conditions: "")
            let (_, token) = try book.approve(a.number, by: "x", note: nil, days: 1)
            let r = try await get(client, "/api/datasets/permits/rows", [.authorization: "Bearer \(token)"])
            let page = try RowsAPITests.json(r)
            #expect(r.status == .ok && page["count"] as? Int == 10)
            #expect(try book.application(a.number)?.apiCalls == 1)
            _ = try book.revoke(a.number, by: "x", note: nil)
            #expect(RowsAPITests.code(try await get(client, "/api/datasets/permits/rows", [.authorization: "Bearer \(token)"])) == "access_token_revoked")
        }
    }

    @Test("an unconditional dataset needs no application")
    func unconditional() async throws {
        try await withPortal { _, client in
            let r = try await Self.apply(client, Self.goodApplication)
            #expect(r.status == .conflict && r.text.contains("application_not_conditional"))
            #expect(try await get(client, Self.csv).status == .ok)
        }
    }

    @Test("in Chromium, every step the browser's: 403 without a token → apply on the page → approve in the queue → download with the token → revoke → 403")
    func browserWalk() async throws {
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        let server = try PortalServer(root: fixture.root, host: "127.0.0.1", port: 0, token: Self.officer, catalogs: Self.catalogs) { _, _, _, _, _ in }
        try await server.makeApplication().test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            guard let data = try await BrowserTests.python("access-walk.py", [base, "air-quality", Self.csv, Self.officer]) else { return }
            let seen = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let anonymous = seen["anonymous"] as? String ?? ""
            #expect(anonymous.contains("access_token_required") && !anonymous.contains("朝阳奥体中心"), "\(anonymous)")
            let number = try #require(seen["number"] as? String)
            #expect(seen["token_shown"] as? Bool == true)
            let application = try #require(try AccessBook(state: fixture.root.appendingPathComponent("state")).application(number))
            #expect(application.contact == "li@example.edu.cn" && application.status == .revoked, "the form's applicant, revoked at the end")
            let download = try #require(seen["with_token"] as? [String: Any])
            #expect(download["status"] as? Int == 200 && (download["text"] as? String ?? "").contains("朝阳奥体中心"), "\(download)")
            #expect((seen["revoked_page"] as? String ?? "").contains("\(number)：令牌已撤销"))
            let after = try #require(seen["after_revoke"] as? [String: Any])
            let refused = after["text"] as? String ?? ""
            #expect(after["status"] as? Int == 403 && refused.contains("access_token_revoked") && !refused.contains("朝阳奥体中心"), "\(after)")
        }
    }
}

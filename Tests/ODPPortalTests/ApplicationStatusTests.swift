import Foundation
import Hummingbird
import HummingbirdTesting
import ODPCore
import Testing
@testable import ODPPortal

/// Issue 20 §3: an applicant looks up their 数据申请 by number and 查询码, through the portal
/// page and the API, and learns nothing about anyone else's application.
@Suite("数据申请进度查询: the applicant's status lookup")
struct ApplicationStatusTests {
    typealias Access = ConditionalAccessTests

    static func lookup(_ client: any TestClientProtocol, number: String, secret: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var h = headers
        h[.contentType] = "application/json"
        let body = try JSONSerialization.data(withJSONObject: ["number": number, "secret": secret])
        return try await client.execute(uri: "/api/applications/status", method: .post, headers: h, body: ByteBuffer(bytes: body))
    }

    static func object(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any], "\(r.text)")
    }

    /// Applies through the API; returns the number and the 查询码 the answer hands out.
    static func apply(_ client: any TestClientProtocol, _ json: String = Access.goodApplication) async throws -> (String, String) {
        let r = try await Access.apply(client, json)
        #expect(r.status == .created && r.headers[.cacheControl] == "no-store", "\(r.text)")
        let o = try object(r)
        return (try #require(o["application"] as? String), try #require(o["status_secret"] as? String))
    }

    static let personal = ["王研究", "福州大学", "呼吸道疾病", "wang@example.edu.cn", "李四", "li@example.cn", "张三", "token_sha256", "odpat_"]

    @Test("number and 查询码 show the application's progress and pending age, and nothing personal, through the API and the page")
    func ownStatus() async throws {
        try await Access.withConditionalPortal { fixture, client in
            let (number, secret) = try await Self.apply(client)
            #expect(secret.firstMatch(of: /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/) != nil, "\(secret)")
            let stored = try #require(try AccessBook(state: fixture.root.appendingPathComponent("state")).application(number))
            let file = try String(contentsOf: fixture.root.appendingPathComponent("state/access/applications.json"), encoding: .utf8)
            #expect(stored.statusSecretSHA256 != nil && !file.contains(secret), "only the 查询码's hash is stored")

            let r = try await Self.lookup(client, number: number, secret: secret)
            #expect(r.status == .ok && r.headers[.cacheControl] == "no-store", "\(r.text)")
            let o = try Self.object(r)
            #expect(o["application"] as? String == number && o["dataset"] as? String == "air-quality")
            #expect(o["status"] as? String == "pending" && o["status_title"] as? String == "待审核")
            #expect(o["pending_working_days"] as? Int == 0 && o["overdue"] as? Bool == false && o["review_working_days"] as? Int == 5)
            for p in Self.personal { #expect(!r.text.contains(p), "the status answer shows \(p)") }
            // Typed loosely: lower case, spaces, no hyphens.
            let loose = secret.lowercased().replacingOccurrences(of: "-", with: " ")
            #expect(try await Self.lookup(client, number: number.lowercased(), secret: loose).status == .ok)

            let form = try await get(client, "/applications/status?number=\(number)")
            #expect(form.status == .ok && form.text.contains("<label>申请编号") && form.text.contains("<label>查询码") && form.text.contains("value=\"\(number)\""))
            let page = try await postForm(client, "/applications/status", "number=\(number)&secret=\(secret)")
            #expect(page.status == .ok && page.text.contains("id=\"application-status\">待审核") && page.text.contains("0 个工作日"), "\(page.text)")
            #expect(page.headers[.cacheControl] == "no-store")
            for p in Self.personal { #expect(!page.text.contains(p), "the status page shows \(p)") }

            // The officer decides: the applicant sees the decision and the officer's note, not the officer or the token.
            let rejected = try await postForm(client, "/approvals/access", "number=\(number)&decision=reject&by=%E5%BC%A0%E4%B8%89&note=%E7%94%A8%E9%80%94%E4%B8%8D%E7%AC%A6",
                                              [HeaderName.odpToken: Access.officer])
            #expect(rejected.status == .seeOther)
            let after = try await Self.lookup(client, number: number, secret: secret)
            let decided = try Self.object(after)
            #expect(decided["status"] as? String == "rejected" && decided["note"] as? String == "用途不符" && decided["decided"] is String)
            #expect(decided["pending_working_days"] == nil)
            for p in Self.personal { #expect(!after.text.contains(p), "the decided status shows \(p)") }

            let (approvedNumber, token) = try await Access.approved(client)
            let mine = try #require(try AccessBook(state: fixture.root.appendingPathComponent("state")).application(approvedNumber))
            #expect(mine.status == .approved)
            let approvedSubmittedSecret = try await Self.apply(client)
            #expect(try await Self.lookup(client, number: approvedNumber, secret: approvedSubmittedSecret.1).status == .notFound,
                    "another application's 查询码 does not open this one")
            #expect(!token.isEmpty)

            // Past the review limit: the applicant sees the age and that it is overdue (the officer is alerted by odp run's notification).
            let book = AccessBook(state: fixture.root.appendingPathComponent("state"))
            let staleSecret = AccessBook.newStatusSecret()
            let stale = try book.submit(dataset: "air-quality", applicant: .init(name: "赵", organisation: "所", purpose: "研究用途说明足够长的", contact: "z@example.cn"),
                                        conditions: "", statusSecret: staleSecret, now: Date().addingTimeInterval(-20 * 86_400))
            let late = try Self.object(try await Self.lookup(client, number: stale.number, secret: staleSecret))
            #expect(late["overdue"] as? Bool == true && (late["pending_working_days"] as? Int ?? 0) >= 13, "\(late)")
            #expect(try book.overdue(limit: 5).map(\.number).contains(stale.number), "the one odp run names in its notification")
            let latePage = try await postForm(client, "/applications/status", "number=\(stale.number)&secret=\(staleSecret)")
            #expect(latePage.text.contains("已超过 5 个工作日的审核时限"))
        }
    }

    @Test("a wrong 查询码, an unknown number and another's contact all get the same 404; cross-site lookups are refused")
    func hostile() async throws {
        try await Access.withConditionalPortal { fixture, client in
            let (number, secret) = try await Self.apply(client)
            let (otherNumber, otherSecret) = try await Self.apply(client, #"{"name":"李四","organisation":"某所","purpose":"研究空气质量的长期变化趋势","contact":"li@example.cn","accept_conditions":true}"#)
            let wrong = try await Self.lookup(client, number: number, secret: "AAAA-BBBB-CCCC-DDDD")
            let unknown = try await Self.lookup(client, number: "SQ20991231-ZZZZZZ", secret: secret)
            let crossed = try await Self.lookup(client, number: number, secret: otherSecret)
            let contact = try await Self.lookup(client, number: number, secret: "wang@example.edu.cn")
            for r in [wrong, unknown, crossed, contact] {
                #expect(r.status == .notFound && r.headers[.cacheControl] == "no-store", "\(r.text)")
                #expect(r.text == wrong.text, "answers differ, which tells which numbers exist: \(r.text) vs \(wrong.text)")
                for p in Self.personal { #expect(!r.text.contains(p)) }
            }
            #expect(try Self.object(wrong)["error"] as? String == "application_not_found")
            let page = try await postForm(client, "/applications/status", "number=\(otherNumber)&secret=\(secret)")
            #expect(page.status == .notFound && page.text.contains("申请编号或查询码不正确") && !page.text.contains("李四"))
            // Hostile input is escaped and bounded.
            let markup = try await postForm(client, "/applications/status", "number=%3Cscript%3Ealert(1)%3C%2Fscript%3E&secret=x")
            #expect(markup.status == .notFound && !markup.text.contains("<script>alert") && markup.text.contains("&lt;SCRIPT&gt;"))
            for body in ["{not json", #"{"number":5,"secret":"x"}"#, #"{"number":"SQ1"}"#] {
                let r = try await client.execute(uri: "/api/applications/status", method: .post, headers: [.contentType: "application/json"],
                                                 body: ByteBuffer(string: body))
                let error = try? Self.object(r)["error"] as? String
                #expect(r.status == .badRequest && error == "status_bad_request", "\(body): \(r.text)")
            }
            let long = try await Self.lookup(client, number: String(repeating: "S", count: 41), secret: secret)
            #expect(long.status == .badRequest)
            let crossSite = try await Self.lookup(client, number: number, secret: secret, headers: [.origin: "http://evil.example"])
            #expect(crossSite.status == .forbidden, "a page elsewhere cannot use a visitor's browser to look up")
            let get = try await client.execute(uri: "/api/applications/status", method: .get)
            #expect(get.status != .ok, "the API takes the 查询码 in a POST body only")
            // An application from before 查询码 existed opens with the contact it gave.
            let book = AccessBook(state: fixture.root.appendingPathComponent("state"))
            let legacy = try book.submit(dataset: "air-quality", applicant: .init(name: "赵", organisation: "所", purpose: "研究用途说明足够长的", contact: "Zhao@Example.cn"), conditions: "")
            #expect(legacy.statusSecretSHA256 == nil)
            #expect(try await Self.lookup(client, number: legacy.number, secret: " zhao@example.cn ").status == .ok)
            #expect(try await Self.lookup(client, number: legacy.number, secret: "li@example.cn").status == .notFound)
        }
    }

    @Test("guessing numbers is cut off: a client gets 20 lookups per 10 minutes, then 429 with Retry-After")
    func enumeration() async throws {
        try await Access.withConditionalPortal { _, client in
            let (number, secret) = try await Self.apply(client)
            var statuses: [HTTPResponse.Status] = []
            var last: TestResponse?
            let started = Date()
            for i in 0..<40 where statuses.last != .tooManyRequests {
                let r = try await Self.lookup(client, number: String(format: "SQ20261207-%06d", i), secret: "AAAA-BBBB-CCCC-DDDD")
                statuses.append(r.status)
                last = r
            }
            #expect(statuses.last == .tooManyRequests, "\(statuses)")
            #expect(statuses.dropLast().allSatisfy { $0 == .notFound })
            // The bucket refills one lookup per 30 s: a slow run earns one more per 30 s it took
            // (the arithmetic itself is checked with a given clock in ConditionalAccessTests.bucket).
            let refills = Int(Date().timeIntervalSince(started) / 30) + 1
            #expect((20...20 + refills).contains(statuses.count - 1), "\(statuses.count - 1) lookups before 429 in \(Date().timeIntervalSince(started)) s")
            #expect(Int(last?.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect((try? Self.object(try #require(last))["error"] as? String) == "status_rate_limited")
            // Once limited, even the right 查询码 waits: the limit is not a hint that a guess was wrong.
            #expect(try await Self.lookup(client, number: number, secret: secret).status == .tooManyRequests)
        }
    }
}

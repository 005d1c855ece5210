import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import ODPPortal

@Suite("Approval queue and decisions")
struct ApprovalTests {
    static let token = "queue-token"
    static var auth: HTTPFields { [HeaderName.odpToken: token] }

    @Test("the queue lists releases awaiting approval and not published ones")
    func queue() async throws {
        try await withPortal(token: Self.token) { _, client in
            let r = try await get(client, "/approvals", Self.auth)
            #expect(r.status == .ok)
            #expect(r.text.contains("公交站点"))
            #expect(r.text.contains("/approvals/bus-stops/2026.11.23.1"))
            #expect(!r.text.contains("air-quality"))
            let review = try await get(client, "/approvals/bus-stops/2026.11.23.1", Self.auth)
            #expect(review.text.contains("人民广场"))
            #expect(review.text.contains("审核通过并发布"))
            #expect(review.text.contains("name=\"token\""), "every decision carries the token")
        }
    }

    @Test("a decision calls the injected closure and redirects to the queue")
    func decide() async throws {
        let log = DecisionLog()
        try await withPortal(token: Self.token, log: log) { _, client in
            let r = try await postForm(client, "/approvals/bus-stops/2026.11.23.1", "decision=approve&by=%E5%BC%A0%E4%B8%89&note=ok+now", Self.auth)
            #expect(r.status == .seeOther)
            #expect(r.headers[.location]?.hasPrefix("/approvals?result=approved") == true)
            let missingBy = try await postForm(client, "/approvals/bus-stops/2026.11.23.1", "decision=approve&by=", Self.auth)
            #expect(missingBy.status == .badRequest)
            let published = try await postForm(client, "/approvals/air-quality/2026.11.23.1", "decision=approve&by=x", Self.auth)
            #expect(published.status == .conflict)
            let crossSite = try await postForm(client, "/approvals/bus-stops/2026.11.23.1", "decision=reject&by=x",
                                               [.origin: "http://evil.example", HeaderName.odpToken: Self.token])
            #expect(crossSite.status == .forbidden)
        }
        #expect(log.all.count == 1)
        #expect(log.all.first?.0 == "bus-stops")
        #expect(log.all.first?.2 == true)
        #expect(log.all.first?.3 == "张三")
        #expect(log.all.first?.4 == "ok now")
    }

    @Test("a decided version leaves the queue")
    func decided() async throws {
        try await withPortal(token: Self.token) { fixture, client in
            try fixture.write("state/approvals.json", Data(#"{"bus-stops":{"2026.11.23.1":{"decision":"rejected","by":"李四","note":"缺字段","time":"2026-11-23T09:00:00Z"}}}"#.utf8))
            let r = try await get(client, "/approvals", Self.auth)
            #expect(r.text.contains("暂无待审核的版本"))
            #expect(r.text.contains("缺字段"))
        }
    }

    @Test("with a token, reading and deciding need it; the comparison refuses near misses")
    func token() async throws {
        let log = DecisionLog()
        try await withPortal(token: "s3cret-token", log: log) { _, client in
            #expect(try await get(client, "/approvals").status == .unauthorized)
            #expect(try await get(client, "/approvals/bus-stops/2026.11.23.1").status == .unauthorized)
            #expect(try await get(client, "/approvals", [HeaderName.odpToken: "s3cret-token"]).status == .ok)
            #expect(try await get(client, "/approvals", [.authorization: "Bearer s3cret-toke"]).status == .unauthorized)
            let login = try await postForm(client, "/approvals/login", "token=s3cret-token")
            #expect(login.status == .seeOther)
            let cookie = try #require(login.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            #expect(!cookie.contains("s3cret-token"))
            #expect(try await get(client, "/approvals", [.cookie: cookie]).status == .ok)
            #expect(try await postForm(client, "/approvals/login", "token=wrong").status == .forbidden)
            let noToken = try await postForm(client, "/approvals/bus-stops/2026.11.23.1", "decision=approve&by=x", [.cookie: cookie])
            #expect(noToken.status == .forbidden)
            let wrong = try await postForm(client, "/approvals/bus-stops/2026.11.23.1", "decision=approve&by=x&token=s3cret-tokenX")
            #expect(wrong.status == .forbidden)
            let ok = try await postForm(client, "/approvals/bus-stops/2026.11.23.1", "decision=reject&by=x&token=s3cret-token")
            #expect(ok.status == .seeOther)
            let header = try await postForm(client, "/approvals/bus-stops/2026.11.23.1", "decision=reject&by=y",
                                            [HeaderName.odpToken: "s3cret-token"])
            #expect(header.status == .seeOther)
        }
        #expect(log.all.map(\.3) == ["x", "y"])
    }

    @Test("the server refuses a non-loopback address without a token")
    func bindRule() throws {
        let root = URL(fileURLWithPath: "/tmp")
        #expect(throws: (any Error).self) { try PortalServer(root: root, host: "0.0.0.0", port: 0, token: nil) { _, _, _, _, _ in } }
        #expect(throws: (any Error).self) { try PortalServer(root: root, host: "192.0.2.1", port: 0, token: "") { _, _, _, _, _ in } }
        #expect(throws: Never.self) { try PortalServer(root: root, host: "0.0.0.0", port: 0, token: "t") { _, _, _, _, _ in } }
        #expect(throws: Never.self) { try PortalServer(root: root, host: "localhost", port: 0, token: nil) { _, _, _, _, _ in } }
        #expect(ApprovalRoutes.equal("abc", "abc"))
        #expect(!ApprovalRoutes.equal("abc", "abd"))
        #expect(!ApprovalRoutes.equal("abc", "abcd"))
    }
}

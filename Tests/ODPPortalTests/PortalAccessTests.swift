import Foundation
import Hummingbird
import HummingbirdTesting
import ODPCore
import Testing
@testable import ODPPortal

/// Issue 16 item 10: approvals always need a token, only the bound address and configured
/// names are answered (DNS rebinding), POSTs come from the same origin, and the review
/// cookie expires. Item 6: held releases are in the review queue, with their reports.
@Suite("Portal access: token, Host, Origin, cookie, held releases")
struct PortalAccessTests {
    static let token = "t0ken-for-tests"
    static var auth: HTTPFields { [HeaderName.odpToken: token] }

    @Test("without a token the approval pages and decisions are refused")
    func noTokenRefuses() async throws {
        let log = DecisionLog()
        try await withPortal(log: log) { _, client in
            let queue = try await get(client, "/approvals")
            #expect(queue.status == .forbidden)
            #expect(queue.text.contains("审核需要口令"))
            #expect(try await get(client, "/approvals/bus-stops/2026.11.23.1").status == .forbidden)
            let post = try await postForm(client, "/approvals/bus-stops/2026.11.23.1", "decision=approve&by=x")
            #expect(post.status == .forbidden)
            #expect(try await postForm(client, "/approvals/login", "token=").status == .forbidden)
        }
        #expect(log.all.isEmpty)
    }

    @Test("the Host policy answers the bound address, loopback names and configured names only")
    func hostPolicy() {
        let loopback = HostPolicy(bound: "127.0.0.1", allowed: ["data.example.gov.cn"])
        for ok in ["127.0.0.1:8080", "localhost:8080", "LOCALHOST", "[::1]:8080", "data.example.gov.cn", "data.example.gov.cn.:443"] {
            #expect(loopback.allows(ok), "\(ok)")
        }
        for bad in ["evil.example", "evil.example:8080", "127.0.0.1.evil.example", "10.0.0.5:8080", "", nil] as [String?] {
            #expect(!loopback.allows(bad), "\(bad ?? "nil")")
        }
        let wildcard = HostPolicy(bound: "0.0.0.0", allowed: [])
        #expect(wildcard.allows("192.0.2.7:8080") && wildcard.allows("[2001:db8::1]:8080") && wildcard.allows("localhost"))
        #expect(!wildcard.allows("rebind.evil.example:8080"))
        let one = HostPolicy(bound: "192.0.2.1", allowed: [])
        #expect(one.allows("192.0.2.1:8080") && !one.allows("localhost") && !one.allows("192.0.2.9"))
    }

    @Test("over real HTTP a foreign Host is refused (421) and records nothing; Origin must match on POST")
    func rebindingOverHTTP() async throws {
        let log = DecisionLog()
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        let server = try PortalServer(root: fixture.root, host: "127.0.0.1", port: 0, token: Self.token) { d, v, ok, by, note in
            log.add(d, v, ok, by, note)
        }
        try await server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let url = "http://127.0.0.1:\(port)"
            let form = "decision=approve&by=x&token=\(Self.token)"
            // A page on rebind.evil.example whose name now resolves to 127.0.0.1.
            let rebound = try await Curl.run([url + "/approvals/bus-stops/2026.11.23.1", "-H", "Host: rebind.evil.example:\(port)",
                                              "-H", "Origin: http://rebind.evil.example:\(port)", "--data", form])
            #expect(rebound.status == 421, "\(rebound)")
            #expect(rebound.body.contains("不受信任的主机名"))
            let read = try await Curl.run([url + "/", "-H", "Host: rebind.evil.example"])
            #expect(read.status == 421)
            let crossOrigin = try await Curl.run([url + "/approvals/bus-stops/2026.11.23.1", "-H", "Origin: http://evil.example", "--data", form])
            #expect(crossOrigin.status == 403)
            let crossSite = try await Curl.run([url + "/approvals/bus-stops/2026.11.23.1", "-H", "Sec-Fetch-Site: cross-site", "--data", form])
            #expect(crossSite.status == 403)
            #expect(log.all.isEmpty)
            // The control: the same POST from the portal's own origin is recorded.
            let same = try await Curl.run([url + "/approvals/bus-stops/2026.11.23.1", "-H", "Origin: http://127.0.0.1:\(port)", "--data", form])
            #expect(same.status == 303, "\(same)")
            #expect(try await Curl.run([url + "/"]).status == 200)
        }
        #expect(log.all.count == 1)
    }

    @Test("the review cookie carries its expiry, is refused once expired, and cannot be extended by editing it")
    func cookieExpires() async throws {
        try await withPortal(token: Self.token) { _, client in
            let login = try await postForm(client, "/approvals/login", "token=\(Self.token)")
            let header = try #require(login.headers[.setCookie])
            #expect(header.contains("Max-Age=\(Int(ReviewSession.lifetime))"))
            let cookie = try #require(header.split(separator: ";").first.map(String.init))
            #expect(try await get(client, "/approvals", [.cookie: cookie]).status == .ok)
            let session = ReviewSession(token: Self.token)
            let expired = session.value(expires: Date().addingTimeInterval(-60))
            #expect(try await get(client, "/approvals", [.cookie: "\(ReviewSession.cookieName)=\(expired)"]).status == .unauthorized)
            // Pushing the expiry forward breaks the MAC.
            let value = String(cookie.dropFirst(ReviewSession.cookieName.count + 1))
            let seconds = try #require(Int(value.split(separator: ".")[0]))
            let edited = "\(seconds + 3600).\(value.split(separator: ".")[1])"
            #expect(try await get(client, "/approvals", [.cookie: "\(ReviewSession.cookieName)=\(edited)"]).status == .unauthorized)
            #expect(!session.isValid(session.value(expires: Date().addingTimeInterval(ReviewSession.lifetime * 2))))
        }
    }

    /// The definition's catalog, which the portal gets from `odp serve` (a held release is in no open list).
    static let elderlyCatalog = CatalogMetadata(
        title: "养老服务机构", code: "350100-MZJ-00002", provider: "福州市民政局", providerCode: "11350100003588888X",
        summary: "养老机构名录", domain: "社会保障", openType: .conditional, openCondition: "仅限科研用途", updateCycle: .monthly,
        keywords: ["养老"], license: "CC-BY-4.0", contactName: "数据开放专员", contactEmail: "mzj@example.gov.cn",
        contactPhone: "0591-87000002", temporalStart: nil, temporalEnd: nil)

    @Test("held releases are in the queue; their review page shows every catalog field, the reasons and the reports")
    func heldReview() async throws {
        try await withPortal(token: Self.token, catalogs: ["elderly-care": Self.elderlyCatalog]) { _, client in
            let queue = try await get(client, "/approvals", Self.auth)
            #expect(queue.text.contains("暂缓发布（1）"))
            #expect(queue.text.contains("/approvals/elderly-care/2026.11.23.1"))
            #expect(queue.text.contains("个人信息：发布值中发现未经允许的手机号"))
            #expect(try await get(client, "/approvals/elderly-care/2026.11.23.1").status == .unauthorized)
            let page = try await get(client, "/approvals/elderly-care/2026.11.23.1", Self.auth)
            #expect(page.status == .ok)
            for text in ["养老服务机构", "幸福院", "质量不达标", "个人信息：发布值中发现未经允许的手机号", "不能审核通过",
                         "output/state/feedback/elderly-care.csv", "有条件开放", "仅限科研用途", "每月", "11350100003588888X", "社会保障",
                         "数据开放专员 0591-87000002",
                         "/approvals/elderly-care/2026.11.23.1/quality-report.html"] {
                #expect(page.text.contains(text), "review page lacks \(text)")
            }
            #expect(!page.text.contains("审核通过并发布"), "a held release offers no approval")
            let report = try await get(client, "/approvals/elderly-care/2026.11.23.1/quality-report.html", Self.auth)
            #expect(report.status == .ok)
            #expect(report.text.contains("质量报告"))
            #expect(try await get(client, "/approvals/elderly-care/2026.11.23.1/quality-report.html").status == .unauthorized)
            #expect(try await get(client, "/approvals/elderly-care/2026.11.23.1/..%2f..%2fstate%2fsecret.txt", Self.auth).status == .notFound)
            // Never public.
            #expect(try await get(client, "/datasets/elderly-care").status == .notFound)
            #expect(try await get(client, "/elderly-care/2026.11.23.1/data/elderly-care.csv").status == .notFound)
        }
    }

    @Test("a wide table's preview on the dataset page narrows to the fields asked for, by name or title")
    func fieldSelection() async throws {
        try await withPortal { _, client in
            let page = try await get(client, "/datasets/air-quality?fields=aqi,%E7%AB%99%E7%82%B9%E5%90%8D%E7%A7%B0").text
            let sample = try #require(page.range(of: "数据预览")).upperBound
            let table = String(page[sample...].prefix { $0 != "\n" })
            #expect(table.contains("<th scope=\"col\">aqi</th><th scope=\"col\">站点名称<br><span class=\"muted mono\">station_name</span></th></tr>"), "\(table.prefix(600))")
            #expect(!table.contains("<th scope=\"col\">pm25</th>"))
            #expect(table.contains("name=\"fields\""))
            // An unknown field leaves the whole sample.
            #expect(try await get(client, "/datasets/air-quality?fields=nope").text.contains("<th scope=\"col\">pm25</th>"))
        }
    }

    @Test("catalog links of the published layout (../<id>/<version>/…) resolve in the portal, and open-list.js is served")
    func catalogLayout() async throws {
        try await withPortal { fixture, client in
            let csv = try await get(client, "/air-quality/2026.11.23.1/data/air-quality.csv")
            #expect(csv.status == .ok)
            #expect(csv.text.contains("朝阳奥体中心"))
            #expect(try await get(client, "/bus-stops/2026.11.23.1/data/bus-stops.csv").status == .notFound, "not published")
            try fixture.write("catalog/open-list.js", Data("(function(){})();\n".utf8))
            let js = try await get(client, "/catalog/open-list.js")
            #expect(js.status == .ok)
            #expect(js.headers[.contentType]?.hasPrefix("text/javascript") == true)
        }
    }
}

/// `curl` against a live portal: it sends the Host and Origin headers a browser on a
/// rebound name would, which the test client does not let a test choose.
enum Curl {
    struct Result: CustomStringConvertible {
        var status: Int
        var body: String
        var description: String { "HTTP \(status): \(body.prefix(300))" }
    }

    static func run(_ arguments: [String]) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
                    process.arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "120"] + arguments
                    let pipe = Pipe()
                    process.standardOutput = pipe
                    try process.run()
                    let data = pipe.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    let text = String(decoding: data, as: UTF8.self)
                    let split = text.range(of: "\n", options: .backwards)
                    let status = Int(split.map { String(text[$0.upperBound...]) } ?? "") ?? 0
                    continuation.resume(returning: Result(status: status, body: split.map { String(text[..<$0.lowerBound]) } ?? text))
                } catch { continuation.resume(throwing: error) }
            }
        }
    }
}

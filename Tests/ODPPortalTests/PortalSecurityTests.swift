import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import ODPPortal

@Suite("Portal security: escaping, traversal, methods, headers")
struct PortalSecurityTests {
    @Test("hostile titles, metadata and cell values are escaped on every page")
    func escaping() async throws {
        try await withPortal(token: "t") { _, client in
            for uri in ["/", "/datasets/hostile", "/?q=%3Cscript%3E"] {
                let t = try await get(client, uri).text
                #expect(!t.contains("<script>"), "raw script tag on \(uri)")
                #expect(!t.contains("<img onerror"), "raw img tag on \(uri)")
                #expect(!t.contains("<svg/onload"), "raw svg tag on \(uri)")
                #expect(!t.contains("<b>bold</b>"))
            }
            let page = try await get(client, "/datasets/hostile").text
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            // `hostile` is 有条件开放: its rows are never on the public page, only on the reviewer's.
            #expect(!page.contains("onerror=alert(2)"))
            let review = try await get(client, "/approvals/hostile/2026.11.23.1", [HeaderName.odpToken: "t"]).text
            #expect(review.contains("&quot;&gt;&lt;img onerror=alert(2) src=x&gt;"))
            #expect(!review.contains("<img onerror"))
            let search = try await get(client, "/?q=%22%3E%3Cscript%3Ealert(9)%3C%2Fscript%3E").text
            #expect(search.contains("value=\"&quot;&gt;&lt;script&gt;alert(9)"))
        }
    }

    @Test("dot segments, encoded dots and encoded slashes never leave a release folder", arguments: [
        "/datasets/air-quality/2026.11.23.1/../../../state/secret.txt",
        "/datasets/air-quality/2026.11.23.1/%2e%2e/%2e%2e/%2e%2e/state/secret.txt",
        "/datasets/air-quality/2026.11.23.1/%2E%2E%2F%2E%2E%2F%2E%2E%2Fstate%2Fsecret.txt",
        "/datasets/air-quality/2026.11.23.1/data%2f..%2f..%2f..%2fstate%2fsecret.txt",
        "/datasets/air-quality/2026.11.23.1/data/..%2f..%2f..%2f..%2fstate/secret.txt",
        "/datasets/%2e%2e/2026.11.23.1/SHA256SUMS",
        "/datasets/air-quality/%2e%2e/state/secret.txt",
        "/datasets/air-quality/latest/.%2e/.%2e/state/secret.txt",
        "/datasets/air-quality/2026.11.23.1/release.json.",
        "/datasets/air-quality/2026.11.23.1/%00SHA256SUMS",
        "/catalog/%2e%2e%2fstate%2fsecret.txt",
        "/datasets/bus-stops/2026.11.23.1/data/bus-stops.csv",
        "/datasets/held-data/latest/data/held-data.csv",
    ])
    func traversal(uri: String) async throws {
        try await withPortal { _, client in
            let r = try await get(client, uri)
            #expect(r.status == .notFound || r.status == .forbidden, "\(uri) → \(r.status)")
            #expect(!r.text.contains("top secret"))
        }
    }

    @Test("a symlink inside a release that points outside is not served")
    func symlink() async throws {
        try await withPortal { fixture, client in
            let dir = fixture.root.appendingPathComponent("releases/air-quality/2026.11.23.1")
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("data/link.csv"),
                                                       withDestinationURL: fixture.root.appendingPathComponent("state/secret.txt"))
            // Listed in SHA256SUMS, so only the real-path check stands in the way.
            let sums = dir.appendingPathComponent("SHA256SUMS")
            var text = try String(contentsOf: sums, encoding: .utf8)
            text += String(repeating: "a", count: 64) + "  data/link.csv\n"
            try text.write(to: sums, atomically: true, encoding: .utf8)
            let r = try await get(client, "/datasets/air-quality/2026.11.23.1/data/link.csv")
            #expect(r.status == .notFound)
            #expect(!r.text.contains("top secret"))
            // The control: a listed regular file is served.
            #expect(try await get(client, "/datasets/air-quality/2026.11.23.1/data/air-quality.csv").status == .ok)
        }
    }

    @Test("only GET and HEAD are accepted outside the approval POST", arguments: [
        (HTTPRequest.Method.put, "/datasets/air-quality"), (.delete, "/datasets/air-quality/latest/SHA256SUMS"),
        (.post, "/"), (.post, "/api/datasets"), (.patch, "/approvals"), (.delete, "/approvals/bus-stops/2026.11.23.1"),
    ])
    func methods(method: HTTPRequest.Method, uri: String) async throws {
        try await withPortal { _, client in
            let r = try await client.execute(uri: uri, method: method)
            #expect(r.status == .methodNotAllowed)
            #expect(r.headers[.allow] != nil)
        }
    }

    @Test("security headers are on pages, downloads and errors")
    func headers() async throws {
        try await withPortal { _, client in
            for uri in ["/", "/datasets/air-quality", "/datasets/air-quality/latest/SHA256SUMS", "/missing", "/api/datasets"] {
                let r = try await get(client, uri)
                let csp = r.headers[HeaderName.csp] ?? ""
                #expect(csp.contains("default-src 'self'"), "\(uri)")
                #expect(!csp.contains("script-src 'unsafe-inline'"))
                #expect(r.headers[HeaderName.contentTypeOptions] == "nosniff", "\(uri)")
            }
            let head = try await client.execute(uri: "/datasets/air-quality/latest/SHA256SUMS", method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
        }
    }

    @Test("segment decoding refuses dot segments and keeps %2f inside a segment")
    func segments() {
        #expect(SafePath.segments(rawPath: "/a/b%20c") == ["a", "b c"])
        #expect(SafePath.segments(rawPath: "/a/%2e%2e") == nil)
        #expect(SafePath.segments(rawPath: "/a/b%2fc") == nil)
        #expect(SafePath.segments(rawPath: "/a//b") == nil)
        #expect(SafePath.segments(rawPath: "/a/.hidden") == nil)
        #expect(SafePath.isVersion("2026.11.23.1"))
        #expect(!SafePath.isVersion("2026..1"))
        #expect(!SafePath.isDatasetId("../x"))
    }
}

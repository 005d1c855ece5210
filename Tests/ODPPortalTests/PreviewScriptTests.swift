import Foundation
import Hummingbird
import HummingbirdTesting
import ODPCore
import Testing
@testable import ODPPortal

/// Issue 20 §2: the dataset page's preview script is an external same-origin file the CSP
/// allows, the page holds no inline script, and the server-rendered rows stay for readers
/// without script. The browser half is in `BrowserTests.researcherPath`.
@Suite("Preview script (/static/preview.js)")
struct PreviewScriptTests {
    @Test("served as JavaScript with nosniff and a CSP that allows only same-origin script; the hashed URL is cached for a year, revalidated by ETag")
    func served() async throws {
        try await withPortal { _, client in
            let r = try await get(client, PreviewScript.src)
            #expect(r.status == .ok && r.text == PreviewScript.source)
            #expect(r.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(r.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(r.headers[HeaderName.contentTypeOptions] == "nosniff")
            let csp = try #require(r.headers[HeaderName.csp])
            let scriptSrc = try #require(csp.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix("script-src") })
            #expect(scriptSrc == "script-src 'self'", "inline script stays forbidden: \(csp)")
            let etag = try #require(r.headers[.eTag])
            let unversioned = try await get(client, PreviewScript.path)
            #expect(unversioned.status == .ok && unversioned.headers[.cacheControl] == "no-cache", "an old or missing hash is revalidated")
            let again = try await get(client, PreviewScript.path, [.ifNoneMatch: etag])
            #expect(again.status == .notModified && again.body.readableBytes == 0)
            let head = try await client.execute(uri: PreviewScript.src, method: .head)
            #expect(head.status == .ok && head.headers[.contentType] == "text/javascript; charset=utf-8")
        }
    }

    @Test("the script parses (node --check) and writes cells as text, never as HTML")
    func parses() throws {
        #expect(!PreviewScript.source.contains("innerHTML") && !PreviewScript.source.contains("eval(") && !PreviewScript.source.contains("insertAdjacentHTML"))
        // scripts/setup.sh --test installs nodejs: a syntax error must fail here, not in a browser.
        let node = try #require(["/usr/bin/node", "/usr/bin/nodejs"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }),
                                "node is not installed (scripts/setup.sh --test installs nodejs)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("odp-preview-\(UUID().uuidString).js")
        try Data(PreviewScript.source.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: node)
        p.arguments = ["--check", file.path]
        let errors = Pipe()
        p.standardError = errors
        try p.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(message)")
    }

    @Test("a page whose version the rows API serves links the script and the API; its first rows are in the HTML, with Chinese titles")
    func enhancedPage() async throws {
        try await RowsAPITests.withRows { _, client, version in
            let page = try await get(client, "/datasets/stations")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("data-rows=\"/api/datasets/stations/versions/\(version)/rows\""))
            #expect(html.contains("data-fields=\"id,district,aqi,pm25,name,reported_on,open\""))
            #expect(html.contains("<script src=\"\(PreviewScript.src)\" defer></script>"))
            // No inline script anywhere, nor an event-handler attribute: the CSP would block both.
            #expect(html.ranges(of: "<script").count == 1)
            #expect(html.firstMatch(of: /\son[a-z]+=/) == nil)
            // Without script: the first 20 rows, headed by title and name, in a region a keyboard can scroll.
            #expect(html.contains("<th scope=\"col\">行政区<br><span class=\"muted mono\">district</span></th>"))
            #expect(html.contains("<td>站点1</td>") && html.contains("<td>站点19</td>") && !html.contains("<td>站点21</td>"))
            #expect(html.contains("role=\"region\" aria-label=\"数据预览表\" tabindex=\"0\""))
            #expect(html.contains("<p class=\"count\" role=\"status\">显示前 20 行</p>"))
            // The API the script reads tells which columns sort and filter.
            let rows = try RowsAPITests.json(try await get(client, "/api/datasets/stations/versions/\(version)/rows?limit=1"))
            let fields = try #require(rows["fields"] as? [[String: Any]])
            let filterable = fields.filter { $0["filterable"] as? Bool == true }.compactMap { $0["name"] as? String }
            #expect(filterable == ["id", "district", "aqi", "reported_on"])
        }
    }

    @Test("no script and no API link where the API does not serve the rows: a version without SQLite, a conditional dataset")
    func plainPages() async throws {
        try await RowsAPITests.withRows { _, client, _ in
            let air = try await get(client, "/datasets/air-quality")
            #expect(air.status == .ok && air.text.contains("朝阳奥体中心"), "the server-rendered rows")
            #expect(!air.text.contains("data-rows") && !air.text.contains("<script"))
            let permits = try await get(client, "/datasets/permits")
            #expect(permits.status == .ok && permits.text.contains("数据申请（有条件开放）"))
            #expect(!permits.text.contains("data-rows") && !permits.text.contains("<script") && !permits.text.contains("站点1<"),
                    "a conditional dataset's page previews no rows")
            let api = try await get(client, "/api/datasets/permits/rows?limit=5")
            #expect(api.status == .forbidden && RowsAPITests.code(api) == "access_token_required")
        }
    }
}

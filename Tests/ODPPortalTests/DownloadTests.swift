import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import ODPPortal
import ODPCore

@Suite("Downloads: stable URLs, ETag, ranges, content types")
struct DownloadTests {
    static let csvPath = "releases/air-quality/2026.11.23.1/data/air-quality.csv"

    @Test("a release file is served with its SHA-256 as ETag and the right content type")
    func etag() async throws {
        try await withPortal { fixture, client in
            let r = try await get(client, "/datasets/air-quality/2026.11.23.1/data/air-quality.csv")
            let bytes = try Data(contentsOf: fixture.root.appendingPathComponent(Self.csvPath))
            #expect(r.status == .ok)
            #expect(Data(r.body.readableBytesView) == bytes)
            #expect(r.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(r.headers[.eTag] == "\"sha256-\(fixture.sha(Self.csvPath))\"")
            #expect(r.headers[.contentLength] == String(bytes.count))
            #expect(r.headers[.acceptRanges] == "bytes")
            let again = try await get(client, "/datasets/air-quality/2026.11.23.1/data/air-quality.csv", [.ifNoneMatch: r.headers[.eTag]!])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            let other = try await get(client, "/datasets/air-quality/2026.11.23.1/data/air-quality.csv", [.ifNoneMatch: "\"sha256-00\""])
            #expect(other.status == .ok)
        }
    }

    @Test("SHA256SUMS.sig is offered only for a release whose release.json says it is signed; a newer release.json is left out")
    func signatureAndNewerFormat() async throws {
        try await withPortal { fixture, client in
            let folder = fixture.root.appendingPathComponent("releases/air-quality/2026.11.23.1")
            try Data("c2lnbmF0dXJl\n".utf8).write(to: folder.appendingPathComponent("SHA256SUMS.sig"))
            #expect(try await get(client, "/datasets/air-quality/2026.11.23.1/SHA256SUMS.sig").status == .notFound)
            let url = folder.appendingPathComponent("release.json")
            var metadata = try #require(try ArtifactCodec.read(ReleaseMetadata.self, at: url))
            metadata.signature = ReleaseSignature(publicKey: String(repeating: "ab", count: 32))
            try ArtifactCodec.write(metadata, to: url)
            let signed = try await get(client, "/datasets/air-quality/2026.11.23.1/SHA256SUMS.sig")
            #expect(signed.status == .ok && signed.text == "c2lnbmF0dXJl\n")
            // A release.json from a newer odp: that version is not shown, the others are.
            let older = fixture.root.appendingPathComponent("releases/air-quality/2026.11.20.1/release.json")
            var tree = try JSONDecoder().decode(ArtifactJSON.self, from: Data(contentsOf: older))
            tree[ArtifactCodec.versionKey] = .int(Int64(ReleaseMetadata.schemaVersion + 1))
            try tree.encoded(pretty: true).write(to: older)
            #expect(try await get(client, "/datasets/air-quality/2026.11.20.1/data/air-quality.csv").status == .notFound)
            #expect(try await get(client, "/datasets/air-quality/latest/data/air-quality.csv").status == .ok)
        }
    }

    @Test("latest points at the version latest.json names")
    func latest() async throws {
        try await withPortal { fixture, client in
            let r = try await get(client, "/datasets/air-quality/latest/data/air-quality.csv")
            #expect(r.text.contains("朝阳奥体中心"))
            let old = try await get(client, "/datasets/air-quality/2026.11.20.1/data/air-quality.csv")
            #expect(!old.text.contains("朝阳奥体中心"))
            #expect(try await get(client, "/datasets/air-quality/latest/datapackage.json").headers[.contentType] == "application/json")
            let zip = try await get(client, "/datasets/air-quality/latest/air-quality-2026.11.23.1.zip")
            #expect(zip.status == .ok)
            #expect(zip.headers[.contentType] == "application/zip")
            #expect(zip.headers[.eTag]?.hasPrefix("\"") == true)
            #expect(try await get(client, "/datasets/air-quality/2026.11.20.1/air-quality-2026.11.20.1.zip").status == .notFound)
        }
    }

    @Test("single byte ranges answer 206 with Content-Range", arguments: [
        ("bytes=0-9", 0, 9), ("bytes=10-", 10, -1), ("bytes=-5", -5, -1), ("bytes=3-100000", 3, -1),
    ])
    func ranges(header: String, from: Int, to: Int) async throws {
        try await withPortal { fixture, client in
            let bytes = try Data(contentsOf: fixture.root.appendingPathComponent(Self.csvPath))
            let start = from < 0 ? bytes.count + from : from
            let end = to < 0 ? bytes.count - 1 : to
            let r = try await get(client, "/datasets/air-quality/latest/data/air-quality.csv", [.range: header])
            #expect(r.status == .partialContent)
            #expect(r.headers[.contentRange] == "bytes \(start)-\(end)/\(bytes.count)")
            #expect(Data(r.body.readableBytesView) == bytes.subdata(in: start..<(end + 1)))
        }
    }

    @Test("an unsatisfiable range answers 416; a range with a stale If-Range gets the whole file")
    func unsatisfiable() async throws {
        try await withPortal { fixture, client in
            let size = try Data(contentsOf: fixture.root.appendingPathComponent(Self.csvPath)).count
            let r = try await get(client, "/datasets/air-quality/latest/data/air-quality.csv", [.range: "bytes=\(size)-"])
            #expect(r.status == .rangeNotSatisfiable)
            #expect(r.headers[.contentRange] == "bytes */\(size)")
            let stale = try await get(client, "/datasets/air-quality/latest/data/air-quality.csv", [.range: "bytes=0-3", .ifRange: "\"old\""])
            #expect(stale.status == .ok)
            let multi = try await get(client, "/datasets/air-quality/latest/data/air-quality.csv", [.range: "bytes=0-1,4-5"])
            #expect(multi.status == .ok)
        }
    }

    @Test("range parsing")
    func parse() {
        #expect(FileResponder.parseRange("bytes=0-0", size: 10) == .range(0...0))
        #expect(FileResponder.parseRange("bytes=5-2", size: 10) == .none)
        #expect(FileResponder.parseRange("bytes=-0", size: 10) == .unsatisfiable)
        #expect(FileResponder.parseRange("bytes=-20", size: 10) == .range(0...9))
        #expect(FileResponder.parseRange("items=0-1", size: 10) == .none)
        #expect(FileResponder.parseRange("bytes=10-", size: 10) == .unsatisfiable)
    }
}

@Suite("Identifiers resolve (DatasetURI)")
struct IdentifierRouteTests {
    @Test("/id/<资源代码> redirects to the dataset page, /id/<资源代码>/<version> to that version; unknown codes and versions are 404")
    func resolve() async throws {
        try await withPortal { _, client in
            let series = try await get(client, "/id/11000000-AQ-001")
            #expect(series.status == .seeOther && series.headers[.location] == "/datasets/air-quality")
            let version = try await get(client, "/id/11000000-AQ-001/2026.11.20.1")
            #expect(version.status == .seeOther && version.headers[.location] == "/datasets/air-quality?version=2026.11.20.1")
            let page = try await get(client, "/datasets/air-quality?version=2026.11.20.1")
            #expect(page.status == .ok && String(buffer: page.body).contains("2026.11.20.1"))
            for missing in ["/id/11000000-AQ-002", "/id/11000000-AQ-001/2020.01.01.1", "/id/", "/id/11000000-AQ-001/2026.11.20.1/x"] {
                #expect(try await get(client, missing).status == .notFound, "\(missing)")
            }
        }
    }
}

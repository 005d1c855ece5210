import Foundation
import ODPCore
import Testing
@testable import ODPRelease

@Suite("Release formats")
struct ReleaseFormatsTests {
    static let commonFiles = ["CITATION.cff", "README.md", "SHA256SUMS", "data/enterprises.csv", "datacite.json", "datapackage.json",
                              "privacy-report.json", "provenance.json", "quality-report.html", "quality-report.json", "release.json"]

    func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// The data file paths each place of a release names, so both layouts are checked the same way.
    func dataPaths(_ outcome: ReleaseOutcome) throws -> (folder: [String], sums: [String], zip: [String], package: [String], release: [String]) {
        let dir = outcome.directory
        // The format files; a later version's row delta (empty when only the formats changed) is not one.
        func isFormat(_ path: String) -> Bool { path.hasPrefix("data/") && !path.hasSuffix(".delta.csv") }
        let folder = try ReleaseFiles.list(dir).filter(isFormat)
        let sums = try SHA256Sums.parse(Data(contentsOf: dir.appendingPathComponent("SHA256SUMS")), file: "SHA256SUMS").entries.map(\.path).filter(isFormat)
        let prefix = "enterprises-\(outcome.version)/"
        let zip = try ZipReader(url: try #require(outcome.zip)).entries.map(\.name)
            .filter { $0.hasPrefix(prefix) && !$0.hasSuffix("/") }.map { String($0.dropFirst(prefix.count)) }.filter(isFormat)
        let resources = try json(dir.appendingPathComponent("datapackage.json"))["resources"] as? [[String: Any]] ?? []
        let files = try json(dir.appendingPathComponent("release.json"))["data_files"] as? [[String: Any]] ?? []
        return (folder, sums, zip.sorted(), resources.compactMap { $0["path"] as? String }, files.compactMap { $0["path"] as? String })
    }

    @Test("a CSV-only release carries no JSON file anywhere, and its content hash equals the two-format release's")
    func csvOnly() throws {
        let both = try Fixture.release(root: Fixture.temporaryDirectory())
        let root = Fixture.temporaryDirectory()
        let csv = try Fixture.release(root: root, definition: Fixture.definition(formats: [.csv]))

        #expect(try ReleaseFiles.list(csv.directory) == Self.commonFiles)
        let only = try dataPaths(csv)
        #expect(only.folder == ["data/enterprises.csv"] && only.sums == only.folder && only.zip == only.folder)
        #expect(only.package == only.folder && only.release == only.folder)
        let all = try dataPaths(both)
        let pair = ["data/enterprises.csv", "data/enterprises.json"]
        #expect(all.folder == pair && all.sums == pair && all.zip == pair && all.package == pair && all.release == pair)
        #expect(csv.files.map(\.path) == Self.commonFiles.filter { $0 != "SHA256SUMS" })

        #expect(csv.contentHash == both.contentHash)
        #expect(try Data(contentsOf: csv.directory.appendingPathComponent("data/enterprises.csv"))
                == Data(contentsOf: both.directory.appendingPathComponent("data/enterprises.csv")))
        let readme = Fixture.read(csv.directory.appendingPathComponent("README.md"))
        #expect(!readme.contains("enterprises.json") && !readme.contains("JSON 文件"))
        let bothReadme = Fixture.read(both.directory.appendingPathComponent("README.md"))
        #expect(bothReadme.contains("`data/enterprises.json`：JSON 数组") && bothReadme.contains("JSON 文件保留原值"))

        let verified = try ReleaseVerifier.verify(path: try #require(csv.zip))
        #expect(verified.isValid && verified.verified.count == 10, "\(verified.failures)")
        // The deflate spool of the data pass is gone with the temporary folder.
        let left = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("releases/enterprises").path)
        #expect(left.sorted() == [csv.version, "latest.json"])
        if let unzip = try Fixture.run("unzip", ["-t", csv.zip!.path]) {
            #expect(unzip.status == 0 && unzip.output.contains("No errors detected"), "\(unzip.output)")
        } else {
            Issue.record("unzip is not installed (apt-get install -y unzip)")
        }
    }

    @Test("turning JSON off or on takes effect at once, with the same data and content hash; the same formats again are unchanged")
    func switchingOff() throws {
        let root = Fixture.temporaryDirectory()
        let first = try Fixture.release(root: root)
        let csvOnly = try Fixture.release(root: root, definition: Fixture.definition(formats: [.csv]), time: Fixture.runTime + 60)
        #expect(!csvOnly.isUnchanged)
        #expect(csvOnly.contentHash == first.contentHash)
        #expect(try dataPaths(csvOnly).folder == ["data/enterprises.csv"])
        let again = try Fixture.release(root: root, definition: Fixture.definition(formats: [.csv]), time: Fixture.runTime + 90)
        #expect(again.kind == .unchanged(csvOnly.version))
        let both = try Fixture.release(root: root, time: Fixture.runTime + 100)
        #expect(try dataPaths(both).folder == ["data/enterprises.csv", "data/enterprises.json"])
        var rows = Fixture.rows
        rows[0][1] = "改名公司"
        let next = try Fixture.release(root: root, rows: rows, definition: Fixture.definition(formats: [.csv]), time: Fixture.runTime + 120)
        #expect(try dataPaths(next).folder == ["data/enterprises.csv"])
        let changes = try #require(next.changes)
        #expect(changes.changed == 1 && changes.added == 0 && changes.removed == 0)
    }

    @Test("the open list and DCAT name only the formats a release carries")
    func catalog() throws {
        let root = Fixture.temporaryDirectory()
        let definition = Fixture.definition(formats: [.csv])
        _ = try Fixture.release(root: root, definition: definition)
        let entry = try #require(try CatalogEntry.load(definition: definition, root: root, baseURL: nil, now: Fixture.runTime))
        #expect(entry.files.map(\.format) == ["CSV"])
        #expect(OpenList.row(entry, index: 1)[10] == "CSV")
        guard case .array(let distributions)? = DCATCatalog.version(entry, at: entry.versions.count - 1, baseURL: nil)["dcat:distribution"] else {
            Issue.record("the DCAT dataset has no distribution list")
            return
        }
        #expect(distributions.count == 1)
        #expect(distributions.first?["dcat:downloadURL"]?["@id"] == .string(entry.csvURL))
    }
}

import Foundation
import ODPCore
import Testing
@testable import ODPRelease

/// Issue 19 §1 (DCAT-AP 3 versions) and §2 (feed files): a dataset released twice is a
/// dcat:DatasetSeries of two dcat:Datasets, and the catalog step writes its Atom feeds.
@Suite("DCAT series and feed files")
struct CatalogSeriesTests {
    /// `enterprises` released twice (one row changed), then a held third version.
    func twice() throws -> (root: URL, definition: DatasetDefinition, versions: [String]) {
        let root = Fixture.temporaryDirectory()
        let a = Fixture.definition(id: "enterprises")
        let first = try Fixture.release(root: root, definition: a)
        var rows = Fixture.rows
        rows[0][1] = "新名称"
        let second = try Fixture.release(root: root, rows: rows, definition: a, time: Fixture.runTime + 86_400)
        rows[1][1] = "再次变更"
        _ = try Fixture.release(root: root, rows: rows, definition: a, time: Fixture.runTime + 2 * 86_400, status: .held(["评分过低"]))
        return (root, a, [first.version, second.version])
    }

    static func config(base: String?) throws -> PipelineConfig? { try base.map { try CatalogTests().config(base: $0) } }

    @Test("each published version is a dcat:Dataset with dcat:version, adms:versionNotes, dcat:inSeries and prev/next; the series names its first and last; a held version is left out")
    func series() throws {
        let (root, a, versions) = try twice()
        try Catalog.write(config: try Self.config(base: "https://data.example.gov.cn"), definitions: [a], outputRoot: root, generatedAt: Fixture.runTime, gate: nil)
        let tree = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("catalog/dcat.jsonld"))) as? [String: Any]
        let catalog = try #require((tree?["@graph"] as? [[String: Any]])?.first)
        let nodes = try #require(catalog["dcat:dataset"] as? [[String: Any]])
        let series = "https://data.example.gov.cn/datasets/enterprises"
        #expect(nodes.map { $0["@id"] as? String } == ["\(series)/\(versions[1])", "\(series)/\(versions[0])"], "newest first, the held one left out")
        let (newest, oldest) = (nodes[0], nodes[1])
        #expect(newest["dcat:version"] as? String == versions[1] && oldest["dcat:version"] as? String == versions[0])
        func id(_ node: [String: Any], _ key: String) -> String? { (node[key] as? [String: Any])?["@id"] as? String }
        func notes(_ node: [String: Any]) -> String? { (node["adms:versionNotes"] as? [String: Any])?["@value"] as? String }
        let changes = try #require(try ReleaseReader.latest(datasetId: "enterprises", root: root)?.metadata.changes)
        #expect(notes(oldest) == "首个版本" && notes(newest) == ChangeSummary.text(changes, previousVersion: versions[0]))
        #expect(notes(newest)?.hasPrefix("新增 ") == true && changes.added + changes.changed + changes.removed > 0)
        #expect(id(newest, "dcat:prev") == "\(series)/\(versions[0])" && id(newest, "dcat:previousVersion") == "\(series)/\(versions[0])")
        #expect(id(oldest, "dcat:next") == "\(series)/\(versions[1])" && oldest["dcat:prev"] == nil && newest["dcat:next"] == nil)
        let node = try #require(newest["dcat:inSeries"] as? [String: Any])
        #expect(node["@type"] as? String == "dcat:DatasetSeries" && node["@id"] as? String == series)
        #expect(id(node, "dcat:first") == "\(series)/\(versions[0])" && id(node, "dcat:last") == "\(series)/\(versions[1])")
        #expect(id(oldest, "dcat:inSeries") == series)
        // Each version keeps its own immutable files.
        let urls = nodes.map { ((($0["dcat:distribution"] as? [[String: Any]])?.first?["dcat:downloadURL"]) as? [String: Any])?["@id"] as? String }
        #expect(urls == versions.reversed().map { "https://data.example.gov.cn/enterprises/\($0)/data/enterprises.csv" })
    }

    @Test("with versions, dcat.jsonld still conforms to the DCAT-AP 3.0.1 shapes and range, and the recommended shapes warn only as explained")
    func seriesConforms() throws {
        let (root, a, _) = try twice()
        let reference = URL(fileURLWithPath: "/work/shared/reference/dcat-ap-3.0.1")
        let all = root.appendingPathComponent("shapes-all.ttl")
        try (Data(contentsOf: reference.appendingPathComponent("shapes.ttl")) + Data("\n".utf8) + Data(contentsOf: reference.appendingPathComponent("range.ttl"))).write(to: all)
        let recommended = root.appendingPathComponent("shapes-recommended.ttl")
        try (Data(contentsOf: reference.appendingPathComponent("shapes_recommended.ttl")) + Data("\n".utf8)
             + Data(contentsOf: reference.appendingPathComponent("range.ttl"))).write(to: recommended)
        for base in [nil, "https://data.example.gov.cn"] as [String?] {
            try Catalog.write(config: try Self.config(base: base), definitions: [a], outputRoot: root, generatedAt: Fixture.runTime, gate: nil)
            let data = root.appendingPathComponent("catalog/dcat.jsonld").path
            guard let result = try Fixture.run("pyshacl", ["-s", all.path, "-df", "json-ld", data]) else {
                if Fixture.servicesRequired { Issue.record("pyshacl is not installed (pip install pyshacl)") }
                return
            }
            #expect(result.output.contains("Conforms: True"), "\(result.output.suffix(3000))")
            let warned = try #require(try Fixture.run("pyshacl", ["-s", recommended.path, "-df", "json-ld", data]))
            let paths = Set(warned.output.split(separator: "\n").compactMap { line -> String? in
                guard let r = line.range(of: "Result Path: ") else { return nil }
                return String(line[r.upperBound...]).trimmingCharacters(in: .whitespaces)
            })
            var explained: Set<String> = ["dcat:bbox", "dcat:centroid", "dct:temporal"]
            if base == nil { explained.insert("foaf:homepage") }
            #expect(paths.isSubset(of: explained), "\(paths.subtracting(explained)): \(warned.output.suffix(3000))")
        }
    }

    @Test("feed.atom and feeds/<id>.atom are written, parse as Atom 1.0 in feedparser, list the published versions and errata, and are byte-identical on a re-run")
    func feedFiles() throws {
        let (root, a, versions) = try twice()
        let errata = [Erratum(number: "enterprises-E1", dataset: "enterprises", version: versions[0], text: "注册资本单位应为万元。", by: "张三",
                              recorded: "2025-11-25T01:00:00Z", fixedIn: versions[1])]
        let written = try Catalog.write(config: nil, definitions: [a], outputRoot: root, generatedAt: Fixture.runTime, gate: nil, errata: errata)
        let site = root.appendingPathComponent("catalog/feed.atom")
        let own = root.appendingPathComponent("catalog/feeds/enterprises.atom")
        #expect(written.files.contains(site) && written.feeds == [own])
        let siteBytes = try Data(contentsOf: site), ownBytes = try Data(contentsOf: own)
        try Catalog.write(config: nil, definitions: [a], outputRoot: root, generatedAt: Fixture.runTime + 3600, gate: nil, errata: errata)
        #expect(try Data(contentsOf: site) == siteBytes && Data(contentsOf: own) == ownBytes)
        let text = String(decoding: ownBytes, as: UTF8.self)
        #expect(!text.contains("张三"))
        // The `.venv-test` python (scripts/setup.sh --test), with feedparser.
        let venv = (ProcessInfo.processInfo.environment["ODP_TEST_VENV"] ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".venv-test").path) + "/bin/python"
        guard FileManager.default.isExecutableFile(atPath: venv) else {
            if Fixture.servicesRequired { Issue.record("the test venv lacks feedparser: run scripts/setup.sh --test") }
            return
        }
        let script = "import feedparser, json, sys\nd = feedparser.parse(sys.argv[1])\nprint(json.dumps({'bozo': d.bozo, 'version': d.version, 'ids': [e.id for e in d.entries]}))"
        for (file, ids) in [(own, ["urn:odp:erratum:enterprises-E1", "urn:odp:\(a.catalog.code):\(versions[1])", "urn:odp:\(a.catalog.code):\(versions[0])"]),
                            (site, ["urn:odp:erratum:enterprises-E1", "urn:odp:\(a.catalog.code):\(versions[1])"])] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: venv)
            p.arguments = ["-c", script, file.path]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let parsed = try JSONSerialization.jsonObject(with: out.fileHandleForReading.readDataToEndOfFile()) as? [String: Any]
            p.waitUntilExit()
            #expect(parsed?["bozo"] as? Int == 0 && parsed?["version"] as? String == "atom10", "\(parsed ?? [:])")
            #expect(parsed?["ids"] as? [String] == ids, "\(file.lastPathComponent): \(parsed ?? [:])")
        }
        // A dataset no longer listed loses its feed.
        try Catalog.write(config: nil, definitions: [], outputRoot: root, generatedAt: Fixture.runTime, gate: nil)
        #expect(!FileManager.default.fileExists(atPath: own.path))
    }
}

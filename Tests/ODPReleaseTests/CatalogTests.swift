import Foundation
import ODPCore
import Testing
@testable import ODPRelease

@Suite("Open-data list and DCAT catalog")
struct CatalogTests {
    /// Three datasets: one released then held, one released, one never released.
    func scenario() throws -> (root: URL, definitions: [DatasetDefinition], first: ReleaseOutcome) {
        let root = Fixture.temporaryDirectory()
        var a = Fixture.definition(id: "enterprises")
        a.catalog.title = "企业<登记>信息 & \"名录\""
        let first = try Fixture.release(root: root, definition: a)
        var rows = Fixture.rows
        rows[0][1] = "新名称"
        _ = try Fixture.release(root: root, rows: rows, definition: a, time: Fixture.runTime + 60, status: .held(["评分过低"]))
        // The second dataset carries a Parquet copy, so every catalog test sees a third format.
        var b = Fixture.definition(id: "licences", formats: [.csv, .parquet])
        b.catalog.title = "许可证信息"
        b.catalog.code = "B-001"
        b.catalog.domain = "城建住房"
        b.catalog.openType = .conditional
        b.catalog.openCondition = "签署数据使用协议"
        b.catalog.updateCycle = .daily
        b.catalog.license = "CC0-1.0"
        _ = try Fixture.release(root: root, definition: b)
        var c = Fixture.definition(id: "unreleased")
        c.catalog.title = "未发布数据"
        let writer = try ReleaseWriter(definition: c, schema: c.schema, outputRoot: root, runTime: Fixture.runTime)
        try writer.write(Fixture.batch(Fixture.rows))
        _ = try writer.finish(reports: [], status: .awaitingApproval, gate: nil)
        return (root, [c, b, a], first)
    }

    func config(base: String?) throws -> PipelineConfig {
        let file = Fixture.temporaryDirectory().appendingPathComponent("odp.yml")
        var text = "output: out\ndatasets:\n  - \"*.yml\"\npublisher: 示例市数据资源管理局\n"
        if let base { text += "public_base_url: \(base)\n" }
        try Data(text.utf8).write(to: file)
        let (config, diagnostics) = PipelineConfig.load(path: file.path)
        return try #require(config, "\(diagnostics)")
    }

    @Test("the CSV list has the Chinese columns, released datasets only, the last good version of a held one")
    func csvList() throws {
        let (root, defs, first) = try scenario()
        let urls = try Catalog.write(config: try config(base: "https://data.example.gov.cn"), definitions: defs, outputRoot: root, generatedAt: Fixture.runTime, gate: nil).files
        #expect(urls.map(\.lastPathComponent) == ["open-list.csv", "open-list.json", "open-list.html", "open-list.js", "dcat.jsonld", "feed.atom"])
        let text = Fixture.read(root.appendingPathComponent("catalog/open-list.csv"))
        #expect(text.hasPrefix("\u{FEFF}序号,资源名称,资源代码,提供方,提供方代码,资源摘要,数据领域,开放属性,开放条件,更新周期,数据格式,发布日期,最近更新,数据量,信息项,关键字,许可协议,版本,下载地址,签名公钥（Ed25519）,更新状态\r\n"))
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("1,\"企业<登记>信息 & \"\"名录\"\"\""))
        #expect(lines[1].contains(",\(first.version),https://data.example.gov.cn/enterprises/\(first.version)/data/enterprises.csv"))
        #expect(lines[2].contains("许可证信息") && lines[2].contains("有条件开放,签署数据使用协议,每日"))
        #expect(lines[2].contains(",CSV、PARQUET,"), "\(lines[2])")
        #expect(!text.contains("未发布数据"))
    }

    @Test("the lists say which datasets are overdue for their 更新周期 and the 更新及时率, judged when generated")
    func timeliness() throws {
        let (root, defs, _) = try scenario()
        // licences is 每日, enterprises 每月: three days later only licences is overdue.
        let later = Fixture.runTime.addingTimeInterval(3 * 86_400)
        _ = try Catalog.write(config: try config(base: nil), definitions: defs, outputRoot: root, generatedAt: later, gate: nil)
        let document = try #require(try OpenListDocument.read(catalogDirectory: root.appendingPathComponent("catalog")))
        let licences = try #require(document.datasets.first { $0.datasetId == "licences" })
        #expect(licences.timeliness?.overdue == true && licences.timeliness?.cycle == .daily)
        let enterprises = try #require(document.datasets.first { $0.datasetId == "enterprises" })
        #expect(enterprises.timeliness?.overdue == false && enterprises.timeliness?.cycle == .monthly)
        #expect(document.timelinessRate == 0.5)
        let csv = Fixture.read(root.appendingPathComponent("catalog/open-list.csv"))
        #expect(csv.components(separatedBy: "\r\n").contains { $0.contains("许可证信息") && $0.hasSuffix(",逾期") })
        let html = Fixture.read(root.appendingPathComponent("catalog/open-list.html"))
        #expect(html.contains("（逾期）") && html.contains("更新及时率 "))

        _ = try Catalog.write(config: try config(base: nil), definitions: defs, outputRoot: root, generatedAt: Fixture.runTime, gate: nil)
        let fresh = try #require(try OpenListDocument.read(catalogDirectory: root.appendingPathComponent("catalog")))
        #expect(fresh.datasets.allSatisfy { $0.timeliness?.overdue == false })
        #expect(fresh.timelinessRate == 1)
    }

    @Test("the JSON list uses snake_case keys and relative URLs without a base URL")
    func jsonList() throws {
        let (root, defs, first) = try scenario()
        try Catalog.write(config: nil, definitions: defs, outputRoot: root, generatedAt: Fixture.runTime, gate: nil)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("catalog/open-list.json"))) as! [String: Any]
        let items = object["datasets"] as! [[String: Any]]
        #expect(items.map { $0["dataset_id"] as! String } == ["enterprises", "licences"])
        #expect(items[0]["version"] as? String == first.version)
        #expect(items[0]["download_url"] as? String == "../enterprises/\(first.version)/data/enterprises.csv")
        #expect((items[0]["row_count"] as? NSNumber)?.intValue == 4)
        #expect((items[0]["fields"] as? [[String: Any]])?.count == 5)
        #expect(items[1]["open_condition"] as? String == "签署数据使用协议")
    }

    @Test("writing an unchanged list again keeps its files and time; a change gives it the new time")
    func unchangedListKeepsItsTime() throws {
        let (root, defs, _) = try scenario()
        let first = try Catalog.write(config: nil, definitions: defs, outputRoot: root, generatedAt: Fixture.runTime, gate: nil).files
        let before = try first.map { try Data(contentsOf: $0) }
        let later = Fixture.runTime + 3600
        let again = try Catalog.write(config: nil, definitions: defs, outputRoot: root, generatedAt: later, gate: nil).files
        #expect(again == first)
        #expect(try again.map { try Data(contentsOf: $0) } == before)
        var changed = defs
        changed[1].catalog.title = "许可证信息（更新）"
        try Catalog.write(config: nil, definitions: changed, outputRoot: root, generatedAt: later, gate: nil)
        let json = Fixture.read(root.appendingPathComponent("catalog/open-list.json"))
        #expect(json.contains("许可证信息（更新）"))
        #expect(json.contains(ReleaseTime.iso(later)))
    }

    @Test("the HTML list escapes text, offers the four filters and loads nothing external; its script is a file beside it")
    func htmlList() throws {
        let (root, defs, _) = try scenario()
        try Catalog.write(config: nil, definitions: defs, outputRoot: root, generatedAt: Fixture.runTime, gate: nil)
        let html = Fixture.read(root.appendingPathComponent("catalog/open-list.html"))
        #expect(html.contains("企业&lt;登记&gt;信息 &amp; &quot;名录&quot;"))
        #expect(!html.contains("企业<登记>"))
        for f in ["data-filter=\"domain\"", "data-filter=\"provider\"", "data-filter=\"open\"", "data-filter=\"cycle\""] { #expect(html.contains(f)) }
        #expect(html.contains("<option value=\"城建住房\">城建住房</option>"))
        #expect(!html.contains("<link") && !html.contains("@font-face"))
        // No inline script (the portal's CSP runs none): only open-list.js from the same folder.
        #expect(html.components(separatedBy: "<script").count == 2)
        #expect(html.contains("<script src=\"open-list.js\"></script>"))
        let script = Fixture.read(root.appendingPathComponent("catalog/open-list.js"))
        #expect(script.contains("addEventListener('change'"))
    }

    @Test("a Parquet copy is a DCAT distribution with the EU file type PARQUET, its IANA media type, size and SHA-256")
    func dcatParquet() throws {
        let (root, defs, _) = try scenario()
        try Catalog.write(config: try config(base: "https://data.example.gov.cn"), definitions: defs, outputRoot: root, generatedAt: Fixture.runTime, gate: nil)
        let text = Fixture.read(root.appendingPathComponent("catalog/dcat.jsonld"))
        let release = try #require(try ReleaseReader.latest(datasetId: "licences", root: root))
        let file = try #require(release.metadata.dataFiles.first { $0.path == "data/licences.parquet" })
        #expect(text.contains("/licences/\(release.version)/parquet\""))
        #expect(text.contains("file-type/PARQUET\"") && text.contains("media-types/application/vnd.apache.parquet\""))
        #expect(text.contains("https://data.example.gov.cn/licences/\(release.version)/data/licences.parquet"))
        #expect(text.contains("\"\(file.sha256)\""))
        #expect(!text.contains("/enterprises/\(release.version)/parquet"))
        let list = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("catalog/open-list.json"))) as! [String: Any]
        let items = list["datasets"] as! [[String: Any]]
        #expect(items[1]["formats"] as? [String] == ["CSV", "PARQUET"])
    }

    @Test("the DCAT-AP 3.0.1 recommended shapes warn only about what a definition cannot say: bbox, centroid, an undeclared period, a homepage without public_base_url")
    func dcatRecommended() throws {
        let (root, defs, _) = try scenario()
        let reference = URL(fileURLWithPath: "/work/shared/reference/dcat-ap-3.0.1")
        let shapes = root.appendingPathComponent("shapes-recommended.ttl")
        try (Data(contentsOf: reference.appendingPathComponent("shapes_recommended.ttl")) + Data("\n".utf8)
             + Data(contentsOf: reference.appendingPathComponent("range.ttl"))).write(to: shapes)
        for base in [nil, "https://data.example.gov.cn"] as [String?] {
            try Catalog.write(config: try config(base: base), definitions: defs, outputRoot: root, generatedAt: Fixture.runTime, gate: nil)
            guard let result = try Fixture.run("pyshacl", ["-s", shapes.path, "-df", "json-ld", root.appendingPathComponent("catalog/dcat.jsonld").path]) else {
                if Fixture.servicesRequired { Issue.record("pyshacl is not installed (pip install pyshacl)") }
                return
            }
            let paths = Set(result.output.split(separator: "\n").compactMap { line -> String? in
                guard let r = line.range(of: "Result Path: ") else { return nil }
                return String(line[r.upperBound...]).trimmingCharacters(in: .whitespaces)
            })
            var explained: Set<String> = ["dcat:bbox", "dcat:centroid", "dct:temporal"]
            if base == nil { explained.insert("foaf:homepage") }
            #expect(paths.isSubset(of: explained), "\(paths.subtracting(explained)): \(result.output.suffix(3000))")
            #expect(!paths.isEmpty || result.output.contains("Conforms: True"))
        }
        let text = Fixture.read(root.appendingPathComponent("catalog/dcat.jsonld"))
        #expect(text.contains("publishertype/LocalAuthority") && text.contains("licencetype/Attribution") && text.contains("planned-availability/STABLE"))
    }

    @Test("dcat.jsonld conforms to the DCAT-AP 3.0.1 SHACL shapes, range checks included")
    func dcatConforms() throws {
        let (root, defs, _) = try scenario()
        for base in [nil, "https://data.example.gov.cn"] as [String?] {
            try Catalog.write(config: try config(base: base), definitions: defs, outputRoot: root, generatedAt: Fixture.runTime, gate: nil)
            let reference = URL(fileURLWithPath: "/work/shared/reference/dcat-ap-3.0.1")
            let shapes = root.appendingPathComponent("shapes-all.ttl")
            try (Data(contentsOf: reference.appendingPathComponent("shapes.ttl")) + Data("\n".utf8) + Data(contentsOf: reference.appendingPathComponent("range.ttl")))
                .write(to: shapes)
            let data = root.appendingPathComponent("catalog/dcat.jsonld").path
            guard let result = try Fixture.run("pyshacl", ["-s", shapes.path, "-df", "json-ld", data]) else {
                if Fixture.servicesRequired { Issue.record("pyshacl is not installed (pip install pyshacl)") }
                return
            }
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("Conforms: True"), "\(result.output)")
        }
        // The shapes do bite: a checksum that is not xsd:hexBinary is a violation.
        let broken = root.appendingPathComponent("broken.jsonld")
        try Data(Fixture.read(root.appendingPathComponent("catalog/dcat.jsonld")).replacingOccurrences(of: "xsd:hexBinary", with: "xsd:string").utf8).write(to: broken)
        if let result = try Fixture.run("pyshacl", ["-s", root.appendingPathComponent("shapes-all.ttl").path, "-df", "json-ld", broken.path]) {
            #expect(result.output.contains("Conforms: False"), "\(result.output)")
        }
    }
}

@Suite("The open list's generation time, read from its tail")
struct OpenListGeneratedAtTests {
    @Test("the time in a written list's last lines is the document's; a list in another layout is decoded; no list is nil")
    func tail() throws {
        let (root, defs, _) = try CatalogTests().scenario()
        let dir = root.appendingPathComponent("catalog")
        #expect(try OpenList.generatedAt(catalogDirectory: dir) == nil)
        _ = try Catalog.write(config: nil, definitions: defs, outputRoot: root, generatedAt: Fixture.runTime + 7, gate: nil)
        let written = try #require(try OpenListDocument.read(catalogDirectory: dir))
        #expect(try OpenList.generatedAt(catalogDirectory: dir) == written.generatedAt && written.generatedAt == ReleaseTime.iso(Fixture.runTime + 7))
        // Compact JSON has no line for the key: the whole document is decoded instead.
        var compact = written
        compact.generatedAt = "2026-01-02T03:04:05Z"
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try encoder.encode(compact).write(to: dir.appendingPathComponent(OpenListDocument.fileName))
        #expect(try OpenList.generatedAt(catalogDirectory: dir) == "2026-01-02T03:04:05Z")
    }
}

/// A catalog whose inputs did not change is not rendered again (issue 18: at 21,000 datasets
/// rendering and inspecting it took minutes on every run).
@Suite("Catalog inputs digest")
struct CatalogInputsTests {
    /// Counts builds by the gate's one call per build for the whole catalog.
    final class Counter: @unchecked Sendable {
        var builds = 0
        var gate: Catalog.Gate {
            Catalog.Gate(entry: { _ in PassingGate() }, catalog: { _ in self.builds += 1; return PassingGate() })
        }
    }

    struct PassingGate: PublishedFileGate {
        func inspect(file: String, bytes: Data) -> [PublishedFileFinding] { [] }
    }

    @Test("an unchanged catalog is recognised by its digest; a new day, a new release, a notice, the first usage counts or a damaged file rebuilds it; new counts alone wait")
    func skipsUnchanged() throws {
        let (root, defs, _) = try CatalogTests().scenario()
        let inputs = root.appendingPathComponent("state/catalog-inputs.json")
        try FileManager.default.createDirectory(at: inputs.deletingLastPathComponent(), withIntermediateDirectories: true)
        let counter = Counter()
        var errata: [Erratum] = []
        func write(_ time: Date) throws -> Catalog.Written {
            try Catalog.write(config: nil, definitions: defs, outputRoot: root, generatedAt: time, gate: counter.gate, errata: errata, inputsFile: inputs)
        }
        let first = try write(Fixture.runTime)
        #expect(counter.builds == 1)
        let record = try #require(try ArtifactCodec.read(CatalogInputs.self, at: inputs))
        #expect(record.listed == ["enterprises", "licences"] && record.files.count == 6)
        let bytes = try first.files.map { try Data(contentsOf: $0) }

        // Later the same day, nothing changed: nothing is rendered or inspected, same result.
        let again = try write(Fixture.runTime + 60)
        #expect(counter.builds == 1)
        #expect(again.files == first.files && again.feeds == first.feeds && again.withheld.isEmpty)
        #expect(try again.files.map { try Data(contentsOf: $0) } == bytes)

        // Each of these rebuilds once, and only once.
        var expected = 1
        func rebuilds(_ what: Comment, _ body: () throws -> Void) throws {
            try body()
            expected += 1
            #expect(counter.builds == expected, what)
            _ = try write(Fixture.runTime + 120)
            #expect(counter.builds == expected, what)
        }
        try rebuilds("a damaged file") {
            try Data("x".utf8).write(to: root.appendingPathComponent("catalog/open-list.csv"))
            _ = try write(Fixture.runTime + 120)
        }
        #expect(try Data(contentsOf: first.files[0]) == bytes[0], "the damaged file is rendered again")
        try rebuilds("a removed feed") {
            try FileManager.default.removeItem(at: first.feeds[0])
            _ = try write(Fixture.runTime + 120)
        }
        try rebuilds("a new release") {
            var rows = Fixture.rows
            rows[1][1] = "又一名称"
            _ = try Fixture.release(root: root, rows: rows, definition: defs[1], time: Fixture.runTime + 90)
            _ = try write(Fixture.runTime + 120)
        }
        try rebuilds("a correction notice") {
            errata = [Erratum(number: "licences-E1", dataset: "licences", version: "2026.11.23.1", text: "第 3 行日期有误", by: "张三",
                              recorded: "2026-11-23T09:00:00Z")]
            _ = try write(Fixture.runTime + 120)
        }
        let usage = root.appendingPathComponent("state/\(UsageCounts.fileName)")
        func count(_ downloads: Int) throws {
            try ArtifactCodec.write(UsageCounts(datasets: ["licences": ["2026.11.23.1": UsageCounts.Count(downloads: downloads, apiCalls: 1)]]), to: usage)
        }
        try rebuilds("the portal's first counts (the open list gains two columns)") {
            try count(3)
            _ = try write(Fixture.runTime + 120)
        }
        // New counts alone wait for the next rebuild: a busy portal rewrites them every 30 s.
        try count(40)
        _ = try write(Fixture.runTime + 130)
        #expect(counter.builds == expected, "new counts alone do not rebuild the catalog")
        #expect(try !String(decoding: Data(contentsOf: root.appendingPathComponent("catalog/open-list.csv")), as: UTF8.self).contains(",40"))
        expected += 1
        _ = try write(Fixture.runTime + 86_400)
        #expect(counter.builds == expected, "a new day judges 更新状态 again")
        #expect(try String(decoding: Data(contentsOf: root.appendingPathComponent("catalog/open-list.csv")), as: UTF8.self).contains(",40"),
                "and shows the day's counts")
    }
}

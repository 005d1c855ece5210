import Foundation
import ODPCore
import Testing
@testable import ODPRelease

@Suite("Citation, identifiers and provenance")
struct CitationTests {
    static let site = ReleasePublishing(publisher: "某市大数据局", baseURL: "https://data.example.gov.cn/open/")

    func release(_ root: URL, definition: DatasetDefinition = Fixture.definition(), rows: [[String?]] = Fixture.rows,
                 time: Date = Fixture.runTime, publishing: ReleasePublishing = site, codeTables: [String: CodeTable] = [:]) throws -> ReleaseOutcome {
        let writer = try ReleaseWriter(definition: definition, schema: definition.schema, outputRoot: root, runTime: time,
                                       codeTables: codeTables, publishing: publishing)
        try writer.write(Fixture.batch(rows))
        return try writer.finish(reports: [StageReport(files: ["quality-report.json": Data("{}\n".utf8)])], status: .released, gate: nil)
    }

    @Test("each version names its URL identifiers, a GB/T 7714 reference, CITATION.cff and datacite.json, all in SHA256SUMS")
    func identifiers() throws {
        let root = Fixture.temporaryDirectory()
        let first = try release(root)
        let second = try release(root, rows: Fixture.rows.dropLast().map { $0 }, time: Fixture.runTime + 86_400)
        let dir = second.directory
        let series = "https://data.example.gov.cn/open/id/11440300MB2C12345X/2024-001"
        let version = "\(series)/\(second.version)"

        let sums = Fixture.read(dir.appendingPathComponent("SHA256SUMS"))
        for name in ["CITATION.cff", "datacite.json", "provenance.json"] { #expect(sums.contains("  \(name)\n"), "\(name) not in SHA256SUMS") }
        let readme = Fixture.read(dir.appendingPathComponent("README.md"))
        #expect(readme.contains("市市场监督管理局. 企业登记信息: 版本 \(second.version)[DS/OL]. (2025-11-24)[引用日期]. \(version)."), "\(readme)")
        #expect(readme.contains("本版本标识：`\(version)`") && readme.contains("数据集（各版本）标识：`\(series)`"))

        let datacite = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("datacite.json"))) as? [String: Any])
        // DataCite kernel-4.3's JSON Schema: required keys, string year and publisher, and its vocabularies.
        for key in ["identifiers", "creators", "titles", "publisher", "publicationYear", "types", "schemaVersion"] {
            #expect(datacite[key] != nil, "datacite.json lacks \(key)")
        }
        #expect(datacite["publicationYear"] as? String == "2025" && datacite["publisher"] as? String == "某市大数据局")
        #expect(datacite["schemaVersion"] as? String == "http://datacite.org/schema/kernel-4")
        #expect((datacite["types"] as? [String: String])?["resourceTypeGeneral"] == "Dataset")
        #expect((datacite["identifiers"] as? [[String: String]]) == [["identifier": version, "identifierType": "URL"]])
        let related = try #require(datacite["relatedIdentifiers"] as? [[String: String]])
        #expect(related.contains(["relatedIdentifier": series, "relatedIdentifierType": "URL", "relationType": "IsVersionOf"]))
        #expect(related.contains(["relatedIdentifier": "\(series)/\(first.version)", "relatedIdentifierType": "URL", "relationType": "IsNewVersionOf"]))
        let rights = try #require((datacite["rightsList"] as? [[String: String]])?.first)
        #expect(rights["rightsIdentifier"] == "cc-by-4.0" && rights["rightsIdentifierScheme"] == "SPDX")

        let provenance = try ArtifactCodec.decode(ReleaseProvenance.self, from: Data(contentsOf: dir.appendingPathComponent("provenance.json")), file: "provenance.json")
        #expect(provenance.identifier == version && provenance.seriesIdentifier == series)
        #expect(provenance.previousVersion == first.version && provenance.odpVersion == ODPBuild.version && provenance.definitionHash == "abc")
        #expect(provenance.stages.map(\.name) == ["extract", "check", "desensitize", "package"])
        try expectValidCFF(dir.appendingPathComponent("CITATION.cff"), title: Fixture.catalog.title)
    }

    @Test("without public_base_url the identifiers are urn:odp URNs and the reference has no address")
    func urns() throws {
        let root = Fixture.temporaryDirectory()
        let outcome = try release(root, publishing: ReleasePublishing())
        let readme = Fixture.read(outcome.directory.appendingPathComponent("README.md"))
        #expect(readme.contains("本版本标识：`urn:odp:11440300MB2C12345X/2024-001:\(outcome.version)`"))
        #expect(readme.contains("[DS/OL]. (2025-11-23)[引用日期].\n"))
        let cff = Fixture.read(outcome.directory.appendingPathComponent("CITATION.cff"))
        #expect(cff.contains("type: other\n    value: \"urn:odp:11440300MB2C12345X/2024-001:\(outcome.version)\"") && !cff.contains("\nurl:"))
        try expectValidCFF(outcome.directory.appendingPathComponent("CITATION.cff"), title: Fixture.catalog.title)
    }

    @Test("a title with quotes, colons, a newline and YAML syntax stays one valid CITATION.cff title")
    func hostileTitle() throws {
        var definition = Fixture.definition()
        let title = "标题 \"引号\": - [x] #非注释 {a: b}\n第二行 \\ 反斜杠 &anchor *ref"
        definition.catalog.title = title
        definition.catalog.keywords = ["- 列表", "key: value"]
        let outcome = try release(Fixture.temporaryDirectory(), definition: definition)
        try expectValidCFF(outcome.directory.appendingPathComponent("CITATION.cff"), title: title)
    }

    @Test("provenance names the database and table or the file, never the host, folder, password or query text")
    func sourceWithoutSecrets() throws {
        var postgres = SourceSpec(kind: .postgres, path: nil)
        postgres.query = "SELECT * FROM secret_schema.people WHERE token = 's3cr3t'"
        postgres.connection = SourceSpec.Connection(host: "db.internal.gov.cn", port: 5432, database: "registry", user: "odp_reader",
                                                    password: .file("/run/secrets/hunter2"), sslMode: "require", sslRootCert: nil)
        let described = ProvenanceRecord.source(postgres)
        #expect(described.system == "registry" && described.table == nil)
        #expect(described.querySha256 == SHA256Hex.of(Data(postgres.query!.utf8)))
        let text = String(decoding: try ArtifactJSON(encoding: described).encoded(pretty: false), as: UTF8.self)
        for secret in ["db.internal.gov.cn", "odp_reader", "hunter2", "secret_schema", "s3cr3t"] { #expect(!text.contains(secret), "\(secret) in \(text)") }
        let file = ProvenanceRecord.source(SourceSpec(kind: .csv, path: "/srv/drops/部门/secret-folder/个体户.csv"))
        #expect(file.system == "个体户.csv" && file.encoding == "utf-8")
    }

    @Test("a code table's version is its content hash: a changed name changes it, the same content does not")
    func codeTableVersion() throws {
        let schema = Schema(Fixture.schema.fields + [FieldDefinition(name: "region", title: "区划", type: .code, codeTable: "gb2260")])
        let definition = Fixture.definition(schema: schema)
        let rows = Fixture.rows.map { $0 + ["350102"] }
        func version(_ table: [String: String]) throws -> ReleaseProvenance.CodeTableVersion? {
            let outcome = try release(Fixture.temporaryDirectory(), definition: definition, rows: rows,
                                      codeTables: ["gb2260": CodeTable(name: "gb2260", current: table), "unused": CodeTable(name: "unused", current: ["1": "x"])])
            let provenance = try ArtifactCodec.decode(ReleaseProvenance.self, from: Data(contentsOf: outcome.directory.appendingPathComponent("provenance.json")), file: "p")
            #expect(provenance.codeTables.map(\.name) == ["gb2260"], "only the tables the schema uses")
            return provenance.codeTables.first
        }
        let a = try #require(try version(["350102": "鼓楼区", "350103": "台江区"]))
        let b = try #require(try version(["350103": "台江区", "350102": "鼓楼区"]))
        let c = try #require(try version(["350102": "鼓楼区", "350103": "台江区（新）"]))
        #expect(a == b && a.codes == 2)
        #expect(a.sha256 != c.sha256)
    }

    /// Validates with cffconvert (the CFF project's own validator) and reads the title back.
    func expectValidCFF(_ file: URL, title: String) throws {
        guard let cffconvert = ParquetReaders.tool("cffconvert", inside: "cff") else { ParquetReaders.missing(); return }
        let check = try #require(try Fixture.run(cffconvert, ["--validate", "-i", file.path]))
        #expect(check.status == 0, "\(check.output)")
        let zenodo = try #require(try Fixture.run(cffconvert, ["-i", file.path, "-f", "zenodo"]))
        let json = try JSONSerialization.jsonObject(with: Data(zenodo.output.utf8)) as? [String: Any]
        #expect(json?["title"] as? String == title, "\(zenodo.output)")
    }
}

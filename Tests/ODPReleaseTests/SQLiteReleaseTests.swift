import Foundation
import ODPCore
import Testing
@testable import ODPRelease

@Suite("The release's SQLite file")
struct SQLiteReleaseTests {
    static func definition() -> DatasetDefinition {
        var fields = Fixture.schema.fields
        fields[1].filterable = true
        return Fixture.definition(schema: Schema(fields), formats: [.csv, .sqlite])
    }

    /// What Python's sqlite3 module (a reader researchers use) reads from `file`, as JSON.
    static func query(_ file: URL, _ sql: String) throws -> [[Any]]? {
        let script = "import json, sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nprint(json.dumps([list(r) for r in c.execute(sys.argv[2])]))"
        guard let result = try Fixture.run("python3", ["-c", script, file.path, sql]), result.status == 0 else { return nil }
        return try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[Any]]
    }

    @Test("release.formats sqlite writes data/<id>.sqlite with typed columns, the field table and indexes on the key and filterable fields; it is listed and checksummed like every data file")
    func layout() throws {
        let outcome = try Fixture.release(root: Fixture.temporaryDirectory(), definition: Self.definition())
        let file = outcome.directory.appendingPathComponent("data/enterprises.sqlite")
        let sums = try SHA256Sums.parse(Data(contentsOf: outcome.directory.appendingPathComponent("SHA256SUMS")), file: "SHA256SUMS")
        #expect(sums["data/enterprises.sqlite"] == (try ReleaseVerifier.hashFile(file)))
        let metadata = try #require(try ReleaseMetadata.read(release: outcome.directory))
        #expect(metadata.dataFiles.map(\.path) == ["data/enterprises.csv", "data/enterprises.sqlite"])
        let package = Fixture.read(outcome.directory.appendingPathComponent("datapackage.json"))
        #expect(package.contains("\"path\" : \"data/enterprises.sqlite\"") && package.contains("application/vnd.sqlite3"), "\(package)")
        let verified = try ReleaseVerifier.verify(path: try #require(outcome.zip))
        #expect(verified.isValid && verified.verified.contains { $0.hasSuffix("data/enterprises.sqlite") }, "\(verified.failures)")
        #expect(Fixture.read(outcome.directory.appendingPathComponent("README.md")).contains("`data/enterprises.sqlite`：SQLite 数据库"))

        let rows = try #require(try Self.query(file, "SELECT rowid, id, name, capital, founded, active, typeof(id), typeof(capital) FROM rows ORDER BY rowid"))
        #expect(rows.count == 4)
        #expect(rows[0][1] as? Int == 1 && rows[0][2] as? String == "甲公司" && rows[0][3] as? Double == 100 && rows[0][4] as? String == "2020-01-15"
                && rows[0][5] as? Int == 1 && rows[0][6] as? String == "integer" && rows[0][7] as? String == "real", "\(rows[0])")
        // Released values, not the CSV's spreadsheet-safe form: no `'` before a formula.
        #expect(rows[1][2] as? String == "=HYPERLINK(\"x\")" && rows[1][5] as? Int == 0)
        #expect(rows[2][3] as? Double == 0 || rows[2][3] as? Double == -0.0, "rounded to the field's scale: \(rows[2])")
        #expect(rows[3][2] is NSNull && rows[3][3] is NSNull, "null cells are NULL: \(rows[3])")
        let fields = try #require(try Self.query(file, "SELECT name, title, type, filterable, primary_key FROM odp_fields ORDER BY position"))
        #expect(fields.map { $0[0] as? String } == ["id", "name", "capital", "founded", "active"])
        #expect(fields[1][1] as? String == "名称" && fields[1][3] as? Int == 1 && fields[0][4] as? Int == 1 && fields[2][3] as? Int == 0)
        let indexes = try #require(try Self.query(file, "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"))
        #expect(indexes.map { $0[0] as? String } == ["rows_f1", "rows_pk"], "\(indexes)")
        let plan = try #require(try Self.query(file, "EXPLAIN QUERY PLAN SELECT * FROM rows WHERE name = '甲公司'"))
        #expect(plan.contains { ($0.last as? String)?.contains("USING INDEX rows_f1") == true }, "\(plan)")
    }

    @Test("the same input gives a byte-identical SQLite file; other rows give another")
    func deterministic() throws {
        let a = try Fixture.release(root: Fixture.temporaryDirectory("a"), definition: Self.definition())
        let b = try Fixture.release(root: Fixture.temporaryDirectory("b"), definition: Self.definition())
        let c = try Fixture.release(root: Fixture.temporaryDirectory("c"), rows: Array(Fixture.rows.reversed()), definition: Self.definition())
        let bytes = { (o: ReleaseOutcome) in try Data(contentsOf: o.directory.appendingPathComponent("data/enterprises.sqlite")) }
        #expect(try bytes(a) == bytes(b))
        #expect(try bytes(a) != bytes(c))
        #expect(try bytes(a).prefix(16) == Data("SQLite format 3\u{0}".utf8))
    }

    /// Flags any file whose name mentions the SQLite file and whose text holds `needle`.
    struct SchemaGate: PublishedFileGate {
        let needle: String
        func inspect(file: String, bytes: Data) -> [PublishedFileFinding] {
            guard file.contains(".sqlite"), String(decoding: bytes, as: UTF8.self).contains(needle) else { return [] }
            return [PublishedFileFinding(file: file, location: "", kind: "mobile", title: "手机号码")]
        }
    }

    @Test("the SQLite file's schema and field table pass the published-file gate: a finding there holds the release")
    func gated() throws {
        let root = Fixture.temporaryDirectory()
        let writer = try ReleaseWriter(definition: Self.definition(), schema: Self.definition().schema, outputRoot: root, runTime: Fixture.runTime)
        try writer.write(Fixture.batch(Fixture.rows))
        let outcome = try writer.finish(reports: [], status: .released, gate: SchemaGate(needle: "CREATE INDEX rows_f1"))
        #expect(outcome.status == "held", "\(outcome.status)")
        #expect(outcome.gateFindings.map(\.file) == ["data/enterprises.sqlite（表结构与字段表）"])
        #expect(try ReleaseReader.latest(datasetId: "enterprises", root: root) == nil)
    }
}

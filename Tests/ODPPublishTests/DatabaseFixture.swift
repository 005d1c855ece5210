import Foundation
import ODPCore
import ODPPostgres
import Testing
@testable import ODPPublish

/// A `database` target against the test PostgreSQL in a schema of its own (dropped by
/// `remove()`), and releases shaped as ODPRelease writes them: a typed datapackage.json, a
/// CRLF CSV quoted only where needed, release.json and SHA256SUMS.
final class DatabaseFixture {
    static let keys = ["ODP_TEST_PG_HOST", "ODP_TEST_PG_PASSWORD"]
    static var available: Bool { Services.shouldRun(keys) }

    /// The test server's URI, password included (never printed).
    static var url: String {
        let v = Services.values
        var c = URLComponents()
        c.scheme = "postgres"
        c.host = v["ODP_TEST_PG_HOST"]
        c.port = Int(v["ODP_TEST_PG_PORT"] ?? "5432")
        c.user = v["ODP_TEST_PG_USER"] ?? "odp"
        c.password = v["ODP_TEST_PG_PASSWORD"]
        c.path = "/" + (v["ODP_TEST_PG_DB"] ?? "odp_test")
        c.queryItems = [URLQueryItem(name: "sslmode", value: "disable")]
        return c.string!
    }

    let dir = Fixtures.tempDirectory("database")
    let schema = "odp_dbt_" + UUID().uuidString.prefix(8).lowercased()
    let lines = LogLines()
    private let admin: PGConnection

    init() throws {
        _ = try #require(Services.require(Self.keys))
        admin = try PGConnection(parameters: [("dbname", Self.url)], expandDatabase: true, secrets: [Self.url], origin: "test",
                                 refused: "test connection refused", wrap: { ODPError.io("test", $0) })
    }

    func remove() {
        try? admin.command("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
        try? FileManager.default.removeItem(at: dir)
    }

    /// Rows of `sql` on a connection of the test's own.
    func query(_ sql: String, _ parameters: [String] = []) throws -> [[String?]] {
        try admin.rows(sql, parameters: parameters, doing: "test query")
    }

    func value(_ sql: String, _ parameters: [String] = []) throws -> String? { try query(sql, parameters).first?.first ?? nil }

    func command(_ sql: String, _ parameters: [String] = []) throws { try admin.command(sql, parameters: parameters) }

    /// `"schema"."name"`.
    func table(_ name: String) -> String { DatabaseNames.qualified(schema, name) }

    /// The tables (and views) of the schema, by name.
    func relations() throws -> [String] {
        try query("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r','v') ORDER BY 1",
                  [schema]).compactMap { $0[0] }
    }

    func settings(keepVersions: Int? = nil) -> TargetSettings {
        var s = TargetSettings(kind: .database, name: "exchange", location: SourceLocation(file: "odp.yml"))
        s.schema = schema
        s.keepVersions = keepVersions
        return s
    }

    func target(keepVersions: Int? = nil) -> DatabaseTarget {
        DatabaseTarget(settings: settings(keepVersions: keepVersions), url: Self.url, log: PublishLog(redactor: Redactor(), sink: lines.sink))
    }

    /// Publishes through `target` with a journal in `state` (one per test).
    @discardableResult
    func publish(_ target: DatabaseTarget, _ release: URL, dataset: String = "bus-stops", version: String, repair: Bool = false) throws -> [Receipt] {
        let files = try UploadFile.release(release)
        let metadata = try #require(try ReleaseMetadata.read(release: release))
        let job = PublishJob(dataset: dataset, version: version, catalog: Fixtures.definition(id: dataset).catalog, files: files,
                             contentHash: metadata.contentHash, repair: repair)
        let journal = Journal(store: try FileStateStore(directory: dir.appendingPathComponent("state")))
        let session = PublishSession(target: target.settings.name, journal: journal, log: PublishLog(redactor: Redactor(), sink: lines.sink), job: job)
        try target.publish(job, session: session)
        return session.receipts
    }

    struct Field {
        var name: String
        var type: String
    }

    static let fields = [Field(name: "id", type: "integer"), Field(name: "站点名称", type: "string"), Field(name: "amount", type: "number"),
                         Field(name: "day", type: "date"), Field(name: "open", type: "boolean")]

    /// Rows of `fields`, `seed` changing the content.
    static func rows(_ count: Int, seed: Int) -> [[String?]] {
        (0..<count).map { i in ["\(i)", "站点\(seed)-\(i)", "\(i).\(seed)5", "2026-12-\(String(format: "%02d", i % 28 + 1))", i % 2 == 0 ? "true" : "false"] }
    }

    /// A complete release of `rows` (nil cells are written empty, as ODP writes NULL).
    func release(dataset: String = "bus-stops", version: String, fields: [Field] = DatabaseFixture.fields, rows: [[String?]]) throws -> URL {
        let root = dir.appendingPathComponent("release-\(UUID().uuidString.prefix(8))")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        func cell(_ value: String?) -> String {
            guard let value else { return "" }
            return value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
                ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }
        var csv = fields.map { cell($0.name) }.joined(separator: ",") + "\r\n"
        for row in rows { csv += row.map(cell).joined(separator: ",") + "\r\n" }
        let csvPath = "data/\(dataset).csv"
        let schema = DataPackageDescriptor.TableSchema(fields: fields.map {
            DataPackageDescriptor.Field(name: $0.name, title: "标题 \($0.name)", type: $0.type, format: nil, description: nil, constraints: nil)
        }, primaryKey: nil)
        let descriptor = DataPackageDescriptor(
            name: dataset, id: "370100-JT-0001", title: "公交站点", description: "", version: version, created: "2026-12-07T08:00:00Z",
            licenses: [], sources: [], contributors: [], keywords: nil,
            resources: [.init(name: dataset, path: csvPath, format: "csv", mediatype: "text/csv", title: "公交站点", schema: schema)], signature: nil)
        let csvFile = ReleaseFile(path: csvPath, bytes: csv.utf8.count, sha256: SHA256Hex.of(Array(csv.utf8)))
        let metadata = ReleaseMetadata(
            datasetId: dataset, version: version, status: .released, holdReasons: [], contentHash: SHA256Hex.of(Array((csv + version).utf8)),
            created: "2026-12-07T08:00:00Z", rowCount: rows.count, previousVersion: nil, definitionHash: String(repeating: "0", count: 64),
            dataFiles: [csvFile], publishedFileGate: 1, signature: nil, changes: nil)
        let files: [String: Data] = [
            csvPath: Data(csv.utf8),
            "datapackage.json": try ArtifactCodec.encode(descriptor),
            "release.json": try ArtifactCodec.encode(metadata),
            "README.md": Data("# 公交站点\n".utf8),
        ]
        var sums = ""
        for (path, data) in files.sorted(by: { $0.key < $1.key }) {
            try data.write(to: root.appendingPathComponent(path))
            sums += "\(SHA256Hex.of(Array(data)))  \(path)\n"
        }
        try sums.write(to: root.appendingPathComponent("SHA256SUMS"), atomically: true, encoding: .utf8)
        return root
    }
}

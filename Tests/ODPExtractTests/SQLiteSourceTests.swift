import CSQLite
import Foundation
import ODPCore
import Testing
@testable import ODPExtract

@Suite("SQLite source")
struct SQLiteSourceTests {
    static let fields = [
        "{name: id, title: 编号, type: integer, class: public}",
        "{name: value, title: 数值, type: number, class: public}",
        "{name: updated_at, source: 更新时间, title: 更新时间, type: datetime, class: public}",
    ]

    static func database(_ w: Workspace) throws -> String {
        let path = w.url("src.db").path
        var db: OpaquePointer?
        sqlite3_open(path, &db)
        defer { sqlite3_close(db) }
        let sql = """
        CREATE TABLE "my table" (id INTEGER, value REAL, "更新时间" TEXT, region TEXT);
        INSERT INTO "my table" VALUES (1, 0.1 + 0.2, '2024-01-01 08:00:00', 'A'), (2, 1e-5, '2024-02-01 08:00:00', 'B'),
          (3, 2.0, NULL, 'A'), (4, NULL, '2024-03-01 08:00:00', 'B'), (5, 123456789012.25, '2024-03-02 00:00:00', '');
        """
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw ODPError.io(path, String(cString: sqlite3_errmsg(db))) }
        return path
    }

    @Test("a quoted table name; REAL values as shortest decimals, NULL as null")
    func table() throws {
        let w = try Workspace()
        _ = try Self.database(w)
        let definition = try w.definition(source: "type: sqlite\npath: src.db\ntable: my table", fields: Self.fields)
        let got = try Extracted(try Extractor.open(definition, since: nil, environment: [:]))
        #expect(got.rows.map { $0[1] } == ["0.30000000000000004", "0.00001", "2", nil, "123456789012.25"])
        #expect(got.rows[2] == ["3", "2", nil])
    }

    @Test("a query with parameters bound as text")
    func query() throws {
        let w = try Workspace()
        _ = try Self.database(w)
        let definition = try w.definition(
            source: "type: sqlite\npath: src.db\nquery: 'SELECT * FROM \"my table\" WHERE region = ? AND id > ?'\nparameters: [B, \"1\"]",
            fields: Self.fields)
        #expect(try Extracted(try Extractor.open(definition, since: nil, environment: [:])).rows.map { $0[0] } == ["2", "4"])
    }

    @Test("incremental: WHERE on the watermark, highest watermark reported")
    func incremental() throws {
        let w = try Workspace()
        _ = try Self.database(w)
        let definition = try w.definition(source: "type: sqlite\npath: src.db\ntable: my table\nincremental: {watermark: updated_at}",
                                          fields: Self.fields, primaryKey: ["id"])
        let all = try Extracted(try Extractor.open(definition, since: nil, environment: [:]))
        #expect(all.rows.count == 5)
        #expect(all.watermark == "2024-03-02 00:00:00")
        // From the watermark less the lookback (1 h), bound included; row 3's NULL watermark reads as changed.
        let changed = try Extracted(try Extractor.open(definition, since: "2024-02-01 08:00:00", environment: [:]))
        #expect(changed.rows.map { $0[0] } == ["2", "3", "4", "5"])
        #expect(changed.watermark == "2024-03-02 00:00:00")
    }

    @Test("a missing file or a bad query is a source error")
    func errors() throws {
        let w = try Workspace()
        let missing = try w.definition(source: "type: sqlite\npath: nope.db\ntable: t", fields: Self.fields)
        #expect { _ = try Extractor.open(missing, since: nil, environment: [:]) } throws: { "\($0)".contains("file not found") && "\($0)".contains("nope.db") }
        _ = try Self.database(w)
        let bad = try w.definition(source: "type: sqlite\npath: src.db\ntable: nope", fields: Self.fields)
        #expect { _ = try Extractor.open(bad, since: nil, environment: [:]) } throws: { "\($0)".contains("no such table") }
    }

    @Test("the source is opened read-only")
    func readOnly() throws {
        let w = try Workspace()
        let path = try Self.database(w)
        let definition = try w.definition(source: "type: sqlite\npath: src.db\nquery: 'DELETE FROM \"my table\" RETURNING id'", fields: ["{name: id, title: 编号, type: integer, class: public}"])
        #expect(throws: ODPError.self) { _ = try Extracted(try Extractor.open(definition, since: nil, environment: [:])) }
        var db: OpaquePointer?
        sqlite3_open(path, &db)
        defer { sqlite3_close(db) }
        var stmt: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT count(*) FROM \"my table\"", -1, &stmt, nil)
        defer { sqlite3_finalize(stmt) }
        sqlite3_step(stmt)
        #expect(sqlite3_column_int(stmt, 0) == 5)
    }
}

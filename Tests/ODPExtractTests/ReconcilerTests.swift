import CSQLite
import Foundation
import ODPCore
import Testing
@testable import ODPExtract

/// Reconciliation finds what the watermark cannot: hard deletes, late writes, NULL
/// watermarks and drift, by key-range checksums computed in the source database (SQLite
/// here, PostgreSQL in ODPPipelineTests/IncrementalPostgresTests), and for files by comparing
/// every row by key.
@Suite("Reconciliation")
struct ReconcilerTests {
    static let fields = [
        "{name: id, title: 编号, type: integer, class: public}",
        "{name: name, title: 名称, type: string, class: public}",
        "{name: score, title: 分数, type: number, class: public}",
        "{name: updated_at, title: 更新时间, type: datetime, class: public}",
    ]

    func exec(_ path: String, _ sql: String) throws {
        var db: OpaquePointer?
        sqlite3_open(path, &db)
        defer { sqlite3_close(db) }
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw ODPError.io(path, String(cString: sqlite3_errmsg(db))) }
    }

    /// Rows by numeric id (the store orders its keys as text).
    func staged(_ store: StagingStore) throws -> [[String?]] { try Extracted(try store.reader()).rows.sorted { Int($0[0]!)! < Int($1[0]!)! } }

    func source(_ definition: DatasetDefinition) throws -> [[String?]] {
        try Extracted(try Extractor.open(definition, since: nil, environment: [:])).rows.sorted { Int($0[0]!)! < Int($1[0]!)! }
    }

    @Test("SQLite: checksums per key range find every kind of difference, and only differing ranges are read again")
    func sqlite() throws {
        let w = try Workspace()
        let path = w.url("src.db").path
        try exec(path, """
            CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, updated_at TEXT, deleted INTEGER DEFAULT 0);
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 2000)
              INSERT INTO t (id, name, score, updated_at) SELECT n, '名称' || n, n * 0.1, printf('2026-05-01 10:%02d:%02d', n / 60 % 60, n % 60) FROM g;
            """)
        let definition = try w.definition(source: "type: sqlite\npath: src.db\ntable: t\nincremental: {watermark: updated_at, deleted_flag: deleted}",
                                          fields: Self.fields, primaryKey: ["id"])
        let store = try StagingStore(url: w.url("staging.sqlite"), schema: definition.schema, primaryKey: ["id"])
        try store.replaceAll(try Extractor.open(definition, since: nil, environment: [:]))
        let clean = try Reconciler.reconcile(definition, staging: store, environment: [:])
        #expect(clean.byKind.values.allSatisfy { $0 == 0 } && clean.rangesDiffering == 0 && clean.rowsReread == 0, "\(clean)")
        #expect(clean.rangesCompared > 240, "2000 keys fill nearly all 256 top-level ranges")

        try exec(path, """
            DELETE FROM t WHERE id IN (7, 1500);
            UPDATE t SET name = '迟到', updated_at = '2026-04-01 00:00:00' WHERE id = 20;
            INSERT INTO t (id, name, score, updated_at) VALUES (2001, '迟到的新增', 1.5, '2026-01-01 00:00:00');
            UPDATE t SET deleted = 1, updated_at = '2026-01-01 00:00:00' WHERE id = 30;
            UPDATE t SET score = 99.9 WHERE id = 40;
            UPDATE t SET name = '无时间', updated_at = NULL WHERE id = 50;
            """)
        let found = try Reconciler.reconcile(definition, staging: store, environment: [:])
        #expect(found.hardDeletes == 2 && found.lateWrites == 3 && found.drift == 1 && found.nullWatermarks >= 1, "\(found)")
        #expect(found.rangesDiffering == 7, "\(found)")
        // Only rows of the differing ranges (about 2000 / 65536 each) were read again.
        #expect(found.rowsReread < 40, "\(found)")
        #expect(try staged(store) == (try source(definition)))
        // Repaired: nothing left to find.
        let again = try Reconciler.reconcile(definition, staging: store, environment: [:])
        #expect(again.hardDeletes + again.lateWrites + again.drift == 0 && again.rangesDiffering == 0, "\(again)")
    }

    @Test("thousands of differing ranges: both sides read whole in key-digest order and merged")
    func massChange() throws {
        let w = try Workspace()
        let path = w.url("src.db").path
        try exec(path, """
            CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, updated_at TEXT);
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 30000)
              INSERT INTO t SELECT n, '名称' || n, n, '2026-05-01 10:00:00' FROM g;
            """)
        let definition = try w.definition(source: "type: sqlite\npath: src.db\ntable: t\nincremental: {watermark: updated_at}",
                                          fields: Self.fields, primaryKey: ["id"])
        let store = try StagingStore(url: w.url("staging.sqlite"), schema: definition.schema, primaryKey: ["id"])
        try store.replaceAll(try Extractor.open(definition, since: nil, environment: [:]))
        try exec(path, "UPDATE t SET score = score + 0.5 WHERE id % 5 = 0; DELETE FROM t WHERE id % 1000 = 1")
        let found = try Reconciler.reconcile(definition, staging: store, environment: [:])
        #expect(found.rangesDiffering > Reconciler.maxRanges, "\(found)")
        #expect(found.drift == 6000 && found.hardDeletes == 30 && found.rowsReread == 29_970, "\(found)")
        #expect(try staged(store) == (try source(definition)))
    }

    @Test("files: every row compared by key with the staging copy")
    func file() throws {
        let w = try Workspace()
        try w.write("d.csv", "id,name,score,updated_at\n1,甲,1,2026-05-01 10:00:00\n2,乙,2,2026-05-01 10:00:01\n3,丙,3,2026-05-01 10:00:02\n")
        let definition = try w.definition(source: "type: csv\npath: d.csv\nincremental: {watermark: updated_at}", fields: Self.fields, primaryKey: ["id"])
        let store = try StagingStore(url: w.url("staging.sqlite"), schema: definition.schema, primaryKey: ["id"])
        try store.replaceAll(try Extractor.open(definition, since: nil, environment: [:]))
        try w.write("d.csv", "id,name,score,updated_at\n1,甲（改）,1,2026-05-01 10:00:00\n3,丙,3,2026-04-01 00:00:00\n")
        let found = try Reconciler.reconcile(definition, staging: store, environment: [:])
        #expect(found.hardDeletes == 1 && found.drift == 1 && found.lateWrites == 1, "\(found)")
        #expect(try staged(store) == [["1", "甲（改）", "1", "2026-05-01 10:00:00"], ["3", "丙", "3", "2026-04-01 00:00:00"]])
    }

    @Test("the digest functions agree with the Swift digest, REAL cells as the reader writes them")
    func digests() throws {
        var db: OpaquePointer?
        sqlite3_open(":memory:", &db)
        defer { sqlite3_close(db) }
        RowDigest.register(in: db)
        var stmt: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT odp_md5(odp_cell(1) || char(31) || odp_cell(0.1 + 0.2) || char(31) || odp_cell(NULL)), odp_hex32('00000010ffffffff', 9)", -1, &stmt, nil)
        defer { sqlite3_finalize(stmt) }
        #expect(sqlite3_step(stmt) == SQLITE_ROW)
        let text = String(cString: sqlite3_column_text(stmt, 0))
        #expect(text == RowDigest.hex(Array("1\u{1F}0.30000000000000004\u{1F}".utf8)))
        #expect(sqlite3_column_int64(stmt, 1) == 0xFFFF_FFFF)
    }
}

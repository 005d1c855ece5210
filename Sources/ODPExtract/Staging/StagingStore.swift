import CSQLite
import Foundation
import ODPCore

/// The latest full copy of a dataset's source rows, kept in a private SQLite file keyed by
/// primary key, so an incremental extraction (changed rows plus deletions) can be merged
/// into a complete table for the release.
///
/// ## Edge behaviour
/// - A merge or refresh runs in one transaction: a crash or an error leaves the previous copy.
/// - When the schema's fields change, the old copy is dropped (`schemaChanged` is true) and
///   the caller must do a full refresh.
/// - Values are stored as text exactly as read; empty key values are refused.
public final class StagingStore {
    public let url: URL
    public let schema: Schema
    public let primaryKey: [String]
    /// True when the store was created, or reset because the fields changed.
    public private(set) var schemaChanged = false
    private var db: OpaquePointer?
    private let columns: [String]
    private let keyIndexes: [Int]

    public init(url: URL, schema: Schema, primaryKey: [String]) throws {
        self.url = url
        self.schema = schema
        self.primaryKey = primaryKey
        columns = schema.names
        keyIndexes = try primaryKey.map { key in
            guard let i = schema.index(of: key) else { throw ODPError.usage("暂存库（staging）：主键（primary key）`\(key)` 不是本数据集的字段") }
            return i
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var handle: OpaquePointer?
        guard sqlite3_open_v2(url.path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(handle)
            throw ODPError.io(url.path, "无法打开暂存库（staging store）：\(message)")
        }
        db = handle
        sqlite3_busy_timeout(handle, 5000)
        RowDigest.register(in: handle)
        try prepareTables()
    }

    deinit { close() }

    public func close() {
        if let db { sqlite3_close_v2(db) }
        db = nil
    }

    private var signature: String { (columns + ["|"] + primaryKey).joined(separator: "\u{1F}") }

    private func prepareTables() throws {
        try exec("CREATE TABLE IF NOT EXISTS odp_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        var current: String?
        try query("SELECT value FROM odp_meta WHERE key = 'signature'") { stmt in
            current = String(cString: sqlite3_column_text(stmt, 0))
        }
        guard current != signature else { return }
        schemaChanged = true
        let cols = columns.map { SQLText.quoteIdentifier($0) + " TEXT" }.joined(separator: ", ")
        let table: String
        if primaryKey.isEmpty {
            table = "CREATE TABLE staged (\(cols))"
        } else {
            let key = primaryKey.map(SQLText.quoteIdentifier).joined(separator: ", ")
            table = "CREATE TABLE staged (\(cols), PRIMARY KEY (\(key))) WITHOUT ROWID"
        }
        try transaction {
            try exec("DROP TABLE IF EXISTS staged")
            try exec(table)
            try exec("INSERT OR REPLACE INTO odp_meta (key, value) VALUES ('signature', ?1)", [signature])
        }
    }

    /// Upserts the source's rows and deletes its `deletedKeys`, in one transaction. Rows
    /// whose values did not change are not counted as updated.
    @discardableResult
    public func merge(_ source: RowSource) throws -> (inserted: Int, updated: Int, deleted: Int) {
        guard !primaryKey.isEmpty else { throw ODPError.usage("暂存库（staging）：合并需要主键（primary key）") }
        let list = columns.map(SQLText.quoteIdentifier).joined(separator: ", ")
        let marks = (1...columns.count).map { "?\($0)" }.joined(separator: ", ")
        let keyList = primaryKey.map(SQLText.quoteIdentifier).joined(separator: ", ")
        let keyMatch = zip(primaryKey, keyIndexes).map { "\(SQLText.quoteIdentifier($0)) = ?\($1 + 1)" }.joined(separator: " AND ")
        let others = columns.indices.filter { !keyIndexes.contains($0) }
        var counts = (inserted: 0, updated: 0, deleted: 0)
        try transaction {
            let insert = try Statement(db, "INSERT INTO staged (\(list)) VALUES (\(marks)) ON CONFLICT (\(keyList)) DO NOTHING", url.path)
            var update: Statement?
            if !others.isEmpty {
                let set = others.map { "\(SQLText.quoteIdentifier(columns[$0])) = ?\($0 + 1)" }.joined(separator: ", ")
                let changed = others.map { "\(SQLText.quoteIdentifier(columns[$0])) IS NOT ?\($0 + 1)" }.joined(separator: " OR ")
                update = try Statement(db, "UPDATE staged SET \(set) WHERE \(keyMatch) AND (\(changed))", url.path)
            }
            try forEachRow(source) { batch, row in
                try insert.run(batch, row: row, store: self)
                if sqlite3_changes(db) == 1 { counts.inserted += 1; return }
                if let update {
                    try update.run(batch, row: row, store: self)
                    counts.updated += Int(sqlite3_changes(db))
                }
            }
            let delete = try Statement(db, "DELETE FROM staged WHERE " + primaryKey.indices.map { "\(SQLText.quoteIdentifier(primaryKey[$0])) = ?\($0 + 1)" }.joined(separator: " AND "), url.path)
            for key in source.deletedKeys {
                try delete.run(texts: key)
                counts.deleted += Int(sqlite3_changes(db))
            }
        }
        return counts
    }

    /// Replaces the whole copy with the source's rows (a full extraction), in one transaction.
    /// A key the source gives twice keeps its last row, as `merge` does.
    public func replaceAll(_ source: RowSource) throws {
        let list = columns.map(SQLText.quoteIdentifier).joined(separator: ", ")
        let marks = (1...columns.count).map { "?\($0)" }.joined(separator: ", ")
        try transaction {
            try exec("DELETE FROM staged")
            let insert = try Statement(db, "INSERT OR REPLACE INTO staged (\(list)) VALUES (\(marks))", url.path)
            try forEachRow(source) { batch, row in try insert.run(batch, row: row, store: self) }
        }
    }

    /// All rows, ordered by primary key (as text), as the schema's columns.
    public func reader() throws -> RowSource {
        guard let db else { throw ODPError.io(url.path, "暂存库（staging store）已关闭") }
        let list = columns.map(SQLText.quoteIdentifier).joined(separator: ", ")
        let order = primaryKey.isEmpty ? "rowid" : primaryKey.map(SQLText.quoteIdentifier).joined(separator: ", ")
        return try SQLiteSource(database: db, sql: "SELECT \(list) FROM staged ORDER BY \(order)", fieldCount: columns.count,
                                datasetID: url.lastPathComponent, file: url.path)
    }

    /// The rows whose key digest starts with one of `prefixes` (all rows when nil), in
    /// key-digest order.
    func reader(inRanges prefixes: [String]?) throws -> RowSource {
        guard let db else { throw ODPError.io(url.path, "暂存库（staging store）已关闭") }
        let list = columns.map(SQLText.quoteIdentifier).joined(separator: ", ")
        let keys = digestColumns(primaryKey)
        let filter = prefixes.map { " WHERE " + DigestSQL.sqlite.keyFilter(keys: keys, prefixes: $0) } ?? ""
        return try SQLiteSource(database: db, sql: "SELECT \(list) FROM staged\(filter) ORDER BY \(DigestSQL.sqlite.keyOrder(keys))",
                                fieldCount: columns.count, datasetID: url.lastPathComponent, file: url.path)
    }

    /// Per key range (digest prefix of `width`, within the `prefixes` ranges when given): row
    /// count and word sums, as `count/sum/sum`.
    func checksums(width: Int, within prefixes: [String]?) throws -> [String: String] {
        let sql = DigestSQL.sqlite.checksums(base: "SELECT * FROM staged", keys: digestColumns(primaryKey), fields: digestColumns(columns),
                                             include: nil, width: width, within: prefixes)
        var out: [String: String] = [:]
        try query(sql) { stmt in
            let text = { (i: Int32) in sqlite3_column_text(stmt, i).map { String(cString: $0) } ?? "0" }
            out[text(0)] = "\(text(1))/\(text(2))/\(text(3))"
        }
        return out
    }

    private func digestColumns(_ names: [String]) -> [(name: String, isBool: Bool)] { names.map { ($0, false) } }

    /// Staged rows whose `field` is NULL.
    func countNull(_ field: String) throws -> Int {
        var n = 0
        try query("SELECT count(*) FROM staged WHERE \(SQLText.quoteColumn(field)) IS NULL") { n = Int(sqlite3_column_int64($0, 0)) }
        return n
    }

    /// A value of the store's own bookkeeping (`odp_meta`), nil when unset.
    public func meta(_ key: String) throws -> String? {
        var value: String?
        let stmt = try Statement(db, "SELECT value FROM odp_meta WHERE key = ?1", url.path)
        sqlite3_bind_text(stmt.handle, 1, key, -1, sqliteTransient)
        if sqlite3_step(stmt.handle) == SQLITE_ROW { value = String(cString: sqlite3_column_text(stmt.handle, 0)) }
        return value
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try exec("INSERT OR REPLACE INTO odp_meta (key, value) VALUES (?1, ?2)", [key, value])
    }

    /// Rows in the store.
    public func count() throws -> Int {
        var n = 0
        try query("SELECT count(*) FROM staged") { n = Int(sqlite3_column_int64($0, 0)) }
        return n
    }

    // MARK: Helpers

    private func forEachRow(_ source: RowSource, _ body: (RowBatch, Int) throws -> Void) throws {
        while let batch = try source.next(maxRows: 4096) {
            for row in 0..<batch.rowCount { try body(batch, row) }
        }
    }

    func constraintError(_ batch: RowBatch, row: Int) -> ODPError {
        let message = String(cString: sqlite3_errmsg(db))
        let field = keyIndexes.first { batch.isNull(row, $0) }.map { columns[$0] }
        let text = field != nil ? "主键字段为空，无法合并" : "无法写入暂存库：\(message)"
        return ODPError.data(SourceLocation(file: url.path, line: batch.sourceRows[row], field: field ?? primaryKey.first), text)
    }

    private func transaction(_ body: () throws -> Void) throws {
        try exec("BEGIN IMMEDIATE")
        do {
            try body()
            try exec("COMMIT")
        } catch {
            _ = sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
            throw error
        }
    }

    private func exec(_ sql: String, _ texts: [String] = []) throws {
        let stmt = try Statement(db, sql, url.path)
        try stmt.run(texts: texts)
    }

    private func query(_ sql: String, _ row: (OpaquePointer) -> Void) throws {
        let stmt = try Statement(db, sql, url.path)
        while true {
            let rc = sqlite3_step(stmt.handle)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw ODPError.io(url.path, String(cString: sqlite3_errmsg(db))) }
            row(stmt.handle)
        }
    }
}

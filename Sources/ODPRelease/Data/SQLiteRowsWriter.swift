import CSQLite
import Foundation
import ODPCore

/// Writes the release's SQLite file (`RowsDatabaseLayout`) from the same batches as the CSV,
/// so it holds the released values only, normalised as the CSV normalises them but typed.
///
/// ## Determinism
/// The rows go into a scratch database outside the release folder (no journal, one
/// transaction, fixed page size, rows in batch order); `finish` adds the indexes and
/// `VACUUM INTO` the release folder, which lays every page out afresh. SQLite stores no
/// time or path in the file, so the same input gives the same bytes with the same SQLite.
final class SQLiteRowsWriter {
    private var db: OpaquePointer?
    private var insert: OpaquePointer?
    private let scratchURL: URL
    private let kinds: [CellKind]
    private let indexes: [String]
    private var number: [UInt8] = []
    private var text = [UInt8](repeating: 0, count: 64)

    /// - Parameters:
    ///   - schema: the output schema; `filterable` is read from its fields.
    ///   - scratch: the build database (removed by `finish` and `discard`).
    init(schema: Schema, primaryKey: [String], scratch: URL) throws {
        scratchURL = scratch
        kinds = schema.fields.map(CellKind.init)
        let table = RowsDatabaseLayout.quoted(RowsDatabaseLayout.rowsTable)
        var indexes: [String] = []
        let keys = primaryKey.filter { schema.index(of: $0) != nil }
        if !keys.isEmpty {
            indexes.append("CREATE INDEX rows_pk ON \(table)(\(keys.map(RowsDatabaseLayout.quoted).joined(separator: ",")))")
        }
        for (i, f) in schema.fields.enumerated() where f.filterable && keys != [f.name] {
            indexes.append("CREATE INDEX rows_f\(i) ON \(table)(\(RowsDatabaseLayout.quoted(f.name)))")
        }
        self.indexes = indexes
        try? FileManager.default.removeItem(at: scratch)
        guard sqlite3_open_v2(scratch.path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
            defer { discard() }
            throw ODPError.io(scratch.path, "无法创建 SQLite 文件（cannot create）：\(message)")
        }
        let columns = schema.fields.map { "\(RowsDatabaseLayout.quoted($0.name)) \(RowsDatabaseLayout.columnType($0.type))" }
        try exec("PRAGMA page_size=\(RowsDatabaseLayout.pageSize); PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
                 + "PRAGMA user_version=\(RowsDatabaseLayout.version);"
                 + "CREATE TABLE \(table)(\(columns.joined(separator: ",")));"
                 + "CREATE TABLE \(RowsDatabaseLayout.fieldsTable)(position INTEGER PRIMARY KEY, name TEXT NOT NULL, title TEXT NOT NULL,"
                 + " type TEXT NOT NULL, filterable INTEGER NOT NULL, primary_key INTEGER NOT NULL); BEGIN")
        let fieldInsert = try prepare("INSERT INTO \(RowsDatabaseLayout.fieldsTable) VALUES (?,?,?,?,?,?)")
        defer { sqlite3_finalize(fieldInsert) }
        for (i, f) in schema.fields.enumerated() {
            sqlite3_bind_int64(fieldInsert, 1, Int64(i))
            sqlite3_bind_text(fieldInsert, 2, f.name, -1, Self.transient)
            sqlite3_bind_text(fieldInsert, 3, f.title, -1, Self.transient)
            sqlite3_bind_text(fieldInsert, 4, f.type.rawValue, -1, Self.transient)
            sqlite3_bind_int64(fieldInsert, 5, f.filterable ? 1 : 0)
            sqlite3_bind_int64(fieldInsert, 6, keys.contains(f.name) ? 1 : 0)
            try step(fieldInsert)
        }
        insert = try prepare("INSERT INTO \(table) VALUES (\(Array(repeating: "?", count: schema.fields.count).joined(separator: ",")))")
    }

    deinit { discard() }

    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private var message: String { db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory" }

    private func exec(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw ODPError.io(scratchURL.path, "SQLite：\(message)") }
    }

    private func prepare(_ sql: String) throws -> OpaquePointer? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { throw ODPError.io(scratchURL.path, "SQLite：\(message)") }
        return statement
    }

    private func step(_ statement: OpaquePointer?) throws {
        guard sqlite3_step(statement) == SQLITE_DONE else { throw ODPError.io(scratchURL.path, "SQLite：\(message)") }
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    func write(_ batch: RowBatch) throws {
        try batch.withCells { cells in
            for row in 0..<batch.rowCount {
                for c in 0..<kinds.count {
                    guard let cell = cells[row, c] else { continue }  // cleared bindings are NULL
                    bind(cell, kind: kinds[c], at: Int32(c + 1))
                }
                try step(insert)
            }
        }
    }

    /// Binds a cell as the CSV writes it, typed; a value its type cannot hold goes in as the
    /// text it is (SQLite keeps TEXT in any column), as the CSV keeps it.
    private func bind(_ cell: UnsafeBufferPointer<UInt8>, kind: CellKind, at i: Int32) {
        let p = cell.baseAddress ?? UnsafePointer(bitPattern: 1)!
        switch kind {
        case .number(let scale):
            number.removeAll(keepingCapacity: true)
            if DecimalText.normalize(cell, scale: scale, into: &number) {
                number.append(0)
                let parsed: Bool = number.withUnsafeBufferPointer { b in
                    b.withMemoryRebound(to: CChar.self) { c in
                        var end: UnsafeMutablePointer<CChar>?
                        if !number.contains(0x2E), let v = Int64(String(cString: c.baseAddress!)) {
                            return sqlite3_bind_int64(insert, i, v) == SQLITE_OK
                        }
                        let v = strtod(c.baseAddress!, &end)
                        return end == UnsafeMutablePointer(mutating: c.baseAddress! + number.count - 1) && sqlite3_bind_double(insert, i, v) == SQLITE_OK
                    }
                }
                if parsed { return }
            }
        case .boolean:
            if let v = CellText.parseBoolean(p, cell.count) { sqlite3_bind_int64(insert, i, v ? 1 : 0); return }
        case .date(let formats), .datetime(let formats):
            let time: Bool
            if case .datetime = kind { time = true } else { time = false }
            for format in formats {
                guard let v = format.parse(cell) else { continue }
                let n = text.withUnsafeMutableBufferPointer { CellText.writeISO(v, time: time, into: $0.baseAddress!) }
                sqlite3_bind_text(insert, i, text, Int32(n), Self.transient)
                return
            }
        case .timestamp(let zone):
            if var v = TimestampText.parse(cell) {
                if let zone { v = v.converted(to: zone) }
                let n = text.withUnsafeMutableBufferPointer { v.write(to: $0.baseAddress!) }
                sqlite3_bind_text(insert, i, text, Int32(n), Self.transient)
                return
            }
        case .string, .verbatim:
            break
        }
        sqlite3_bind_text(insert, i, UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self), Int32(cell.count), Self.transient)
    }

    /// Adds the indexes and writes the compacted file to `url`. Returns its digest and the
    /// text of its schema and field table (everything in it that is not a data cell), for the gate.
    func finish(to url: URL) throws -> (file: ReleaseFile, schemaText: String) {
        sqlite3_finalize(insert)
        insert = nil
        try exec("COMMIT")
        for sql in indexes { try exec(sql) }
        try exec("ANALYZE")
        var schemaText = ""
        let read = try prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL UNION ALL SELECT name || ' ' || title FROM \(RowsDatabaseLayout.fieldsTable)")
        while sqlite3_step(read) == SQLITE_ROW { schemaText += String(cString: sqlite3_column_text(read, 0)) + "\n" }
        sqlite3_finalize(read)
        try? FileManager.default.removeItem(at: url)
        let vacuum = try prepare("VACUUM INTO ?1")
        sqlite3_bind_text(vacuum, 1, url.path, -1, Self.transient)
        defer { sqlite3_finalize(vacuum) }
        try step(vacuum)
        discard()
        let handle = try FileHandle(forUpdating: url)
        defer { try? handle.close() }
        try handle.synchronize()
        let size = Int(try handle.seekToEnd())
        return (ReleaseFile(path: "data/" + url.lastPathComponent, bytes: size, sha256: try ReleaseVerifier.hashFile(url)), schemaText)
    }

    func discard() {
        if let insert { sqlite3_finalize(insert) }
        insert = nil
        if let db { sqlite3_close_v2(db) }
        db = nil
        try? FileManager.default.removeItem(at: scratchURL)
    }
}

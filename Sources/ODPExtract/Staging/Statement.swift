import CSQLite
import ODPCore

/// A prepared statement finalized when released.
final class Statement {
    let handle: OpaquePointer
    private let db: OpaquePointer?
    private let path: String

    init(_ db: OpaquePointer?, _ sql: String, _ path: String) throws {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
            let message = String(cString: sqlite3_errmsg(db))
            throw ODPError.io(path, "staging SQL failed: \(message)")
        }
        handle = stmt
        self.db = db
        self.path = path
    }

    deinit { sqlite3_finalize(handle) }

    func run(texts: [String]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (i, t) in texts.enumerated() { sqlite3_bind_text(handle, Int32(i + 1), t, -1, sqliteTransient) }
        let rc = sqlite3_step(handle)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw ODPError.io(path, String(cString: sqlite3_errmsg(db))) }
    }

    /// Binds the row's cells as ?1…?n and steps.
    func run(_ batch: RowBatch, row: Int, store: StagingStore) throws {
        sqlite3_reset(handle)
        let bound = Int(sqlite3_bind_parameter_count(handle))
        batch.withCells { cells in
            for c in 0..<min(bound, batch.columnCount) {
                if let cell = cells[row, c], let base = cell.baseAddress {
                    sqlite3_bind_text(handle, Int32(c + 1), UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                      Int32(cell.count), sqliteTransient)
                } else {
                    sqlite3_bind_null(handle, Int32(c + 1))
                }
            }
        }
        let rc = sqlite3_step(handle)
        if rc == SQLITE_DONE { return }
        if rc & 0xFF == SQLITE_CONSTRAINT { throw store.constraintError(batch, row: row) }
        throw ODPError.io(path, String(cString: sqlite3_errmsg(db)))
    }
}

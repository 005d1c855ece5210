import CSQLite
import Foundation
import ODPCore

let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Reads a SQLite table or query, opened read-only, one `sqlite3_step` at a time; cells
/// come straight from `sqlite3_column_text` without a `String` per cell.
final class SQLiteSource: ProjectingSource, RowSource {
    private var db: OpaquePointer?
    private var statement: OpaquePointer?
    private let ownsDatabase: Bool
    private let file: String
    private var ordinal = 0
    private var finished = false
    private var floats: FloatCells

    /// How long a database locked by another process (a department's program writing to
    /// it) is waited for before the dataset fails. SQLite's busy handler retries with growing
    /// sleeps (1 ms up to 100 ms apart) within this budget; a write commit lasts far less.
    static let busyTimeoutMilliseconds: Int32 = 5000

    /// Opens the dataset's SQLite source, read from `since` (inclusive) when incremental, and
    /// narrowed by `filter` and sorted by `order` (reconciliation).
    init(definition: DatasetDefinition, path: String, since: String?, filter: String? = nil, order: String? = nil) throws {
        file = path
        ownsDatabase = true
        floats = FloatCells(columns: 0)
        super.init(datasetID: definition.id, fieldCount: definition.schema.fields.count, onError: definition.source.onError)
        guard FileManager.default.fileExists(atPath: path) else {
            throw ODPError.source(definition.id, "找不到 SQLite 文件（file not found）：\(path)")
        }
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        db = handle
        guard rc == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(rc)"
            close()
            throw ODPError.source(definition.id, "无法打开 SQLite 文件 \(path)（cannot open）：\(message)")
        }
        sqlite3_busy_timeout(handle, Self.busyTimeoutMilliseconds)
        RowDigest.register(in: handle)
        let (sql, parameters) = SQLText.sourceQuery(definition, since: since, filter: filter, order: order, textWatermark: true) { "?\($0)" }
        do {
            try prepare(sql, parameters: parameters)
            let count = Int(sqlite3_column_count(statement))
            let names = (0..<count).map { String(cString: sqlite3_column_name(statement, Int32($0))) }
            floats = FloatCells(columns: count)
            projection = try Projection.resolve(definition, columns: names, file: path, since: since, filterSince: false)
        } catch {
            close()
            throw error
        }
    }

    /// Reads every row of `sql` from an open connection as the schema's columns, in order
    /// (the staging store's reader).
    init(database: OpaquePointer, sql: String, fieldCount: Int, datasetID: String, file: String) throws {
        db = database
        ownsDatabase = false
        self.file = file
        floats = FloatCells(columns: fieldCount)
        super.init(datasetID: datasetID, fieldCount: fieldCount, onError: .fail)
        try prepare(sql, parameters: [])
        projection = Projection(fieldColumns: Array(0..<fieldCount), watermarkColumn: nil, deletedColumn: nil,
                                keyColumns: [], since: nil, filterSince: false)
    }

    private func prepare(_ sql: String, parameters: [String]) throws {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK else {
            let error = failure(sqlite3_errcode(db), "SQL 错误（SQL error）")
            sqlite3_finalize(stmt)
            throw error
        }
        statement = stmt
        let expected = Int(sqlite3_bind_parameter_count(stmt))
        guard expected == parameters.count else {
            throw ODPError.source(datasetID, "\(file)：查询有 \(expected) 个参数，但 source.parameters 给了 \(parameters.count) 个值")
        }
        for (i, value) in parameters.enumerated() {
            sqlite3_bind_text(stmt, Int32(i + 1), value, -1, sqliteTransient)
        }
    }

    /// The error for SQLite result `rc`; a lock that outlasted the busy timeout says so
    /// instead of showing SQLite's bare "database is locked".
    private func failure(_ rc: Int32, _ what: String) -> ODPError {
        let message = String(cString: sqlite3_errmsg(db))
        if rc & 0xFF == SQLITE_BUSY || rc & 0xFF == SQLITE_LOCKED {
            let seconds = Self.busyTimeoutMilliseconds / 1000
            return ODPError.source(datasetID, "\(file)：数据库被其他程序锁定（database is locked），已重试 \(seconds) 秒仍未释放，请待对方写入完成后重新运行（SQLite：\(message)）")
        }
        return ODPError.source(datasetID, "\(file)：\(what)：\(message)")
    }

    func next(maxRows: Int) throws -> RowBatch? {
        guard !finished, let statement else { return nil }
        var batch = makeBatch(maxRows)
        while batch.rowCount < maxRows {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { finished = true; break }
            guard rc == SQLITE_ROW else {
                throw failure(rc, "读取第 \(ordinal + 1) 行失败（read failed）")
            }
            ordinal += 1
            floats.load(statement)
            projection!.emit(SQLiteRecord(statement: statement, floats: floats), sourceRow: ordinal, into: &batch)
        }
        return batch.isEmpty && finished ? nil : batch
    }

    func close() {
        finished = true
        if let statement { sqlite3_finalize(statement) }
        statement = nil
        if ownsDatabase, let db { sqlite3_close_v2(db) }
        db = nil
    }

    deinit { close() }
}

/// REAL cells rewritten as shortest decimals (SQLite's own text is `%.15g`, and `1.0` for 1).
final class FloatCells {
    let storage: UnsafeMutablePointer<UInt8>
    var lengths: [Int]
    static let width = 48

    init(columns: Int) {
        storage = .allocate(capacity: max(1, columns) * Self.width)
        lengths = Array(repeating: -1, count: columns)
    }

    deinit { storage.deallocate() }

    func load(_ statement: OpaquePointer) {
        for i in 0..<lengths.count {
            guard sqlite3_column_type(statement, Int32(i)) == SQLITE_FLOAT else { lengths[i] = -1; continue }
            var text = NumberText.text(sqlite3_column_double(statement, Int32(i)))
            let slot = storage + i * Self.width
            lengths[i] = text.withUTF8 { u in
                let n = min(u.count, Self.width)
                slot.update(from: u.baseAddress!, count: n)
                return n
            }
        }
    }
}

struct SQLiteRecord: RecordCells {
    let statement: OpaquePointer
    let floats: FloatCells

    @inline(__always)
    func cell(_ column: Int) -> UnsafeRawBufferPointer? {
        let c = Int32(column)
        if column < floats.lengths.count, floats.lengths[column] >= 0 {
            return UnsafeRawBufferPointer(start: floats.storage + column * FloatCells.width, count: floats.lengths[column])
        }
        guard let text = sqlite3_column_text(statement, c) else { return nil }
        let n = Int(sqlite3_column_bytes(statement, c))
        return n == 0 ? nil : UnsafeRawBufferPointer(start: text, count: n)
    }
}

import CSQLite
import Foundation
import ODPCore

/// A release's SQLite file opened read-only for one request, with its field table.
///
/// ## Bounds
/// Each query runs under a deadline (a progress handler interrupts it) and a small page
/// cache, so one request holds neither a thread nor memory for long whatever it asks.
final class RowsDatabase {
    struct Field: Sendable {
        var name: String
        var title: String
        var type: FieldType
        var filterable: Bool
        var primaryKey: Bool
        /// Filters and sort keys are taken only on indexed fields.
        var indexed: Bool { filterable || primaryKey }
    }

    private var db: OpaquePointer?
    let fields: [Field]
    private let deadline: Deadline

    /// Read by the progress handler: the time past which the running statement stops.
    final class Deadline { var end: UInt64 = .max }

    init(url: URL, timeout: Double) throws {
        deadline = Deadline()
        // immutable=1: a published version never changes, so SQLite takes no locks on it.
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        components.query = "immutable=1"
        let uri = components.string ?? url.absoluteString
        guard sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
            sqlite3_close_v2(db)
            throw RowsAPIError(status: 500, code: "database_unreadable", message: "无法读取该版本的 SQLite 文件")
        }
        // Pages are read through a memory map (up to SQLite's 2 GiB ceiling): a pread per page
        // was an eighth of the API's time. The map is the kernel's page cache, shared by every
        // connection to the file and reclaimable, so it does not count against a request.
        sqlite3_exec(db, "PRAGMA cache_size=-2048; PRAGMA mmap_size=2147418112; PRAGMA query_only=1", nil, nil, nil)
        sqlite3_progress_handler(db, 2000, { context in
            let deadline = Unmanaged<Deadline>.fromOpaque(context!).takeUnretainedValue()
            return DispatchTime.now().uptimeNanoseconds > deadline.end ? 1 : 0
        }, Unmanaged.passUnretained(deadline).toOpaque())
        var fields: [Field] = []
        var version: Int64 = 0
        var statement: OpaquePointer?
        if sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nil) == SQLITE_OK, sqlite3_step(statement) == SQLITE_ROW {
            version = sqlite3_column_int64(statement, 0)
        }
        sqlite3_finalize(statement)
        let sql = "SELECT name, title, type, filterable, primary_key FROM \(RowsDatabaseLayout.fieldsTable) ORDER BY position"
        if version == RowsDatabaseLayout.version, sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK {
            while sqlite3_step(statement) == SQLITE_ROW {
                fields.append(Field(name: Self.text(statement, 0) ?? "", title: Self.text(statement, 1) ?? "",
                                    type: FieldType(rawValue: Self.text(statement, 2) ?? "") ?? .string,
                                    filterable: sqlite3_column_int64(statement, 3) != 0, primaryKey: sqlite3_column_int64(statement, 4) != 0))
            }
        }
        sqlite3_finalize(statement)
        self.fields = fields
        self.timeout = timeout
        guard !fields.isEmpty else {
            sqlite3_close_v2(db)
            db = nil
            throw RowsAPIError(status: 500, code: "database_unreadable", message: "该版本的 SQLite 文件不是本平台可读的格式")
        }
    }

    private let timeout: Double

    deinit { sqlite3_close_v2(db) }

    static func text(_ statement: OpaquePointer?, _ column: Int32) -> String? {
        guard let p = sqlite3_column_text(statement, column) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
    }

    /// One bound parameter: request values reach SQLite only as these.
    enum Value: Sendable, Equatable {
        case null, int(Int64), double(Double), text(String)
    }

    /// Runs `sql` with `parameters` bound in order, calling `row` with the statement for each
    /// result row. Throws a 503 `query_timeout` past the deadline.
    func query(_ sql: String, _ parameters: [Value], row: (OpaquePointer) throws -> Void) throws {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw RowsAPIError(status: 500, code: "query_failed", message: "查询失败")
        }
        defer { sqlite3_finalize(statement) }
        for (i, p) in parameters.enumerated() {
            let index = Int32(i + 1)
            switch p {
            case .null: sqlite3_bind_null(statement, index)
            case .int(let v): sqlite3_bind_int64(statement, index, v)
            case .double(let v): sqlite3_bind_double(statement, index, v)
            case .text(let v): sqlite3_bind_text(statement, index, v, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            }
        }
        deadline.end = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_ROW { try row(statement); continue }
            if rc == SQLITE_DONE { return }
            if rc == SQLITE_INTERRUPT {
                throw RowsAPIError(status: 503, code: "query_timeout", message: "查询超时：请加上可筛选字段的条件或减小 limit 后重试")
            }
            throw RowsAPIError(status: 500, code: "query_failed", message: "查询失败")
        }
    }

    /// A column of the current row as a parameter value (for cursors).
    static func value(_ statement: OpaquePointer, _ column: Int32) -> Value {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: .int(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: .double(sqlite3_column_double(statement, column))
        case SQLITE_NULL: .null
        default: .text(text(statement, column) ?? "")
        }
    }
}

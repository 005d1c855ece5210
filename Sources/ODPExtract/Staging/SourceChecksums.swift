import CSQLite
import Foundation
import ODPCore
import ODPPostgres

/// Key-range checksums of a SQL source, computed by its own database, over exactly the rows
/// and text the reader would put in the staging copy: deletion-flagged rows are left out, and
/// so are rows with an empty watermark unless `null_watermark: changed` keeps them.
final class SourceChecksums {
    private let definition: DatasetDefinition
    private let dialect: DigestSQL
    private let keys: [(name: String, isBool: Bool)]
    private let fields: [(name: String, isBool: Bool)]
    private let include: String?
    private let run: (String) throws -> [[String?]]
    private let finish: () -> Void

    /// Nil for file sources: they have no database to ask, so the whole file is compared.
    static func open(_ definition: DatasetDefinition, environment: [String: String]) throws -> SourceChecksums? {
        let base = SQLText.baseQuery(definition)
        let parameters = definition.source.parameters
        switch definition.source.kind {
        case .postgres:
            let connection = try PGConnection(definition: definition, environment: environment)
            let (names, bools) = try connection.columns(base, parameters: parameters)
            return try SourceChecksums(definition, dialect: .postgres, names: names, bools: bools,
                                       run: { try connection.rows($0, parameters: parameters, doing: "对账校验和计算失败（reconciliation checksums failed）") },
                                       finish: { connection.close() })
        case .sqlite:
            let reader = try SQLiteQuery(definition: definition)
            let names = try reader.columns(base)
            return try SourceChecksums(definition, dialect: .sqlite, names: names, bools: names.map { _ in false },
                                       run: { try reader.rows($0) }, finish: { reader.close() })
        case .csv, .xlsx, .json, .ndjson:
            return nil
        }
    }

    private init(_ definition: DatasetDefinition, dialect: DigestSQL, names: [String], bools: [Bool],
                 run: @escaping (String) throws -> [[String?]], finish: @escaping () -> Void) throws {
        self.definition = definition
        self.dialect = dialect
        self.run = run
        self.finish = finish
        let projection = try Projection.resolve(definition, columns: names, file: definition.source.table ?? "query", since: nil, filterSince: false)
        func column(_ i: Int) -> (name: String, isBool: Bool) { (names[i], bools[i]) }
        fields = projection.fieldColumns.map(column)
        keys = projection.keyColumns.map(column)
        var include: [String] = []
        if let d = projection.deletedColumn {
            let flag = dialect.cell(SQLText.quoteColumn(names[d]), bools[d])
            include.append("lower(trim(\(flag))) NOT IN ('1', 'true', 't', 'y', 'yes', '是')")
        }
        if let w = projection.watermarkColumn, definition.source.incremental?.nullWatermark != .changed {
            include.append("\(dialect.cell(SQLText.quoteColumn(names[w]), bools[w])) <> ''")
        }
        self.include = include.isEmpty ? nil : include.joined(separator: " AND ")
    }

    deinit { finish() }

    func close() { finish() }

    func checksums(width: Int, within prefixes: [String]?) throws -> [String: String] {
        let sql = dialect.checksums(base: SQLText.baseQuery(definition), keys: keys, fields: fields, include: include,
                                    width: width, within: prefixes)
        var out: [String: String] = [:]
        for row in try run(sql) { out[row[0] ?? ""] = "\(row[1] ?? "0")/\(row[2] ?? "0")/\(row[3] ?? "0")" }
        return out
    }

    /// The reader's condition for the rows of these key ranges.
    func filter(_ prefixes: [String]) -> String { dialect.keyFilter(keys: keys, prefixes: prefixes) }

    /// The reader's sort: key-digest order, as the staging reader gives.
    var order: String { dialect.keyOrder(keys) }
}

/// A read-only SQLite connection for the checksum queries, with the digest functions.
final class SQLiteQuery {
    private var db: OpaquePointer?
    private let path: String
    private let datasetID: String
    private let parameters: [String]

    init(definition: DatasetDefinition) throws {
        path = definition.resolve(definition.source.path ?? "").path
        datasetID = definition.id
        parameters = definition.source.parameters
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            defer { close() }
            throw ODPError.source(datasetID, "无法打开 SQLite 文件 \(path)（cannot open）：\(String(cString: sqlite3_errmsg(db)))")
        }
        sqlite3_busy_timeout(db, SQLiteSource.busyTimeoutMilliseconds)
        RowDigest.register(in: db)
    }

    func close() {
        if let db { sqlite3_close_v2(db) }
        db = nil
    }

    deinit { close() }

    func columns(_ base: String) throws -> [String] {
        try withStatement("SELECT * FROM (\(base)) LIMIT 0") { stmt in
            (0..<sqlite3_column_count(stmt)).map { String(cString: sqlite3_column_name(stmt, $0)) }
        }
    }

    func rows(_ sql: String) throws -> [[String?]] {
        try withStatement(sql) { stmt in
            var out: [[String?]] = []
            while true {
                let rc = sqlite3_step(stmt)
                if rc == SQLITE_DONE { return out }
                guard rc == SQLITE_ROW else { throw error("对账校验和计算失败（reconciliation checksums failed）") }
                out.append((0..<sqlite3_column_count(stmt)).map { i in sqlite3_column_text(stmt, i).map { String(cString: $0) } })
            }
        }
    }

    private func withStatement<R>(_ sql: String, _ body: (OpaquePointer) throws -> R) throws -> R {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else { throw error("SQL error") }
        defer { sqlite3_finalize(stmt) }
        for (i, value) in parameters.enumerated() where i < Int(sqlite3_bind_parameter_count(stmt)) {
            sqlite3_bind_text(stmt, Int32(i + 1), value, -1, sqliteTransient)
        }
        return try body(stmt)
    }

    private func error(_ what: String) -> ODPError {
        ODPError.source(datasetID, "\(path)：\(what)：\(String(cString: sqlite3_errmsg(db)))")
    }
}

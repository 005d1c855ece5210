import CLibPQ
import Foundation
import ODPCore

/// One libpq connection: a dataset's PostgreSQL source (ODPExtract) or the shared state
/// store. Secrets go only to `PQconnectdbParams` and never into a message: every error text
/// is scrubbed of them.
public final class PGConnection {
    public private(set) var handle: OpaquePointer?
    private let secrets: [String]
    /// What is being read or written (server, database, table), so a lost connection names it.
    public let origin: String
    /// Wraps a message into the caller's error (the dataset's source error, the state store's).
    private let wrap: (String) -> ODPError

    /// - Parameters:
    ///   - parameters: libpq keywords and values; with `expandDatabase`, `dbname` may be a
    ///     `postgres://` URI.
    ///   - secrets: values that must never appear in a message (passwords, URIs carrying one).
    ///   - refused: the start of the message when the connection fails ("无法以用户 … 连接").
    public init(parameters: [(String, String)], expandDatabase: Bool = false, secrets: [String], origin: String, refused: String,
                wrap: @escaping (String) -> ODPError) throws {
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
        self.origin = origin
        self.wrap = wrap
        handle = Self.connect(parameters, expand: expandDatabase)
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = scrub(lastError())
            close()
            throw wrap("\(refused)：\(message)")
        }
    }

    private static func connect(_ params: [(String, String)], expand: Bool) -> OpaquePointer? {
        let keys = params.map { strdup($0.0) }
        let values = params.map { strdup($0.1) }
        defer {
            keys.forEach { free($0) }
            // Wipe the password copy before freeing it.
            values.forEach { if let p = $0 { memset(p, 0, strlen(p)); free(p) } }
        }
        var k = keys.map { UnsafePointer<CChar>($0) } + [nil]
        var v = values.map { UnsafePointer<CChar>($0) } + [nil]
        return k.withUnsafeMutableBufferPointer { kb in
            v.withUnsafeMutableBufferPointer { vb in PQconnectdbParams(kb.baseAddress, vb.baseAddress, expand ? 1 : 0) }
        }
    }

    /// Whether the server is still there as far as libpq knows (false after a dropped connection).
    public var isOpen: Bool { handle != nil && PQstatus(handle) == CONNECTION_OK }

    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    deinit { close() }

    /// Runs a statement that returns no rows.
    public func command(_ sql: String, parameters: [String] = [], doing what: String = "查询失败（query failed）") throws {
        let result = execute(sql, parameters: parameters)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw failure(result, doing: what) }
    }

    /// Runs a query and returns its rows as text (NULL as nil); for small results only.
    public func rows(_ sql: String, parameters: [String] = [], doing what: String) throws -> [[String?]] {
        let result = execute(sql, parameters: parameters)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw failure(result, doing: what) }
        return (0..<PQntuples(result)).map { r in
            (0..<PQnfields(result)).map { c in PQgetisnull(result, r, c) != 0 ? nil : String(cString: PQgetvalue(result, r, c)) }
        }
    }

    /// The result columns of `sql` (names and whether each is boolean), without reading rows.
    public func columns(_ sql: String, parameters: [String]) throws -> (names: [String], bools: [Bool]) {
        let result = execute("SELECT * FROM (\(sql)) AS odp_source LIMIT 0", parameters: parameters)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw failure(result, doing: "读取列名失败（reading the columns failed）") }
        let count = PQnfields(result)
        return ((0..<count).map { String(cString: PQfname(result, $0)) }, (0..<count).map { PQftype(result, $0) == 16 })
    }

    /// The caller clears the result.
    public func execute(_ sql: String, parameters: [String]) -> OpaquePointer? {
        let copies = parameters.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pointers = copies.map { UnsafePointer<CChar>($0) }
        return pointers.withUnsafeMutableBufferPointer { p in
            PQexecParams(handle, sql, Int32(parameters.count), nil, p.baseAddress, nil, nil, 0)
        }
    }

    public func lastError() -> String {
        guard let handle, let text = PQerrorMessage(handle) else { return "unknown error" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func failure(_ result: OpaquePointer?, doing what: String) -> ODPError {
        let message = scrub(result.flatMap(Self.describe) ?? lastError())
        if PQstatus(handle) != CONNECTION_OK {
            return wrap("与 PostgreSQL \(origin) 的连接中断（lost the connection；\(what)）：\(message)")
        }
        return wrap("\(what)：\(message)")
    }

    /// The server's error from its fields: message, detail, hint and SQLSTATE. The flattened
    /// text would carry the echoed query line and its `^` marker, which mean nothing on one
    /// line; the position is left out too, as it counts in the cursor's wrapping of the query.
    public static func describe(_ result: OpaquePointer) -> String? {
        func field(_ code: Character) -> String? {
            guard let p = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            let s = String(cString: p).trimmingCharacters(in: .whitespacesAndNewlines)
            return s.isEmpty ? nil : s
        }
        guard let primary = field("M") else { return nil }
        var text = "\(field("S") ?? "ERROR"): \(primary)"
        if let detail = field("D") { text += "; DETAIL: \(detail)" }
        if let hint = field("H") { text += "; HINT: \(hint)" }
        if let state = field("C") { text += " (SQLSTATE \(state))" }
        return text
    }

    /// One line (libpq wraps its messages over several), and never the password: servers do
    /// not echo it, but a message must not carry one whatever happens.
    public func scrub(_ text: String) -> String {
        let line = text.split(whereSeparator: { $0.isNewline || $0 == "\t" }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0 != "^" }.joined(separator: " ")
        return secrets.reduce(line) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}

import CLibPQ
import Foundation
import ODPCore

/// One libpq connection to a dataset's PostgreSQL source, shared by the row reader and the
/// reconciliation checksums. The password goes only to `PQconnectdbParams` and never into a
/// message.
final class PGConnection {
    private(set) var handle: OpaquePointer?
    private let secret: String?
    let datasetID: String
    /// Server, database and table, so a lost connection names what was being read.
    let origin: String

    init(definition: DatasetDefinition, environment: [String: String]) throws {
        let spec = definition.source
        datasetID = definition.id
        guard let c = spec.connection else {
            throw ODPError.source(definition.id, "postgres 数据源缺少 `connection`")
        }
        secret = try c.password?.resolve(relativeTo: definition.baseDirectory, environment: environment)
        origin = "\(c.host):\(c.port)，数据库（database）\(c.database)，" + (spec.table.map { "表（table）\($0)" } ?? "查询（query）")
        var params: [(String, String)] = [
            ("host", c.host), ("port", String(c.port)), ("dbname", c.database), ("user", c.user),
            ("sslmode", c.sslMode), ("connect_timeout", "10"), ("client_encoding", "UTF8"),
            ("application_name", "odp"), ("options", "-c DateStyle=ISO,YMD"),
        ]
        if let root = c.sslRootCert { params.append(("sslrootcert", definition.resolve(root).path)) }
        if let secret { params.append(("password", secret)) }
        handle = Self.connect(params)
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = scrub(lastError())
            close()
            throw ODPError.source(datasetID, "无法以用户 \(c.user) 连接 PostgreSQL \(c.host):\(c.port)（cannot connect）：\(message)")
        }
    }

    private static func connect(_ params: [(String, String)]) -> OpaquePointer? {
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
            v.withUnsafeMutableBufferPointer { vb in PQconnectdbParams(kb.baseAddress, vb.baseAddress, 0) }
        }
    }

    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    deinit { close() }

    /// Runs a statement that returns no rows.
    func command(_ sql: String, parameters: [String] = [], doing what: String = "查询失败（query failed）") throws {
        let result = execute(sql, parameters: parameters)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw failure(result, doing: what) }
    }

    /// Runs a query and returns its rows as text (NULL as nil); for small results only.
    func rows(_ sql: String, parameters: [String] = [], doing what: String) throws -> [[String?]] {
        let result = execute(sql, parameters: parameters)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw failure(result, doing: what) }
        return (0..<PQntuples(result)).map { r in
            (0..<PQnfields(result)).map { c in PQgetisnull(result, r, c) != 0 ? nil : String(cString: PQgetvalue(result, r, c)) }
        }
    }

    /// The result columns of `sql` (names and whether each is boolean), without reading rows.
    func columns(_ sql: String, parameters: [String]) throws -> (names: [String], bools: [Bool]) {
        let result = execute("SELECT * FROM (\(sql)) AS odp_source LIMIT 0", parameters: parameters)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw failure(result, doing: "读取列名失败（reading the columns failed）") }
        let count = PQnfields(result)
        return ((0..<count).map { String(cString: PQfname(result, $0)) }, (0..<count).map { PQftype(result, $0) == 16 })
    }

    /// The caller clears the result.
    func execute(_ sql: String, parameters: [String]) -> OpaquePointer? {
        let copies = parameters.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pointers = copies.map { UnsafePointer<CChar>($0) }
        return pointers.withUnsafeMutableBufferPointer { p in
            PQexecParams(handle, sql, Int32(parameters.count), nil, p.baseAddress, nil, nil, 0)
        }
    }

    func lastError() -> String {
        guard let handle, let text = PQerrorMessage(handle) else { return "unknown error" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func failure(_ result: OpaquePointer?, doing what: String) -> ODPError {
        let message = scrub(result.flatMap(Self.describe) ?? lastError())
        if PQstatus(handle) != CONNECTION_OK {
            return ODPError.source(datasetID, "与 PostgreSQL \(origin) 的连接中断（lost the connection；\(what)）：\(message)")
        }
        return ODPError.source(datasetID, "\(what)：\(message)")
    }

    /// The server's error from its fields: message, detail, hint and SQLSTATE. The flattened
    /// text would carry the echoed query line and its `^` marker, which mean nothing on one
    /// line; the position is left out too, as it counts in the cursor's wrapping of the query.
    static func describe(_ result: OpaquePointer) -> String? {
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
    func scrub(_ text: String) -> String {
        let line = text.split(whereSeparator: { $0.isNewline || $0 == "\t" }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0 != "^" }.joined(separator: " ")
        guard let secret, secret.count >= 4 else { return line }
        return line.replacingOccurrences(of: secret, with: "***")
    }
}

import CLibPQ
import Foundation
import ODPCore

/// Reads a PostgreSQL table or query through libpq with a server-side cursor inside a
/// read-only transaction, `fetchSize` rows per round trip, so memory stays at one batch.
/// Parameters go as text with `PQexecParams`; the password goes only to `PQconnectdbParams`.
final class PostgresSource: ProjectingSource, RowSource {
    private var connection: OpaquePointer?
    private var pending: OpaquePointer?
    private var pendingRow = 0
    private var ordinal = 0
    private var finished = false
    private var boolColumns: [Bool] = []
    private let secret: String?
    /// Server, database and table, so a lost connection names what was being read.
    private let origin: String
    let fetchSize: Int
    /// Round trips made, for tests that check streaming.
    private(set) var fetchCount = 0
    /// The server process serving this source (tests end it to simulate a lost connection).
    var backendPID: Int32 { connection.map { PQbackendPID($0) } ?? 0 }

    init(definition: DatasetDefinition, since: String?, environment: [String: String], fetchSize: Int = 2000) throws {
        self.fetchSize = max(1, fetchSize)
        let spec = definition.source
        guard let c = spec.connection else {
            throw ODPError.source(definition.id, "postgres source without `connection`")
        }
        secret = try c.password?.resolve(relativeTo: definition.baseDirectory, environment: environment)
        origin = "\(c.host):\(c.port), database \(c.database), " + (spec.table.map { "table \($0)" } ?? "query")
        super.init(datasetID: definition.id, fieldCount: definition.schema.fields.count, onError: spec.onError)
        var params: [(String, String)] = [
            ("host", c.host), ("port", String(c.port)), ("dbname", c.database), ("user", c.user),
            ("sslmode", c.sslMode), ("connect_timeout", "10"), ("client_encoding", "UTF8"),
            ("application_name", "odp"), ("options", "-c DateStyle=ISO,YMD"),
        ]
        if let root = c.sslRootCert { params.append(("sslrootcert", definition.resolve(root).path)) }
        if let secret { params.append(("password", secret)) }
        connection = Self.connect(params)
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = scrub(lastError())
            close()
            throw ODPError.source(datasetID, "cannot connect to PostgreSQL at \(c.host):\(c.port) as \(c.user): \(message)")
        }
        do {
            try start(definition: definition, since: since)
        } catch {
            close()
            throw error
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

    private func start(definition: DatasetDefinition, since: String?) throws {
        let (sql, parameters) = SQLText.sourceQuery(definition, since: since) { "$\($0)" }
        try command("BEGIN TRANSACTION READ ONLY ISOLATION LEVEL REPEATABLE READ", parameters: [])
        try command("DECLARE odp_cursor NO SCROLL CURSOR FOR \(sql)", parameters: parameters)
        try fetch()
        let result = pending!
        let count = Int(PQnfields(result))
        let names = (0..<count).map { String(cString: PQfname(result, Int32($0))) }
        boolColumns = (0..<count).map { PQftype(result, Int32($0)) == 16 }
        projection = try Projection.resolve(definition, columns: names, file: "postgres:\(definition.source.table ?? "query")",
                                            since: since, filterSince: false)
    }

    private func command(_ sql: String, parameters: [String]) throws {
        let result = execute(sql, parameters: parameters)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw failure(result, doing: "query failed") }
    }

    private func execute(_ sql: String, parameters: [String]) -> OpaquePointer? {
        let copies = parameters.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pointers = copies.map { UnsafePointer<CChar>($0) }
        return pointers.withUnsafeMutableBufferPointer { p in
            PQexecParams(connection, sql, Int32(parameters.count), nil, p.baseAddress, nil, nil, 0)
        }
    }

    private func fetch() throws {
        if let pending { PQclear(pending) }
        pending = nil
        pendingRow = 0
        let result = execute("FETCH FORWARD \(fetchSize) FROM odp_cursor", parameters: [])
        fetchCount += 1
        guard PQresultStatus(result) == PGRES_TUPLES_OK else {
            defer { PQclear(result) }
            throw failure(result, doing: "reading rows failed after \(ordinal) rows")
        }
        pending = result
    }

    func next(maxRows: Int) throws -> RowBatch? {
        guard !finished, connection != nil else { return nil }
        var batch = makeBatch(maxRows)
        while batch.rowCount < maxRows {
            if pending == nil || pendingRow >= Int(PQntuples(pending)) {
                let wasFull = pending.map { Int(PQntuples($0)) == fetchSize } ?? true
                guard wasFull else { try finish(); break }
                try fetch()
                if PQntuples(pending) == 0 { try finish(); break }
            }
            let result = pending!
            let rows = Int(PQntuples(result))
            while pendingRow < rows, batch.rowCount < maxRows {
                ordinal += 1
                projection!.emit(PostgresRecord(result: result, row: Int32(pendingRow), bools: boolColumns),
                                 sourceRow: ordinal, into: &batch)
                pendingRow += 1
            }
        }
        return batch.isEmpty && finished ? nil : batch
    }

    private func finish() throws {
        finished = true
        try command("CLOSE odp_cursor", parameters: [])
        try command("COMMIT", parameters: [])
        close()
    }

    func close() {
        finished = true
        if let pending { PQclear(pending) }
        pending = nil
        if let connection { PQfinish(connection) }
        connection = nil
    }

    deinit { close() }

    private func lastError() -> String {
        guard let connection, let text = PQerrorMessage(connection) else { return "unknown error" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func failure(_ result: OpaquePointer?, doing what: String) -> ODPError {
        var message = result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) } ?? ""
        if message.isEmpty { message = lastError() }
        message = scrub(message.trimmingCharacters(in: .whitespacesAndNewlines))
        if PQstatus(connection) != CONNECTION_OK {
            return ODPError.source(datasetID, "lost the connection to PostgreSQL at \(origin) (\(what)): \(message)")
        }
        return ODPError.source(datasetID, "\(what): \(message)")
    }

    /// One line (libpq wraps its messages over several), and never the password: servers do
    /// not echo it, but a message must not carry one whatever happens.
    private func scrub(_ text: String) -> String {
        let line = text.split(whereSeparator: { $0.isNewline || $0 == "\t" }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        guard let secret, secret.count >= 4 else { return line }
        return line.replacingOccurrences(of: secret, with: "***")
    }
}

struct PostgresRecord: RecordCells {
    let result: OpaquePointer
    let row: Int32
    let bools: [Bool]
    private static let yes = StaticString("true")
    private static let no = StaticString("false")

    @inline(__always)
    func cell(_ column: Int) -> UnsafeRawBufferPointer? {
        let c = Int32(column)
        if PQgetisnull(result, row, c) != 0 { return nil }
        let n = Int(PQgetlength(result, row, c))
        guard n > 0, let value = PQgetvalue(result, row, c) else { return nil }
        if bools[column] {
            let word = value.pointee == CChar(UInt8(ascii: "t")) ? Self.yes : Self.no
            return UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        }
        return UnsafeRawBufferPointer(start: value, count: n)
    }
}

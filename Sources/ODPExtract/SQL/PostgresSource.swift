import CLibPQ
import Foundation
import ODPCore
import ODPPostgres

/// Reads a PostgreSQL table or query through libpq with a server-side cursor inside a
/// read-only transaction, `fetchSize` rows per round trip, so memory stays at one batch.
/// Parameters go as text with `PQexecParams`; the password goes only to `PQconnectdbParams`.
final class PostgresSource: ProjectingSource, RowSource {
    private var connection: PGConnection?
    private var pending: OpaquePointer?
    private var pendingRow = 0
    private var ordinal = 0
    private var finished = false
    /// A fetch that failed after this batch had rows: the rows go out first and the error with
    /// the next call, so the run's summary counts every row the server sent, as its message does.
    private var failure: Error?
    private var boolColumns: [Bool] = []
    let fetchSize: Int
    /// Round trips made, for tests that check streaming.
    private(set) var fetchCount = 0
    /// The server process serving this source (tests end it to simulate a lost connection).
    var backendPID: Int32 { connection?.handle.map { PQbackendPID($0) } ?? 0 }

    /// - Parameters:
    ///   - since: the start of the read window (inclusive), already less the lookback.
    ///   - filter, order: a condition on the source's columns and a sort (reconciliation reads
    ///     some key ranges in key-digest order).
    init(definition: DatasetDefinition, since: String?, filter: String? = nil, order: String? = nil, environment: [String: String],
         fetchSize: Int = 2000) throws {
        self.fetchSize = max(1, fetchSize)
        let connection = try PGConnection(definition: definition, environment: environment)
        self.connection = connection
        super.init(datasetID: definition.id, fieldCount: definition.schema.fields.count, onError: definition.source.onError)
        do {
            try start(definition: definition, since: since, filter: filter, order: order)
        } catch {
            close()
            throw error
        }
    }

    private func start(definition: DatasetDefinition, since: String?, filter: String?, order: String?) throws {
        let (sql, parameters) = SQLText.sourceQuery(definition, since: since, filter: filter, order: order) { "$\($0)" }
        try connection!.command("BEGIN TRANSACTION READ ONLY ISOLATION LEVEL REPEATABLE READ")
        try connection!.command("DECLARE odp_cursor NO SCROLL CURSOR FOR \(sql)", parameters: parameters)
        try fetch()
        let result = pending!
        let count = Int(PQnfields(result))
        let names = (0..<count).map { String(cString: PQfname(result, Int32($0))) }
        boolColumns = (0..<count).map { PQftype(result, Int32($0)) == 16 }
        projection = try Projection.resolve(definition, columns: names, file: "postgres:\(definition.source.table ?? "query")",
                                            since: since, filterSince: false)
    }

    private func fetch() throws {
        if let pending { PQclear(pending) }
        pending = nil
        pendingRow = 0
        guard let connection else { return }
        let result = connection.execute("FETCH FORWARD \(fetchSize) FROM odp_cursor", parameters: [])
        fetchCount += 1
        guard PQresultStatus(result) == PGRES_TUPLES_OK else {
            defer { PQclear(result) }
            throw connection.failure(result, doing: "读取 \(ordinal) 行后读取失败（reading rows failed）")
        }
        pending = result
    }

    func next(maxRows: Int) throws -> RowBatch? {
        if let failure {
            self.failure = nil
            throw failure
        }
        guard !finished, connection != nil else { return nil }
        var batch = makeBatch(maxRows)
        while batch.rowCount < maxRows {
            if pending == nil || pendingRow >= Int(PQntuples(pending)) {
                let wasFull = pending.map { Int(PQntuples($0)) == fetchSize } ?? true
                guard wasFull else { try finish(); break }
                do { try fetch() } catch where !batch.isEmpty {
                    failure = error
                    return batch
                }
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
        try connection?.command("CLOSE odp_cursor")
        try connection?.command("COMMIT")
        close()
    }

    func close() {
        finished = true
        if let pending { PQclear(pending) }
        pending = nil
        connection?.close()
        connection = nil
    }

    deinit { close() }
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

import CLibPQ
import Foundation
import ODPCore

extension PGConnection {
    /// Runs `COPY … FROM STDIN` and streams the bytes `next` returns (nil or empty ends the
    /// data). When `next` throws, the copy is aborted (`PQputCopyEnd` with a message), so the
    /// server rolls the statement back and the error is rethrown.
    ///
    /// ## Errors
    /// The server's refusal of a row carries its CONTEXT (`COPY t, line 5, column 经度: "N/A"`):
    /// the line and field a data officer needs.
    public func copyIn(_ sql: String, doing what: String, _ next: () throws -> Data?) throws {
        let start = PQexec(handle, sql)
        let status = PQresultStatus(start)
        if status != PGRES_COPY_IN {
            defer { PQclear(start) }
            throw failure(start, doing: what)
        }
        PQclear(start)
        var aborted: Error?
        while aborted == nil {
            let chunk: Data?
            do { chunk = try next() } catch { aborted = error; break }
            guard let chunk, !chunk.isEmpty else { break }
            let sent = chunk.withUnsafeBytes { raw in
                PQputCopyData(handle, raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count))
            }
            if sent != 1 { break }
        }
        _ = PQputCopyEnd(handle, aborted == nil ? nil : "aborted by odp")
        var firstFailure: ODPError?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, firstFailure == nil {
                // CONTEXT names the line and column of a refused row.
                let context = PQresultErrorField(result, Int32(UInt8(ascii: "W"))).map { scrub(String(cString: $0)) }
                firstFailure = failure(result, doing: context.map { "\(what)（\($0)）" } ?? what)
            }
            PQclear(result)
        }
        if let aborted { throw aborted }
        if let firstFailure { throw firstFailure }
        if PQstatus(handle) != CONNECTION_OK { throw failure(nil, doing: what) }
    }
}

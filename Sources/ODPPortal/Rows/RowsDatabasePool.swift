import Foundation

/// Open read-only connections to versions' SQLite files, reused across requests: opening a
/// file reads its schema and field table, which costs more than a page of an indexed query.
/// A connection serves one request at a time; at most `idlePerFile` wait per file and
/// `maxFiles` files are kept (the least recently returned are closed first).
///
/// Reuse is safe because a published version's file never changes; whether a version may be
/// served is decided on every request before a connection is taken.
final class RowsDatabasePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [String: [RowsDatabase]] = [:]
    private var order: [String] = []
    let idlePerFile = 8
    let maxFiles = 64

    func take(_ url: URL, timeout: Double) throws -> RowsDatabase {
        let cached: RowsDatabase? = lock.withLock { idle[url.path]?.popLast() }
        return try cached ?? RowsDatabase(url: url, timeout: timeout)
    }

    func give(_ db: RowsDatabase, _ url: URL) {
        lock.withLock {
            var list = idle[url.path] ?? []
            guard list.count < idlePerFile else { return }
            list.append(db)
            idle[url.path] = list
            order.removeAll { $0 == url.path }
            order.append(url.path)
            while order.count > maxFiles { idle[order.removeFirst()] = nil }
        }
    }
}

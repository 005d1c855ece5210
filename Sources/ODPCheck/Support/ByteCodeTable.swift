import Foundation
import ODPCore

/// A code table compiled for lookups on cell bytes (no `String` per cell): fingerprint →
/// entry, with the code's bytes kept to confirm a hit exactly.
struct ByteCodeTable {
    struct Entry {
        var code: [UInt8]
        var name: [UInt8]
        /// Years in force (`from ≤ year < until`); empty when the table has no history.
        var periods: [(from: Int, until: Int)]
        var current: Bool
    }

    private var index: [UInt64: Int] = [:]
    private var entries: [Entry] = []
    let hasHistory: Bool

    init(_ table: CodeTable) {
        hasHistory = !table.history.isEmpty
        var codes = Set(table.current.keys)
        codes.formUnion(table.history.keys)
        for code in codes.sorted() {
            let periods = (table.history[code] ?? []).map { ($0.from ?? Int.min, $0.until ?? Int.max) }
            let name = table.name(of: code) ?? ""
            index[Fingerprint.hash(code)] = entries.count
            entries.append(Entry(code: Array(code.utf8), name: Array(name.utf8), periods: periods, current: table.current[code] != nil))
        }
    }

    @inline(__always)
    func entry(_ cell: UnsafeBufferPointer<UInt8>) -> Entry? {
        guard let i = index[Fingerprint.hash(cell)] else { return nil }
        let e = entries[i]
        guard e.code.count == cell.count, e.code.withUnsafeBufferPointer({ memcmp($0.baseAddress!, cell.baseAddress!, cell.count) == 0 }) else {
            return nil
        }
        return e
    }

    /// Mirrors `CodeTable.contains(_:)` and `contains(_:inYear:)`.
    @inline(__always)
    func contains(_ cell: UnsafeBufferPointer<UInt8>, year: Int?) -> Bool {
        guard let e = entry(cell) else { return false }
        guard let year else { return e.current }
        if !hasHistory { return e.current }
        return e.periods.contains { $0.from <= year && year < $0.until }
    }
}

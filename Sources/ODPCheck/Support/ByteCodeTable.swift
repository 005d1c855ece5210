import Foundation
import ODPCore

/// A code table compiled for lookups on cell bytes (no `String` per cell): an
/// open-addressing table of fingerprints over raw memory, with the code's bytes kept to
/// confirm a hit exactly. A class so closures share it without copying.
final class ByteCodeTable {
    private let size: Int
    private let slotHash: UnsafeMutablePointer<UInt64>
    /// Entry index + 1; 0 = empty slot.
    private let slotEntry: UnsafeMutablePointer<Int32>
    private let codeBytes: UnsafeMutablePointer<UInt8>
    private let codeStart: UnsafeMutablePointer<Int32>
    private let codeLength: UnsafeMutablePointer<Int32>
    private let isCurrent: UnsafeMutablePointer<Bool>
    private let names: [[UInt8]]
    /// Years in force (`from ≤ year < until`) per entry; empty without history.
    private let periods: [[(from: Int, until: Int)]]
    let hasHistory: Bool

    init(_ table: CodeTable) {
        hasHistory = !table.history.isEmpty
        var codes = Set(table.current.keys)
        codes.formUnion(table.history.keys)
        let sorted = codes.sorted()
        var size = 16
        while size < sorted.count * 2 { size <<= 1 }
        self.size = size
        slotHash = .allocate(capacity: size); slotHash.initialize(repeating: 0, count: size)
        slotEntry = .allocate(capacity: size); slotEntry.initialize(repeating: 0, count: size)
        let total = sorted.reduce(0) { $0 + $1.utf8.count }
        codeBytes = .allocate(capacity: max(1, total))
        codeStart = .allocate(capacity: max(1, sorted.count))
        codeLength = .allocate(capacity: max(1, sorted.count))
        isCurrent = .allocate(capacity: max(1, sorted.count))
        var names: [[UInt8]] = [], periods: [[(from: Int, until: Int)]] = []
        var offset = 0
        for (e, code) in sorted.enumerated() {
            let bytes = Array(code.utf8)
            codeStart[e] = Int32(offset); codeLength[e] = Int32(bytes.count)
            for b in bytes { codeBytes[offset] = b; offset += 1 }
            isCurrent[e] = table.current[code] != nil
            names.append(Array((table.name(of: code) ?? "").utf8))
            periods.append((table.history[code] ?? []).map { ($0.from ?? Int.min, $0.until ?? Int.max) })
            let h = Fingerprint.hash(code)
            var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & (size - 1)
            while slotEntry[i] != 0 { i = (i + 1) & (size - 1) }
            slotHash[i] = h; slotEntry[i] = Int32(e + 1)
        }
        self.names = names
        self.periods = periods
    }

    deinit {
        slotHash.deallocate(); slotEntry.deallocate(); codeBytes.deallocate()
        codeStart.deallocate(); codeLength.deallocate(); isCurrent.deallocate()
    }

    /// The entry index of the code in `cell`, or nil.
    @inline(__always)
    func index(_ cell: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = Fingerprint.hash(cell)
        var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & (size - 1)
        while true {
            let e = Int(slotEntry[i])
            if e == 0 { return nil }
            if slotHash[i] == h {
                let entry = e - 1
                if Int(codeLength[entry]) == cell.count,
                   memcmp(codeBytes + Int(codeStart[entry]), cell.baseAddress!, cell.count) == 0 { return entry }
            }
            i = (i + 1) & (size - 1)
        }
    }

    func name(_ entry: Int) -> [UInt8] { names[entry] }

    /// Mirrors `CodeTable.contains(_:)` (no year) and `contains(_:inYear:)`.
    @inline(__always)
    func contains(_ cell: UnsafeBufferPointer<UInt8>, year: Int?) -> Bool {
        guard cell.count > 0, let e = index(cell) else { return false }
        guard let year, hasHistory else { return isCurrent[e] }
        return periods[e].contains { $0.from <= year && year < $0.until }
    }

    /// Whether the code was in force in `year` or any later year: an ID number keeps the
    /// region code of its first registration, which may come after the birth year, but a
    /// code abolished before the holder was born was never theirs.
    func inForce(_ cell: UnsafeBufferPointer<UInt8>, sinceYear year: Int) -> Bool {
        guard cell.count > 0, let e = index(cell) else { return false }
        guard hasHistory else { return isCurrent[e] }
        return isCurrent[e] || periods[e].contains { year < $0.until }
    }
}

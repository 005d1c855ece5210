import Foundation
import ODPCore

/// The distinct values of one column chunk, in first-seen order, kept as the dictionary
/// page's PLAIN bytes (a BYTE_ARRAY value with its 4-byte length), with an open-addressing
/// table from value to index.
struct ParquetDictionary {
    /// The dictionary page: every entry PLAIN-encoded, in index order.
    private(set) var page: [UInt8] = []
    /// Where each entry's value bytes start in `page` (after the length prefix) and how long they are.
    private var starts: [Int32] = []
    private var lengths: [Int32] = []
    private var slots: [Int32]
    private var mask: Int
    private let lengthPrefix: Bool

    var count: Int { starts.count }

    init(lengthPrefix: Bool) {
        self.lengthPrefix = lengthPrefix
        slots = Array(repeating: -1, count: 1024)
        mask = 1023
    }

    mutating func reset() {
        page.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        for i in slots.indices { slots[i] = -1 }
    }

    /// The entry's index, adding it when new.
    @inline(__always)
    mutating func index(of p: UnsafeRawPointer, _ n: Int) -> (index: UInt32, isNew: Bool) {
        var slot = Int(truncatingIfNeeded: Fingerprint.hash(p.assumingMemoryBound(to: UInt8.self), n)) & mask
        while true {
            let e = Int(slots[slot])
            if e < 0 { break }
            if Int(lengths[e]) == n, page.withUnsafeBytes({ memcmp($0.baseAddress! + Int(starts[e]), p, n) == 0 }) {
                return (UInt32(e), false)
            }
            slot = (slot + 1) & mask
        }
        let e = starts.count
        if lengthPrefix { withUnsafeBytes(of: UInt32(n).littleEndian) { page.append(contentsOf: $0) } }
        starts.append(Int32(page.count))
        lengths.append(Int32(n))
        page.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n))
        slots[slot] = Int32(e)
        if count * 2 > slots.count { grow() }
        return (UInt32(e), true)
    }

    /// Calls `body` with each value's bytes, for entries `indices` (PLAIN re-encoding on fallback).
    func forEachValue(_ indices: [UInt32], _ body: (UnsafeRawBufferPointer) -> Void) {
        page.withUnsafeBytes { raw in
            for i in indices {
                body(UnsafeRawBufferPointer(rebasing: raw[Int(starts[Int(i)])..<Int(starts[Int(i)] + lengths[Int(i)])]))
            }
        }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        page.withUnsafeBytes { raw in
            for e in 0..<count {
                var slot = Int(truncatingIfNeeded: Fingerprint.hash((raw.baseAddress! + Int(starts[e])).assumingMemoryBound(to: UInt8.self), Int(lengths[e]))) & mask
                while slots[slot] >= 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(e)
            }
        }
    }
}

import ODPCore

/// An open-addressing set of 64-bit fingerprints: 8 bytes per slot, at most half full, so
/// duplicate detection costs about 16 bytes per distinct key and never keeps the rows.
/// A class over raw memory so the hot loop pays no copy-on-write or exclusivity checks.
final class FingerprintSet {
    private struct State {
        var slots: UnsafeMutablePointer<UInt64>
        var size: Int
        var count: Int
        var hasZero: Bool
    }

    // Mutable state behind a pointer: class `var`s would pay a dynamic exclusivity check
    // on every access in the per-row loop.
    private let state: UnsafeMutablePointer<State>

    var count: Int { state.pointee.count }

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        state = .allocate(capacity: 1)
        state.initialize(to: State(slots: slots, size: size, count: 0, hasZero: false))
    }

    deinit {
        state.pointee.slots.deallocate()
        state.deallocate()
    }

    /// Inserts; returns false when the fingerprint was already present.
    @inline(__always)
    func insert(_ h: UInt64) -> Bool {
        if h == 0 {
            if state.pointee.hasZero { return false }
            state.pointee.hasZero = true; state.pointee.count += 1; return true
        }
        if (state.pointee.count + 1) * 2 > state.pointee.size { grow() }
        let slots = state.pointee.slots
        let mask = state.pointee.size - 1
        var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let v = slots[i]
            if v == h { return false }
            if v == 0 { slots[i] = h; state.pointee.count += 1; return true }
            i = (i + 1) & mask
        }
    }

    @inline(__always)
    func contains(_ h: UInt64) -> Bool {
        if h == 0 { return state.pointee.hasZero }
        let slots = state.pointee.slots
        let mask = state.pointee.size - 1
        var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let v = slots[i]
            if v == h { return true }
            if v == 0 { return false }
            i = (i + 1) & mask
        }
    }

    private func grow() {
        let old = state.pointee.slots, oldSize = state.pointee.size
        let size = oldSize * 2
        let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        let mask = size - 1
        for j in 0..<oldSize where old[j] != 0 {
            let h = old[j]
            var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = h
        }
        old.deallocate()
        state.pointee.slots = slots
        state.pointee.size = size
    }
}

extension RowBatch.Cells {
    /// The cell's bytes or nil; defined here so it inlines into the rule loops (the
    /// ODPCore subscript is not `@inlinable`, and a call per cell costs a tenth of the budget).
    @inline(__always)
    func at(_ row: Int, _ column: Int) -> UnsafeBufferPointer<UInt8>? {
        let i = row * columnCount + column
        let length = Int(lengths[i])
        if length < 0 { return nil }
        return UnsafeBufferPointer(start: base.baseAddress.map { $0 + Int(starts[i]) }, count: length)
    }
}

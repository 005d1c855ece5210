/// A record assembled cell by cell (JSON values, spreadsheet cells) in one reusable buffer.
final class ScratchRecord: RecordCells {
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    private(set) var starts: [Int]
    private(set) var lengths: [Int]
    private var open = -1

    init(slots: Int) {
        capacity = 4096
        bytes = .allocate(capacity: capacity)
        starts = Array(repeating: 0, count: slots)
        lengths = Array(repeating: -1, count: slots)
    }

    deinit { bytes.deallocate() }

    var slotCount: Int { lengths.count }

    func reset() {
        count = 0
        for i in 0..<lengths.count { lengths[i] = -1 }
    }

    /// Grows the slots (a spreadsheet row wider than the header).
    func ensureSlots(_ n: Int) {
        if n > lengths.count {
            starts += Array(repeating: 0, count: n - starts.count)
            lengths += Array(repeating: -1, count: n - lengths.count)
        }
    }

    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra <= capacity { return }
        var newCapacity = capacity * 2
        while newCapacity < count + extra { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: bytes, count: count)
        bytes.deallocate()
        bytes = bigger
        capacity = newCapacity
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        bytes[count] = byte
        count += 1
    }

    func append(_ p: UnsafeRawBufferPointer) {
        guard !p.isEmpty else { return }
        reserve(p.count)
        (bytes + count).update(from: p.baseAddress!.assumingMemoryBound(to: UInt8.self), count: p.count)
        count += p.count
    }

    func append(_ a: [UInt8]) { a.withUnsafeBytes { append($0) } }

    /// Starts a value for `slot`; bytes appended until `endValue()` belong to it.
    func beginValue(_ slot: Int) { open = slot; starts[slot] = count }

    func endValue() {
        guard open >= 0 else { return }
        lengths[open] = count - starts[open]
        open = -1
    }

    func setNull(_ slot: Int) { lengths[slot] = -1 }

    /// Drops bytes appended since `mark` (a value for a column nobody asked for).
    func truncate(to mark: Int) { count = mark; open = -1 }

    @inline(__always)
    func cell(_ column: Int) -> UnsafeRawBufferPointer? {
        guard column < lengths.count else { return nil }
        let n = lengths[column]
        return n > 0 ? UnsafeRawBufferPointer(start: bytes + starts[column], count: n) : nil
    }

    func string(_ column: Int) -> String? { cell(column).map { String(decoding: $0, as: UTF8.self) } }
}

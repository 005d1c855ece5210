/// Cell bounds of the current CSV record inside the chunk window. Raw storage rather than
/// arrays: this is appended per cell on the hot path, where array uniqueness checks showed
/// up as a tenth of the time.
struct CSVRecord: RecordCells {
    static let quotedFlag: UInt8 = 1
    static let complexFlag: UInt8 = 2
    var base: UnsafePointer<UInt8>?
    private(set) var starts: UnsafeMutablePointer<Int>
    private(set) var ends: UnsafeMutablePointer<Int>
    private(set) var flags: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    var count = 0

    init() {
        capacity = 64
        starts = .allocate(capacity: capacity)
        ends = .allocate(capacity: capacity)
        flags = .allocate(capacity: capacity)
    }

    /// Called once by the owner's deinit.
    func deallocate() {
        starts.deallocate()
        ends.deallocate()
        flags.deallocate()
    }

    @inline(__always)
    mutating func reset() { count = 0 }

    @inline(__always)
    mutating func append(_ start: Int, _ end: Int, quoted: Bool, complex: Bool) {
        if count == capacity { grow() }
        starts[count] = start
        ends[count] = end
        flags[count] = complex ? Self.complexFlag | Self.quotedFlag : (quoted ? Self.quotedFlag : 0)
        count += 1
    }

    private mutating func grow() {
        let bigger = capacity * 2
        let s = UnsafeMutablePointer<Int>.allocate(capacity: bigger)
        let e = UnsafeMutablePointer<Int>.allocate(capacity: bigger)
        let f = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        s.update(from: starts, count: count)
        e.update(from: ends, count: count)
        f.update(from: flags, count: count)
        deallocate()
        starts = s
        ends = e
        flags = f
        capacity = bigger
    }

    @inline(__always)
    func cell(_ column: Int) -> UnsafeRawBufferPointer? {
        guard column < count else { return nil }
        let s = starts[column], e = ends[column]
        if e <= s { return nil }
        return UnsafeRawBufferPointer(start: base! + s, count: e - s)
    }

    func string(_ column: Int) -> String {
        cell(column).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}

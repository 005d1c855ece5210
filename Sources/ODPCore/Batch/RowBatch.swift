/// A batch of rows flowing between stages. Cells are UTF-8 byte slices in one contiguous
/// buffer (start + length per cell, length -1 for null), so the hot path never allocates a
/// `String` per cell; typed values are parsed only where a rule needs them.
///
/// Cell (row r, column c) is entry `r * columnCount + c`; column c is field c of the schema.
public struct RowBatch: Sendable {
    public let columnCount: Int
    /// Bytes of all cells so far.
    public var byteCount: Int { _byteCount }
    public var starts: [Int32] { _starts }
    public var lengths: [Int32] { _lengths }
    /// For each row, its position in the source (CSV line, sheet row, record number), for
    /// messages and the department feedback list.
    public var sourceRows: [Int] { _sourceRows }

    // Stored under other names so the append functions can be `@inlinable`: readers add
    // every cell of a table through them, and as calls into this module they cost more
    // than the copy itself.
    /// Cell bytes are `_bytes[0..<_byteCount]`; the rest is zeroed room to grow into, so a
    /// cell is appended with one `memcpy` (`Array.append(contentsOf:)` cost about 80
    /// instructions per cell, more than the copy).
    @usableFromInline var _bytes: [UInt8] = []
    @usableFromInline var _byteCount = 0
    @usableFromInline var _starts: [Int32] = []
    @usableFromInline var _lengths: [Int32] = []
    @usableFromInline var _sourceRows: [Int] = []
    @usableFromInline var pendingCells = 0

    public init(columnCount: Int, rowCapacity: Int = 0, byteCapacity: Int = 0) {
        self.columnCount = columnCount
        _bytes = [UInt8](repeating: 0, count: byteCapacity)
        _starts.reserveCapacity(rowCapacity * columnCount)
        _lengths.reserveCapacity(rowCapacity * columnCount)
        _sourceRows.reserveCapacity(rowCapacity)
    }

    public var rowCount: Int { _sourceRows.count }
    public var isEmpty: Bool { _sourceRows.isEmpty }

    // MARK: Building

    @inlinable
    public mutating func appendCell(_ cell: UnsafeRawBufferPointer) {
        _starts.append(Int32(_byteCount))
        _lengths.append(Int32(cell.count))
        appendBytes(cell)
        pendingCells += 1
    }

    /// Copies bytes after the last cell's (cells' offsets are the caller's to record).
    @inlinable
    mutating func appendBytes(_ raw: UnsafeRawBufferPointer) {
        let at = _byteCount, n = raw.count
        guard n > 0 else { return }
        if at + n > _bytes.count { growBytes(to: at + n) }
        _bytes.withUnsafeMutableBytes { ($0.baseAddress! + at).copyMemory(from: raw.baseAddress!, byteCount: n) }
        _byteCount = at + n
    }

    @usableFromInline
    mutating func growBytes(to needed: Int) {
        _bytes.append(contentsOf: repeatElement(0, count: Swift.max(needed, 2 * _bytes.count, 4096) - _bytes.count))
    }

    @inlinable
    public mutating func appendCell(_ cell: UnsafeBufferPointer<UInt8>) {
        appendCell(UnsafeRawBufferPointer(cell))
    }

    public mutating func appendCell<C: Collection>(bytes cell: C) where C.Element == UInt8 {
        let bytes = Array(cell)
        bytes.withUnsafeBytes { appendCell($0) }
    }

    public mutating func appendCell(_ text: String) {
        var text = text
        text.withUTF8 { appendCell(UnsafeRawBufferPointer($0)) }
    }

    @inlinable
    public mutating func appendNull() {
        _starts.append(Int32(_byteCount))
        _lengths.append(-1)
        pendingCells += 1
    }

    /// Copies cell (row, column) of another batch, null included.
    public mutating func appendCell(from other: RowBatch, row: Int, column: Int) {
        let i = row * other.columnCount + column
        let length = Int(other._lengths[i])
        if length < 0 { appendNull(); return }
        let start = Int(other._starts[i])
        other._bytes.withUnsafeBytes { appendCell(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)])) }
    }

    /// Closes the current row. Precondition: exactly `columnCount` cells were appended.
    @inlinable
    public mutating func endRow(sourceRow: Int) {
        precondition(pendingCells == columnCount, "row has \(pendingCells) cells, expected \(columnCount)")
        pendingCells = 0
        _sourceRows.append(sourceRow)
    }

    /// Drops a partly appended row (the reader found it malformed half-way).
    public mutating func abandonRow() {
        guard pendingCells > 0 else { return }
        let firstStart = Int(_starts[_starts.count - pendingCells])
        _starts.removeLast(pendingCells)
        _lengths.removeLast(pendingCells)
        _byteCount = firstStart
        pendingCells = 0
    }

    // MARK: Reading

    @inline(__always)
    public func isNull(_ row: Int, _ column: Int) -> Bool { _lengths[row * columnCount + column] < 0 }

    /// The cell's text, or nil for null. For edges (reports, errors), not hot loops.
    public func string(_ row: Int, _ column: Int) -> String? {
        let i = row * columnCount + column
        let length = Int(_lengths[i])
        if length < 0 { return nil }
        let start = Int(_starts[i])
        return String(decoding: _bytes[start..<(start + length)], as: UTF8.self)
    }

    public func cellBytes(_ row: Int, _ column: Int) -> ArraySlice<UInt8>? {
        let i = row * columnCount + column
        let length = Int(_lengths[i])
        if length < 0 { return nil }
        let start = Int(_starts[i])
        return _bytes[start..<(start + length)]
    }

    /// Gives hot loops pointer access to every cell without copying.
    public func withCells<R>(_ body: (Cells) throws -> R) rethrows -> R {
        try _bytes.withUnsafeBufferPointer { b in
            try _starts.withUnsafeBufferPointer { s in
                try _lengths.withUnsafeBufferPointer { l in
                    try body(Cells(base: UnsafeBufferPointer(rebasing: b[0..<_byteCount]), starts: s, lengths: l, columnCount: columnCount))
                }
            }
        }
    }

    /// Pointer view valid only inside `withCells`.
    public struct Cells {
        public let base: UnsafeBufferPointer<UInt8>
        public let starts: UnsafeBufferPointer<Int32>
        public let lengths: UnsafeBufferPointer<Int32>
        public let columnCount: Int

        /// The bytes of a cell, or nil for null. Inlinable: the checker and desensitizer read
        /// every cell through it, and a call into this module cost 4 % of their time.
        @inlinable @inline(__always)
        public subscript(row: Int, column: Int) -> UnsafeBufferPointer<UInt8>? {
            let i = row * columnCount + column
            let length = Int(lengths[i])
            if length < 0 { return nil }
            return UnsafeBufferPointer(rebasing: base[Int(starts[i])..<(Int(starts[i]) + length)])
        }
    }

    /// A new batch with only the rows for which `keep` is true (rejected rows leave here).
    ///
    /// A row's cells lie one after another in `bytes`, so each run of kept rows is copied as
    /// one block with its offsets shifted: almost every batch of a real table has some
    /// rejected row, and copying cell by cell cost a tenth of the checking stage.
    public func filtered(_ keep: [Bool]) -> RowBatch {
        precondition(pendingCells == 0, "filtered() on a batch with an unfinished row")
        var out = RowBatch(columnCount: columnCount, rowCapacity: rowCount, byteCapacity: _byteCount)
        var r = 0
        while r < rowCount {
            guard keep[r] else { r += 1; continue }
            var end = r + 1
            while end < rowCount && keep[end] { end += 1 }
            let firstCell = r * columnCount, endCell = end * columnCount
            let byteStart = Int(_starts[firstCell])
            let byteEnd = endCell < _starts.count ? Int(_starts[endCell]) : _byteCount
            let shift = Int32(out._byteCount - byteStart)
            _bytes.withUnsafeBytes { out.appendBytes(UnsafeRawBufferPointer(rebasing: $0[byteStart..<byteEnd])) }
            out._starts.append(contentsOf: _starts[firstCell..<endCell].lazy.map { $0 + shift })
            out._lengths.append(contentsOf: _lengths[firstCell..<endCell])
            out._sourceRows.append(contentsOf: _sourceRows[r..<end])
            r = end
        }
        return out
    }
}

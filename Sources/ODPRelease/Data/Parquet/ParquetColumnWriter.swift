import Foundation

/// One column's values for the row group being built: definition levels (1 = present,
/// 0 = null), then the values either as dictionary indices or, once the dictionary has
/// grown past `maxDictionaryBytes`, PLAIN (the chunk falls back as a whole: the indices
/// so far are re-encoded, so a chunk has one encoding and at most one data page).
/// Statistics are kept as PLAIN bytes, ready for the footer.
///
/// A struct, mutated in place through `inout`: its buffers are then checked for exclusive
/// access at compile time, not per cell at run time as a class's properties are.
struct ParquetColumnWriter {
    let name: String
    let type: ParquetColumnType
    /// parquet-mr's and Arrow's default dictionary page limit: past it a dictionary no longer pays.
    static let maxDictionaryBytes = 1 << 20

    private var levels: [UInt8] = []
    private var indices: [UInt32] = []
    private var plain: [UInt8] = []
    private var dictionary: ParquetDictionary
    private var dictionaryOn: Bool
    private var nullCount = 0
    private var minValue: [UInt8] = []
    private var maxValue: [UInt8] = []
    private var hasValue = false

    /// Timestamps: whether values came with and without a UTC offset (decides `isAdjustedToUTC`).
    var sawOffset = false
    var sawLocal = false

    init(name: String, type: ParquetColumnType) {
        self.name = name
        self.type = type
        dictionary = ParquetDictionary(lengthPrefix: type.physical == .byteArray)
        dictionaryOn = type.physical != .boolean
    }

    /// Bytes held for the row group so far (levels, values, dictionary).
    var bufferedBytes: Int { levels.count + indices.count * 4 + plain.count + dictionary.page.count }

    mutating func appendNull() {
        levels.append(0)
        nullCount += 1
    }

    /// Appends a value: its PLAIN bytes for a fixed-width type, its text for BYTE_ARRAY, one
    /// byte 0/1 for BOOLEAN.
    @inline(__always)
    mutating func append(_ p: UnsafeRawPointer, _ n: Int) {
        levels.append(1)
        if dictionaryOn {
            let (index, isNew) = dictionary.index(of: p, n)
            indices.append(index)
            // A value already in the dictionary cannot move the minimum or maximum.
            if isNew {
                updateStatistics(p, n)
                if dictionary.page.count > Self.maxDictionaryBytes || mostlyDistinct { fallBack() }
            }
            return
        }
        updateStatistics(p, n)
        appendPlain(UnsafeRawBufferPointer(start: p, count: n))
    }

    /// The chunk's first values are mostly distinct (keys, pseudonyms, timestamps): a
    /// dictionary would only be filled to its limit and thrown away, so the chunk goes PLAIN
    /// at once, as parquet-mr's and Arrow's writers judge a dictionary by its early ratio.
    @inline(__always)
    private var mostlyDistinct: Bool {
        dictionary.count == Self.trialEntries && levels.count - nullCount <= 2 * Self.trialEntries
    }

    static let trialEntries = 4096

    @inline(__always)
    private mutating func appendPlain(_ value: UnsafeRawBufferPointer) {
        if type.physical == .byteArray { withUnsafeBytes(of: UInt32(value.count).littleEndian) { plain.append(contentsOf: $0) } }
        plain.append(contentsOf: value)
    }

    /// The dictionary is too big: this chunk's values so far become PLAIN, and so do the rest.
    private mutating func fallBack() {
        var values: [UInt8] = []
        let byteArray = type.physical == .byteArray
        dictionary.forEachValue(indices) { value in
            if byteArray { withUnsafeBytes(of: UInt32(value.count).littleEndian) { values.append(contentsOf: $0) } }
            values.append(contentsOf: value)
        }
        plain += values
        indices.removeAll(keepingCapacity: false)
        dictionary.reset()
        dictionaryOn = false
    }

    // MARK: Statistics

    @inline(__always)
    private mutating func updateStatistics(_ p: UnsafeRawPointer, _ n: Int) {
        guard hasValue else {
            hasValue = true
            minValue = Array(UnsafeRawBufferPointer(start: p, count: n))
            maxValue = minValue
            return
        }
        if compare(p, n, minValue) < 0 { minValue = Array(UnsafeRawBufferPointer(start: p, count: n)) }
        if compare(p, n, maxValue) > 0 { maxValue = Array(UnsafeRawBufferPointer(start: p, count: n)) }
    }

    /// Parquet's type-defined order: signed for integers and decimals on INT64, numeric for
    /// DOUBLE, unsigned bytewise for BYTE_ARRAY (which is code point order for UTF-8).
    @inline(__always)
    private func compare(_ p: UnsafeRawPointer, _ n: Int, _ other: [UInt8]) -> Int {
        other.withUnsafeBytes { o in
            switch type.physical {
            case .int64: return three(p.loadUnaligned(as: Int64.self), o.loadUnaligned(as: Int64.self))
            case .int32: return three(p.loadUnaligned(as: Int32.self), o.loadUnaligned(as: Int32.self))
            case .double: return three(p.loadUnaligned(as: Double.self), o.loadUnaligned(as: Double.self))
            case .boolean: return three(p.load(as: UInt8.self), o[0])
            case .byteArray:
                let c = memcmp(p, o.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, min(n, o.count))
                return c != 0 ? Int(c) : three(n, o.count)
            }
        }
    }

    @inline(__always)
    private func three<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : a > b ? 1 : 0 }

    // MARK: Row group end

    /// The chunk's pages (dictionary, then one data page), uncompressed, for the page sink;
    /// starts the next chunk.
    mutating func takeChunk() -> ParquetChunk {
        let rows = levels.count
        var page: [UInt8] = [0, 0, 0, 0]
        page.reserveCapacity(plain.count + indices.count + rows / 4 + 64)
        RLEHybrid.encode(levels, bitWidth: 1, into: &page)
        let levelBytes = UInt32(page.count - 4).littleEndian
        withUnsafeBytes(of: levelBytes) { for k in 0..<4 { page[k] = $0[k] } }

        var chunk = ParquetChunk(metadata: ParquetChunkMetadata(physical: type.physical, path: name, rows: rows, nullCount: nullCount,
                                                                min: hasValue ? minValue : nil, max: hasValue ? maxValue : nil),
                                 dictionary: nil, data: [], encoding: .plain)
        if dictionaryOn && dictionary.count > 0 {
            chunk.dictionary = (dictionary.page, dictionary.count)
            let width = max(1, RLEHybrid.bitWidth(UInt32(dictionary.count - 1)))
            page.append(UInt8(width))
            RLEHybrid.encode(indices, bitWidth: width, into: &page)
            chunk.metadata.encodings = [.plain, .rle, .rleDictionary]
            chunk.encoding = .rleDictionary
        } else {
            if type.physical == .boolean { packBooleans(into: &page) } else { page += plain }
            chunk.metadata.encodings = [.plain, .rle]
        }
        chunk.data = page
        reset()
        return chunk
    }

    /// PLAIN booleans are bit-packed, least significant bit first.
    private func packBooleans(into page: inout [UInt8]) {
        var byte: UInt8 = 0
        for (k, v) in plain.enumerated() {
            byte |= v << UInt8(k & 7)
            if k & 7 == 7 { page.append(byte); byte = 0 }
        }
        if plain.count & 7 != 0 { page.append(byte) }
    }

    private mutating func reset() {
        levels.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
        plain.removeAll(keepingCapacity: true)
        dictionary.reset()
        dictionaryOn = type.physical != .boolean
        nullCount = 0
        hasValue = false
    }
}

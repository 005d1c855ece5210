/// Writes Thrift's compact protocol, the encoding of every Parquet page header and of the
/// file footer (parquet.thrift). Only what those structures use: structs, lists, i32/i64,
/// booleans and binary. Callers write fields in ascending id order, as the generated
/// writers do, so the bytes are the same for the same values.
///
/// ```swift
/// var t = ThriftCompactWriter()
/// t.i32(1, 7)          // field 1: i32 7
/// t.beginStruct(2)     // field 2: a struct
/// t.bool(1, true)
/// t.endStruct()
/// t.stop()             // end of the outer struct
/// ```
struct ThriftCompactWriter {
    private(set) var bytes: [UInt8] = []
    private var lastField: Int16 = 0
    private var stack: [Int16] = []

    /// Compact type ids (Thrift's TCompactProtocol).
    enum Kind: UInt8 {
        case booleanTrue = 1, booleanFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7, binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    init() { bytes.reserveCapacity(256) }

    // MARK: Fields

    mutating func i16(_ id: Int16, _ v: Int16) { field(id, .i16); varint(zigzag(Int64(v))) }
    mutating func i32(_ id: Int16, _ v: Int32) { field(id, .i32); varint(zigzag(Int64(v))) }
    mutating func i64(_ id: Int16, _ v: Int64) { field(id, .i64); varint(zigzag(v)) }
    mutating func byte(_ id: Int16, _ v: Int8) { field(id, .byte); bytes.append(UInt8(bitPattern: v)) }
    /// A boolean field carries its value in its type nibble.
    mutating func bool(_ id: Int16, _ v: Bool) { field(id, v ? .booleanTrue : .booleanFalse) }
    mutating func binary(_ id: Int16, _ v: [UInt8]) { field(id, .binary); binaryValue(v) }
    mutating func string(_ id: Int16, _ v: String) { binary(id, Array(v.utf8)) }

    /// Starts a struct-valued field; close it with `endStruct()`.
    mutating func beginStruct(_ id: Int16) {
        field(id, .structure)
        stack.append(lastField)
        lastField = 0
    }

    mutating func endStruct() {
        bytes.append(0)
        lastField = stack.removeLast()
    }

    /// A struct-valued field with no fields (Parquet's empty marker structs: `StringType`, `MICROS` …).
    mutating func emptyStruct(_ id: Int16) { beginStruct(id); endStruct() }

    /// Starts a list field; follow it with `count` elements written by the `*Element` methods
    /// or `beginElement()`/`endStruct()` for struct elements.
    mutating func list(_ id: Int16, of kind: Kind, count: Int) {
        field(id, .list)
        if count < 15 { bytes.append(UInt8(count) << 4 | kind.rawValue) } else { bytes.append(0xF0 | kind.rawValue); varint(UInt64(count)) }
    }

    mutating func i32Element(_ v: Int32) { varint(zigzag(Int64(v))) }
    mutating func binaryElement(_ v: [UInt8]) { binaryValue(v) }

    /// Starts a struct element of a list; close it with `endStruct()`.
    mutating func beginElement() {
        stack.append(lastField)
        lastField = 0
    }

    /// Ends the outermost struct.
    mutating func stop() { bytes.append(0) }

    // MARK: Encoding

    /// Field header: the id as a delta from the previous field when it fits in 4 bits.
    private mutating func field(_ id: Int16, _ kind: Kind) {
        let delta = Int(id) - Int(lastField)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | kind.rawValue)
        } else {
            bytes.append(kind.rawValue)
            varint(zigzag(Int64(id)))
        }
        lastField = id
    }

    private mutating func binaryValue(_ v: [UInt8]) {
        varint(UInt64(v.count))
        bytes += v
    }

    @inline(__always)
    private func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

    private mutating func varint(_ value: UInt64) { RLEHybrid.varint(value, into: &bytes) }
}

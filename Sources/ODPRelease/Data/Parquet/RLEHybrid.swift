/// Parquet's RLE / bit-packing hybrid (Encodings.md), used for definition levels and
/// dictionary indices: a value repeated 8 times or more becomes one RLE run, anything else
/// is bit-packed in groups of 8 (the last group padded with zeros; readers know the count).
enum RLEHybrid {
    /// Bits needed for values up to `max` (0 for 0).
    static func bitWidth(_ max: UInt32) -> Int { max == 0 ? 0 : 32 - max.leadingZeroBitCount }

    /// Appends the encoded `values` to `out` (without a length prefix).
    static func encode<T: FixedWidthInteger & UnsignedInteger>(_ values: UnsafeBufferPointer<T>, bitWidth: Int, into out: inout [UInt8]) {
        let n = values.count
        var i = 0
        var literalStart = 0
        while i < n {
            var run = 1
            let v = values[i]
            while i + run < n, values[i + run] == v { run += 1 }
            guard run >= 8 else { i += run; continue }
            // A bit-packed section holds whole groups of 8: take the run's first values to fill it.
            let pending = i - literalStart
            if pending > 0 {
                let fill = (8 - pending % 8) % 8
                bitPack(values, literalStart..<(i + fill), bitWidth: bitWidth, into: &out)
                i += fill
                run -= fill
            }
            if run >= 8 {
                rle(v, count: run, bitWidth: bitWidth, into: &out)
                i += run
            }
            literalStart = i
        }
        if literalStart < n { bitPack(values, literalStart..<n, bitWidth: bitWidth, into: &out) }
    }

    static func encode<T: FixedWidthInteger & UnsignedInteger>(_ values: [T], bitWidth: Int, into out: inout [UInt8]) {
        values.withUnsafeBufferPointer { encode($0, bitWidth: bitWidth, into: &out) }
    }

    /// One RLE run: header `count << 1`, then the value in ceil(bitWidth / 8) little-endian bytes.
    static func rle<T: FixedWidthInteger & UnsignedInteger>(_ value: T, count: Int, bitWidth: Int, into out: inout [UInt8]) {
        varint(UInt64(count) << 1, into: &out)
        var v = UInt64(value)
        for _ in 0..<(bitWidth + 7) / 8 { out.append(UInt8(v & 0xFF)); v >>= 8 }
    }

    /// Bit-packed groups: header `groups << 1 | 1`, then the values LSB first, padded to 8.
    private static func bitPack<T: FixedWidthInteger & UnsignedInteger>(_ values: UnsafeBufferPointer<T>, _ range: Range<Int>, bitWidth: Int, into out: inout [UInt8]) {
        let groups = (range.count + 7) / 8
        varint(UInt64(groups) << 1 | 1, into: &out)
        var acc: UInt64 = 0
        var bits = 0
        for k in 0..<(groups * 8) {
            let index = range.lowerBound + k
            let v = index < range.upperBound ? UInt64(values[index]) : 0
            acc |= v << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                out.append(UInt8(acc & 0xFF))
                acc >>= 8
                bits -= 8
            }
        }
    }

    static func varint(_ value: UInt64, into out: inout [UInt8]) {
        var v = value
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }
}

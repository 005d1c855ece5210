import Foundation
import Testing
@testable import ODPRelease

@Suite("Parquet encodings against known bytes")
struct ParquetEncodingTests {
    @Test("the RLE / bit-packing hybrid matches Encodings.md's example and packs runs")
    func rleHybrid() {
        // Encodings.md: 0..7 with bit width 3 bit-pack to 10001000 11000110 11111010.
        var out: [UInt8] = []
        RLEHybrid.encode([0, 1, 2, 3, 4, 5, 6, 7] as [UInt32], bitWidth: 3, into: &out)
        #expect(out == [0x03, 0x88, 0xC6, 0xFA])

        // 100 ones: one RLE run, header 100 << 1 = 200 as a varint, then the value in one byte.
        out = []
        RLEHybrid.encode([UInt8](repeating: 1, count: 100), bitWidth: 1, into: &out)
        #expect(out == [0xC8, 0x01, 0x01])

        // 3 literals, then 10 sevens: the literal group is filled to 8 from the run, whose
        // remaining 5 are too few for RLE and are bit-packed as a padded second group.
        out = []
        RLEHybrid.encode([1, 2, 3] + [UInt32](repeating: 7, count: 10), bitWidth: 3, into: &out)
        #expect(out == [0x03, 0xD1, 0xFE, 0xFF, 0x03, 0xFF, 0x7F, 0x00])

        // 5 literals then 20 zeros: 3 zeros fill the group, 17 zeros stay one run.
        out = []
        RLEHybrid.encode([1, 1, 0, 1, 1] + [UInt8](repeating: 0, count: 20), bitWidth: 1, into: &out)
        #expect(out == [0x03, 0x1B, 0x22, 0x00])

        #expect(RLEHybrid.bitWidth(0) == 0 && RLEHybrid.bitWidth(1) == 1 && RLEHybrid.bitWidth(255) == 8 && RLEHybrid.bitWidth(256) == 9)
    }

    @Test("the Thrift compact writer encodes field deltas, long jumps, zigzag varints, lists and nested structs")
    func thriftCompact() {
        var t = ThriftCompactWriter()
        t.i32(1, 2)            // delta 1, i32: 0x15, zigzag(2) = 4
        t.i64(3, -1)           // delta 2, i64: 0x26, zigzag(-1) = 1
        t.string(4, "ab")      // delta 1, binary: 0x18, length 2
        t.beginStruct(5)       // delta 1, struct: 0x1C
        t.bool(1, true)        // inner ids restart: 0x11
        t.bool(2, false)       // 0x12
        t.endStruct()          // 0x00
        t.list(6, of: .i32, count: 2)  // delta 1, list: 0x19, then size 2 << 4 | i32 = 0x25
        t.i32Element(-2)       // zigzag(-2) = 3
        t.i32Element(300)      // zigzag(300) = 600 = 0xD8 0x04
        t.i64(40, 150)         // jump over 15: type byte 0x06, id zigzag(40) = 80, zigzag(150) = 300 = 0xAC 0x02
        t.i16(41, 1)           // delta 1, i16: 0x14, 2
        t.stop()
        #expect(t.bytes == [0x15, 0x04, 0x26, 0x01, 0x18, 0x02, 0x61, 0x62, 0x1C, 0x11, 0x12, 0x00,
                            0x19, 0x25, 0x03, 0xD8, 0x04, 0x06, 0x50, 0xAC, 0x02, 0x14, 0x02, 0x00])

        // A list of 15 or more elements spells its size as a varint after 0xF0 | type.
        var long = ThriftCompactWriter()
        long.list(1, of: .binary, count: 20)
        #expect(long.bytes == [0x19, 0xF8, 0x14])
    }
}

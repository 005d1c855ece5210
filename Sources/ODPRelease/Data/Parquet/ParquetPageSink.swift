import CZstd
import Foundation
import ODPCore

/// Compresses pages with ZSTD and appends them, each after its Thrift `PageHeader`, to the
/// Parquet file. One compression context for the whole file; single-threaded ZSTD at a fixed
/// level gives the same bytes for the same input, so the file is deterministic.
final class ParquetPageSink {
    enum Encoding: Int32 { case plain = 0, rle = 3, rleDictionary = 8 }

    let file: OutputFile
    private let context: OpaquePointer
    private let level: Int32
    private var compressed: [UInt8] = []

    /// ZSTD's default level 3: the benchmark table's file is 9.9 % of its CSV at it (docs/performance.md);
    /// other levels were not measured through the writer.
    init(file: OutputFile, level: Int32 = 3) throws {
        guard let context = ZSTD_createCCtx() else { throw ODPError.io(file.path.path, "cannot create a ZSTD context") }
        self.file = file
        self.context = context
        self.level = level
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Where the next page starts in the file.
    var offset: Int { file.totalBytes }

    /// Compresses and appends one column chunk's pages; returns its metadata with offsets and sizes.
    func write(_ chunk: ParquetChunk) throws -> ParquetChunkMetadata {
        var meta = chunk.metadata
        let startOffset = offset
        if let dictionary = chunk.dictionary {
            meta.dictionaryPageOffset = startOffset
            meta.add(try writeDictionaryPage(dictionary.page, count: dictionary.count))
        }
        meta.dataPageOffset = offset
        meta.add(try writeDataPage(chunk.data, rows: meta.rows, encoding: chunk.encoding))
        return meta
    }

    /// Sizes of one page as written: header plus body, uncompressed and compressed.
    struct Sizes { var uncompressed: Int; var compressed: Int }

    func writeDictionaryPage(_ values: [UInt8], count: Int) throws -> Sizes {
        try write(values) { t, uncompressed, compressedSize in
            t.i32(1, 2)  // DICTIONARY_PAGE
            t.i32(2, Int32(uncompressed)); t.i32(3, Int32(compressedSize))
            t.beginStruct(7); t.i32(1, Int32(count)); t.i32(2, Encoding.plain.rawValue); t.endStruct()
        }
    }

    func writeDataPage(_ body: [UInt8], rows: Int, encoding: Encoding) throws -> Sizes {
        try write(body) { t, uncompressed, compressedSize in
            t.i32(1, 0)  // DATA_PAGE
            t.i32(2, Int32(uncompressed)); t.i32(3, Int32(compressedSize))
            t.beginStruct(5)
            t.i32(1, Int32(rows)); t.i32(2, encoding.rawValue)
            t.i32(3, Encoding.rle.rawValue); t.i32(4, Encoding.rle.rawValue)
            t.endStruct()
        }
    }

    private func write(_ body: [UInt8], header: (inout ThriftCompactWriter, Int, Int) -> Void) throws -> Sizes {
        guard body.count < Int32.max else { throw ODPError.io(file.path.path, "a Parquet page over 2 GiB") }
        let bound = ZSTD_compressBound(body.count)
        if compressed.count < bound { compressed = [UInt8](repeating: 0, count: bound) }
        let n = compressed.withUnsafeMutableBytes { out in
            body.withUnsafeBytes { src in ZSTD_compressCCtx(context, out.baseAddress, bound, src.baseAddress, body.count, level) }
        }
        guard ZSTD_isError(n) == 0 else {
            throw ODPError.io(file.path.path, "ZSTD compression failed: \(String(cString: ZSTD_getErrorName(n)))")
        }
        var t = ThriftCompactWriter()
        header(&t, body.count, n)
        t.stop()
        try file.append(t.bytes)
        try compressed.withUnsafeBufferPointer { try file.append(UnsafeBufferPointer(rebasing: $0[0..<n])) }
        return Sizes(uncompressed: t.bytes.count + body.count, compressed: t.bytes.count + n)
    }
}

/// One column chunk of a finished row group, its pages not yet compressed.
struct ParquetChunk {
    /// Offsets and sizes are filled in when the pages are written.
    var metadata: ParquetChunkMetadata
    var dictionary: (page: [UInt8], count: Int)?
    var data: [UInt8]
    var encoding: ParquetPageSink.Encoding
}

/// What the footer says about one column chunk.
struct ParquetChunkMetadata {
    var physical: ParquetColumnType.Physical
    var path: String
    var rows: Int
    var nullCount: Int
    var min: [UInt8]?
    var max: [UInt8]?
    var encodings: [ParquetPageSink.Encoding] = []
    var dictionaryPageOffset: Int?
    var dataPageOffset = 0
    var uncompressed = 0
    var compressed = 0

    mutating func add(_ sizes: ParquetPageSink.Sizes) {
        uncompressed += sizes.uncompressed
        compressed += sizes.compressed
    }

    /// The ColumnChunk struct (as a list element), with its ColumnMetaData.
    func write(into t: inout ThriftCompactWriter) {
        t.beginElement()
        t.i64(2, Int64(dictionaryPageOffset ?? dataPageOffset))
        t.beginStruct(3)
        t.i32(1, physical.rawValue)
        t.list(2, of: .i32, count: encodings.count)
        for e in encodings { t.i32Element(e.rawValue) }
        t.list(3, of: .binary, count: 1)
        t.binaryElement(Array(path.utf8))
        t.i32(4, 6)  // ZSTD
        t.i64(5, Int64(rows))
        t.i64(6, Int64(uncompressed))
        t.i64(7, Int64(compressed))
        t.i64(9, Int64(dataPageOffset))
        if let dictionaryPageOffset { t.i64(11, Int64(dictionaryPageOffset)) }
        t.beginStruct(12)
        t.i64(3, Int64(nullCount))
        if let max, let min { t.binary(5, max); t.binary(6, min) }
        t.endStruct()
        t.endStruct()
        t.endStruct()
    }
}

import Dispatch
import Foundation
import ODPCore

/// Writes the release's Parquet file (`release: {formats: [csv, parquet]}`) from the same
/// row batches as the CSV, so its values are the released cells the desensitizer scanned,
/// typed (`ParquetColumnType`). Public for `odp-bench --formats`, which times it alone. Streams: a row group is written whenever the buffered
/// columns reach `rowGroupBytes`, so memory stays bounded whatever the table's size.
///
/// The bytes depend only on the rows and the schema: no timestamps, a fixed `created_by`,
/// single-threaded ZSTD.
///
/// A finished row group's pages are compressed and written on a background queue while the
/// next row group is built (ZSTD was the largest single cost on the writing thread); at most
/// one row group waits there, so memory stays bounded at about two row groups.
///
/// ## Errors
/// A value that does not match its field's type (the CSV would carry it as text) cannot be
/// typed: the release fails with the row and field named, rather than publish a Parquet copy
/// that differs from the CSV. So does a `datetime` field without `time_zone` whose values
/// mix with and without a UTC offset.
public final class ParquetWriter {
    let file: OutputFile
    private var columns: [ParquetColumnWriter]
    private let rowGroupBytes: Int
    /// Owned by `queue` between `flushRowGroup()` and `pending.wait()`.
    private let written: WrittenGroups
    private let queue = DispatchQueue(label: "odp.release.parquet")
    private let pending = DispatchGroup()
    private var rowsInGroup = 0
    private(set) var rowCount = 0
    private var parser = ParquetValueParser()

    static let magic: [UInt8] = Array("PAR1".utf8)
    /// Names the writer without a build time or version, so the file does not change with ODP's.
    static let createdBy = "ODP parquet writer (release format 1)"

    /// - Parameter rowGroupBytes: buffered column bytes that close a row group: the writer holds
    ///   one row group's levels, values and dictionaries, plus its compressed pages while they
    ///   are written (peak memory of a run with Parquet was not measured).
    public init(schema: Schema, url: URL, rowGroupBytes: Int = 64 << 20) throws {
        file = try OutputFile(path: url)
        written = WrittenGroups(sink: try ParquetPageSink(file: file))
        columns = schema.fields.map { ParquetColumnWriter(name: $0.name, type: ParquetColumnType($0)) }
        self.rowGroupBytes = rowGroupBytes
        try file.append(Self.magic)
    }

    public func write(_ batch: RowBatch) throws {
        guard batch.rowCount > 0 else { return }
        precondition(batch.columnCount == columns.count, "batch has \(batch.columnCount) columns, schema \(columns.count)")
        try batch.withCells { cells in
            for c in columns.indices {
                if let row = parser.append(cells, column: c, rows: batch.rowCount, to: &columns[c]) {
                    let column = columns[c]
                    // The line is the CSV's (header first); the message names the source row too.
                    throw ODPError.data(SourceLocation(file: file.path.lastPathComponent, line: rowCount + row + 2, field: column.name),
                                        "源数据第 \(batch.sourceRows[row]) 行的值与字段类型不符，无法写入 Parquet（typed value）："
                                            + "请让该字段的类型检查拒绝此类行（severity: reject），或从 release.formats 去掉 parquet")
                }
            }
        }
        rowCount += batch.rowCount
        rowsInGroup += batch.rowCount
        if columns.reduce(0, { $0 + $1.bufferedBytes }) >= rowGroupBytes { try flushRowGroup() }
    }

    /// Hands the row group's pages to the background queue, after the previous one is written.
    private func flushRowGroup() throws {
        guard rowsInGroup > 0 else { return }
        pending.wait()
        if let error = written.error { throw error }
        let group = WrittenGroups.Group(rows: rowsInGroup, chunks: columns.indices.map { columns[$0].takeChunk() })
        rowsInGroup = 0
        queue.async(group: pending) { [written] in written.write(group) }
    }

    /// Writes the last row group and the footer, and closes the file.
    public func finish() throws -> (sha256: [UInt8], bytes: Int) {
        try flushRowGroup()
        pending.wait()
        if let error = written.error { throw error }
        let footer = try footerBytes()
        try file.append(footer)
        try withUnsafeBytes(of: UInt32(footer.count).littleEndian) { try file.append(Array($0)) }
        try file.append(Self.magic)
        return try file.close()
    }

    public func discard() {
        pending.wait()
        file.discard()
    }

    /// The row groups written so far (on the background queue) and the first error.
    private final class WrittenGroups: @unchecked Sendable {
        struct Group: @unchecked Sendable { var rows: Int; var chunks: [ParquetChunk] }
        let sink: ParquetPageSink
        var groups: [(rows: Int, chunks: [ParquetChunkMetadata])] = []
        var error: Error?
        init(sink: ParquetPageSink) { self.sink = sink }

        func write(_ group: Group) {
            guard error == nil else { return }
            do {
                groups.append((group.rows, try group.chunks.map { try sink.write($0) }))
            } catch {
                self.error = error
            }
        }
    }

    /// FileMetaData (parquet.thrift), Thrift compact protocol.
    private func footerBytes() throws -> [UInt8] {
        var t = ThriftCompactWriter()
        t.i32(1, 2)
        t.list(2, of: .structure, count: columns.count + 1)
        t.beginElement()
        t.string(4, "schema")
        t.i32(5, Int32(columns.count))
        t.endStruct()
        for column in columns {
            if case .timestamp(let zone) = column.type.value, zone == nil, column.sawOffset, column.sawLocal {
                throw ODPError.data(SourceLocation(file: file.path.lastPathComponent, field: column.name),
                                    "日期时间有的带时区偏移、有的不带，Parquet 无法用一种时间戳类型表示：请为该字段设置 time_zone")
            }
            column.type.schemaElement(name: column.name, utc: column.isUTC, into: &t)
        }
        t.i64(3, Int64(rowCount))
        t.list(4, of: .structure, count: written.groups.count)
        for (ordinal, group) in written.groups.enumerated() {
            t.beginElement()
            t.list(1, of: .structure, count: group.chunks.count)
            for chunk in group.chunks { chunk.write(into: &t) }
            t.i64(2, Int64(group.chunks.reduce(0) { $0 + $1.uncompressed }))
            t.i64(3, Int64(group.rows))
            t.i64(5, Int64(group.chunks.first.map { $0.dictionaryPageOffset ?? $0.dataPageOffset } ?? 0))
            t.i64(6, Int64(group.chunks.reduce(0) { $0 + $1.compressed }))
            t.i16(7, Int16(ordinal))
            t.endStruct()
        }
        t.string(6, Self.createdBy)
        // TypeDefinedOrder for every column: readers may trust min_value/max_value.
        t.list(7, of: .structure, count: columns.count)
        for _ in columns { t.beginElement(); t.emptyStruct(1); t.endStruct() }
        t.stop()
        return t.bytes
    }
}

extension ParquetColumnWriter {
    /// A timestamp column holds instants (UTC) when its field declares a zone or every value had an offset.
    var isUTC: Bool {
        guard case .timestamp(let zone) = type.value else { return false }
        return zone != nil || (sawOffset && !sawLocal)
    }
}

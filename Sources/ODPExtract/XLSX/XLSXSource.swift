import Foundation
import ODPCore

/// Streams one worksheet of an XLSX file row by row: the sheet part is inflated as it is
/// read and each `<row>` is decoded on its own, so memory holds one window, the shared
/// strings and one row.
final class XLSXSource: ProjectingSource, RowSource {
    private let workbook: XLSXWorkbook
    private let buffer: ChunkBuffer
    private let file: String
    private let definition: DatasetDefinition
    private let since: String?
    private let record = ScratchRecord(slots: 0)
    private var lastRow = 0
    private var started = false
    private var finished = false
    private var number: [UInt8] = []

    init(definition: DatasetDefinition, path: String, since: String?) throws {
        self.definition = definition
        self.since = since
        file = path
        workbook = try XLSXWorkbook(path: path, datasetID: definition.id, limits: definition.source.limits)
        buffer = ChunkBuffer(input: try workbook.archive.input(try workbook.sheetPart(definition.source.sheet)))
        super.init(datasetID: definition.id, fieldCount: definition.schema.fields.count, onError: definition.source.onError)
    }

    func close() {
        workbook.archive.close()
        finished = true
    }

    func next(maxRows: Int) throws -> RowBatch? {
        if finished { return nil }
        if !started { try start() }
        if finished { return nil }
        var batch = makeBatch(maxRows)
        while batch.rowCount < maxRows {
            guard let row = try nextRow() else { finished = true; break }
            if projection == nil {
                projection = try Projection.positional(definition, columnCount: max(record.slotCount, fieldCount), file: file, since: since)
            }
            projection!.emit(record, sourceRow: row, into: &batch)
        }
        return batch.isEmpty && finished ? nil : batch
    }

    private func start() throws {
        started = true
        let skip = definition.source.skipRows
        while true {
            guard let row = try nextRow() else {
                if definition.source.header { throw ODPError.source(datasetID, "\(file)：工作表（sheet）没有表头行（no header row）") }
                return
            }
            if row <= skip { continue }
            if definition.source.header {
                let names = (0..<record.slotCount).map { record.string($0) ?? "" }
                projection = try Projection.resolve(definition, columns: names, file: file, since: since, filterSince: true)
                return
            }
            // No header: this row is data; keep it for the first batch by re-reading it.
            pushedBack = row
            return
        }
    }

    private var pushedBack: Int?

    /// Reads the next row that has at least one value into `record`; its sheet row number.
    private func nextRow() throws -> Int? {
        if let row = pushedBack { pushedBack = nil; return row }
        while true {
            let b = UnsafePointer(buffer.base)
            if let tag = XMLScan.startTag("<row", in: b, from: buffer.start, to: buffer.end) {
                let r = XMLScan.integer(XMLScan.attribute("r", in: b, open: tag.open, close: tag.close)) ?? lastRow + 1
                if tag.selfClosing {
                    buffer.start = tag.close
                    lastRow = r
                    continue
                }
                if let end = XMLScan.find("</row>", in: b, from: tag.close, to: buffer.end) {
                    lastRow = r
                    let any = try decodeRow(b, from: tag.close, to: end, row: r)
                    buffer.start = end + 6
                    if any { return r }
                    continue
                }
                buffer.start = tag.open
            } else {
                if XMLScan.find("</sheetData>", in: b, from: buffer.start, to: buffer.end) != nil { return nil }
                buffer.start = XMLScan.lastTagStart(in: b, from: buffer.start, to: buffer.end)
            }
            let limits = definition.source.limits
            let columns = max(record.slotCount, fieldCount)
            if buffer.end - buffer.start > limits.maxRecordBytes(columns: columns) {
                throw SourceLimits.exceeded(dataset: datasetID, file: file, "第 \(lastRow + 1) 行（row）的 XML 超过 \(limits.maxRecordBytes(columns: columns) >> 20) MB 仍未结束",
                                            key: "max_cell_mb", limit: "\(limits.maxCellBytes >> 20) MB × \(columns) 列")
            }
            if !(try buffer.refill()) { return nil }
        }
    }

    /// Fills `record` from the `<c>` elements of one row; false when every cell is empty.
    private func decodeRow(_ b: UnsafePointer<UInt8>, from: Int, to: Int, row: Int) throws -> Bool {
        record.reset()
        var p = from
        var column = -1
        var any = false
        while let c = XMLScan.startTag("<c", in: b, from: p, to: to) {
            let ref = XMLScan.attribute("r", in: b, open: c.open, close: c.close)
            column = ref.flatMap(Self.columnIndex) ?? column + 1
            guard column < Self.maxColumns else {
                throw ODPError.data(SourceLocation(file: file, line: row), "单元格引用超出了工作表的最后一列 XFD（cell reference beyond column XFD）")
            }
            let type = XMLScan.attribute("t", in: b, open: c.open, close: c.close)
            let style = XMLScan.integer(XMLScan.attribute("s", in: b, open: c.open, close: c.close)) ?? 0
            if c.selfClosing { p = c.close; continue }
            let end = XMLScan.find("</c>", in: b, from: c.close, to: to) ?? to
            p = end + 4
            record.ensureSlots(column + 1)
            record.beginValue(column)
            let mark = record.count
            try value(b, from: c.close, to: end, type: type, style: style, row: row, column: column)
            record.endValue()
            let limits = definition.source.limits
            if record.count - mark > limits.maxCellBytes {
                throw SourceLimits.exceeded(dataset: datasetID, file: file, "第 \(row) 行 \(Self.columnName(column)) 列的单元格（cell）有 \(record.count - mark) 字节",
                                            key: "max_cell_mb", limit: "\(limits.maxCellBytes >> 20) MB")
            }
            if record.count > mark { any = true } else { record.setNull(column) }
        }
        return any
    }

    private func value(_ b: UnsafePointer<UInt8>, from: Int, to: Int, type: UnsafeRawBufferPointer?, style: Int,
                       row: Int, column: Int) throws {
        let t = type.map { String(decoding: $0, as: UTF8.self) } ?? "n"
        if t == "inlineStr" {
            XMLScan.collectText(in: b, from: from, to: to, into: record)
            return
        }
        guard let v = XMLScan.startTag("<v", in: b, from: from, to: to), !v.selfClosing else { return }
        let vEnd = XMLScan.find("</v>", in: b, from: v.close, to: to) ?? to
        let raw = UnsafeRawBufferPointer(start: b + v.close, count: vEnd - v.close)
        switch t {
        case "s":
            guard let i = XMLScan.integer(raw), let text = workbook.sharedString(i) else {
                throw ODPError.data(SourceLocation(file: file, line: row, field: Self.columnName(column)), "共享字符串（shared string）编号超出范围，文件可能已损坏")
            }
            record.append(text)
        case "b":
            record.append(Array((raw.first == UInt8(ascii: "1") ? "true" : "false").utf8))
        case "e":
            return  // #N/A, #DIV/0!: no value
        case "str", "d":
            XMLScan.decode(raw, into: record)
        default:
            let kind = style < workbook.styleDates.count ? workbook.styleDates[style] : .none
            if kind != .none, let serial = Double(String(decoding: raw, as: UTF8.self)), ExcelDate.serials.contains(serial) {
                record.append(Array(ExcelDate.iso(serial: serial, kind: kind, uses1904: workbook.uses1904).utf8))
            } else {
                number.removeAll(keepingCapacity: true)
                NumberText.spreadsheet(raw, into: &number)
                record.append(number)
            }
        }
    }

    /// Columns A…XFD: the most a worksheet has (Excel and the OOXML standard).
    static let maxColumns = 16_384

    /// `C7` → 2 (zero-based column). Letters past XFD give `maxColumns`, never an overflow.
    static func columnIndex(_ ref: UnsafeRawBufferPointer) -> Int? {
        var v = 0
        var letters = 0
        for c in ref {
            guard c >= 0x41, c <= 0x5A else { break }
            v = min(v * 26 + Int(c - 0x40), maxColumns + 1)
            letters += 1
        }
        return letters == 0 ? nil : v - 1
    }

    static func columnName(_ index: Int) -> String {
        var n = index + 1
        var s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }
}

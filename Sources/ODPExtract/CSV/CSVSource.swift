import Foundation
import ODPCore

/// Streams a delimited text file (RFC 4180 quoting, CRLF or LF, quoted newlines) into row
/// batches. Cells are sliced out of a chunk window; quoted cells with doubled quotes are
/// unescaped in place, so an ordinary cell is copied once, into the batch.
final class CSVSource: ProjectingSource, RowSource {
    private let buffer: ChunkBuffer
    private let file: String
    private let encodingName: String
    private let delimiter: UInt8
    private let quote: UInt8?
    /// Bytes that end an unquoted cell: 1 delimiter, 2 line end, 3 NUL.
    private let stops: UnsafeMutablePointer<UInt8>
    private let since: String?
    private let maxQuotedLines: Int
    private let limits: SourceLimits
    private let definition: DatasetDefinition
    private var line = 1
    private var expectedCells = -1
    private var started = false
    private var finished = false
    private var cells = CSVRecord()

    init(definition: DatasetDefinition, path: String, encoding: SourceSpec.Encoding, since: String?) throws {
        let spec = definition.source
        self.definition = definition
        file = path
        self.since = since
        delimiter = spec.delimiter
        quote = spec.quote
        maxQuotedLines = spec.maxQuotedLines
        limits = spec.limits
        var resolved = encoding
        if resolved == .auto { resolved = try EncodingDetector.detect(path: path, datasetID: definition.id) }
        encodingName = resolved == .utf8 ? "UTF-8" : "GB18030"
        var input: ByteInput = try FileInput(path: path, datasetID: definition.id)
        if resolved != .utf8 { input = try IconvInput(input, from: "GB18030", datasetID: definition.id) }
        buffer = ChunkBuffer(input: input)
        stops = .allocate(capacity: 256)
        stops.initialize(repeating: 0, count: 256)
        stops[Int(spec.delimiter)] = 1
        stops[0x0A] = 2
        stops[0x0D] = 2
        stops[0] = 3
        super.init(datasetID: definition.id, fieldCount: definition.schema.fields.count, onError: spec.onError)
    }

    deinit {
        stops.deallocate()
        cells.deallocate()
    }

    func close() {
        buffer.input.close()
        finished = true
    }

    func next(maxRows: Int) throws -> RowBatch? {
        if finished { return nil }
        if !started { try start() }
        if finished { return nil }
        var batch = makeBatch(maxRows)
        var rowProjection = projection
        while batch.rowCount < maxRows {
            guard let record = try nextRecord() else { finished = true; break }
            guard let problem = try check(record) else {
                if rowProjection == nil { rowProjection = projection }  // header-less: set by the first row
                rowProjection!.emit(cells, sourceRow: record.line, into: &batch)
                continue
            }
            projection = rowProjection ?? projection
            try reject(file: file, row: record.line, lastRow: record.lastLine, line: record.line, field: nil,
                       rule: problem.rule, message: problem.message)
        }
        projection = rowProjection ?? projection
        return batch.isEmpty && finished ? nil : batch
    }

    // MARK: Set-up

    private func start() throws {
        started = true
        try buffer.refill()
        if buffer.end - buffer.start >= 3, buffer.base[0] == 0xEF, buffer.base[1] == 0xBB, buffer.base[2] == 0xBF {
            buffer.start = 3
        }
        for _ in 0..<definition.source.skipRows { try skipLine() }
        if definition.source.header {
            guard let header = try nextRecord() else {
                throw ODPError.source(definition.id, "\(file)：文件没有表头行（no header row）")
            }
            if let problem = readable(header) {
                throw ODPError.data(SourceLocation(file: file, line: header.line), "表头（header）：\(problem.message)")
            }
            let names = (0..<cells.count).map { cells.string($0) }
            expectedCells = cells.count
            projection = try Projection.resolve(definition, columns: names, file: file, since: since, filterSince: true)
        }
    }

    private func skipLine() throws {
        while true {
            let b = buffer.base, s = buffer.start, e = buffer.end
            if let hit = memchr(b + s, 0x0A, e - s) {
                buffer.start = hit.assumingMemoryBound(to: UInt8.self) - b + 1
                line += 1
                return
            }
            if !(try buffer.refill()) { buffer.start = buffer.end; return }
        }
    }

    // MARK: Records

    struct RecordInfo {
        var line: Int
        /// The record's last line: later than `line` when quoted fields hold line breaks.
        var lastLine: Int
        var rawStart: Int
        var rawEnd: Int
        var hasNUL: Bool
        var unclosed: Bool
        /// A quoted field still open after `maxQuotedLines` lines: cut there.
        var runaway = false

        /// `第 12 行` or `第 12–70 行（共 59 行）`.
        var lines: String { lastLine > line ? "第 \(line)–\(lastLine) 行（共 \(lastLine - line + 1) 行）" : "第 \(line) 行" }
    }

    /// Reader faults that make a record unusable whatever its shape; unescapes when fine.
    private func readable(_ r: RecordInfo) -> (rule: String, message: String)? {
        if r.unclosed {
            return ("unclosed_quote", "\(r.lines)：引号没有闭合（一直到文件结尾），引号之后的各行都无法读取")
        }
        if r.runaway {
            return ("runaway_quote", "\(r.lines)：引号内的内容超过 \(maxQuotedLines) 行仍未闭合（source.max_quoted_lines），"
                + "可能是多余或缺失的引号；这些行均未读取，从第 \(r.lastLine + 1) 行起继续读取")
        }
        if r.hasNUL { return ("nul_byte", "\(r.lines)含有 NUL 字节") }
        if !UTF8Check.isValid(buffer.base + r.rawStart, r.rawEnd - r.rawStart) {
            return ("invalid_encoding", "\(r.lines)含有不符合 \(encodingName) 编码的字节")
        }
        unescapeQuotedCells()
        return nil
    }

    private func check(_ r: RecordInfo) throws -> (rule: String, message: String)? {
        if let problem = readable(r) { return problem }
        if expectedCells < 0 {
            // Header-less file: the first data row fixes the column count.
            expectedCells = cells.count
            projection = try Projection.positional(definition, columnCount: cells.count, file: file, since: since)
        }
        if cells.count != expectedCells {
            return ("ragged_row", "\(r.lines)有 \(cells.count) 列，应为 \(expectedCells) 列")
        }
        return nil
    }

    /// The next record, or nil at the end. Blank lines are skipped.
    private func nextRecord() throws -> RecordInfo? {
        while true {
            switch scan() {
            case .record(let info):
                try checkCellSizes(info)
                return info
            case .blank: continue
            case .needMore:
                let columns = max(expectedCells, definition.schema.fields.count)
                if buffer.end - buffer.start > limits.maxRecordBytes(columns: columns) {
                    throw SourceLimits.exceeded(dataset: datasetID, file: file, "第 \(line) 行起的一条记录（record）超过 \(limits.maxRecordBytes(columns: columns) >> 20) MB 仍未结束",
                                                key: "max_cell_mb", limit: "\(limits.maxCellBytes >> 20) MB × \(columns) 列")
                }
                if !(try buffer.refill()) { continue }  // at EOF now: scan again, it completes
            case .end: return nil
            }
        }
    }

    private func checkCellSizes(_ r: RecordInfo) throws {
        for i in 0..<cells.count where cells.ends[i] - cells.starts[i] > limits.maxCellBytes {
            throw SourceLimits.exceeded(dataset: datasetID, file: file, "\(r.lines)第 \(i + 1) 列的单元格（cell）有 \(cells.ends[i] - cells.starts[i]) 字节",
                                        key: "max_cell_mb", limit: "\(limits.maxCellBytes >> 20) MB")
        }
    }

    private enum ScanResult {
        case record(RecordInfo)
        case blank
        case needMore
        case end
    }

    /// Scans one record from `buffer.start`. Only commits (moves `start`, counts lines) when
    /// the record is complete, so `.needMore` can simply be retried after a refill.
    private func scan() -> ScanResult {
        let b = buffer.base
        let e = buffer.end
        let eof = buffer.atEOF
        var p = buffer.start
        if p >= e { return eof ? .end : .needMore }
        if b[p] == 0x0A || b[p] == 0x0D {
            if b[p] == 0x0D {
                if p + 1 >= e, !eof { return .needMore }
                p += p + 1 < e && b[p + 1] == 0x0A ? 2 : 1
            } else {
                p += 1
            }
            buffer.start = p
            line += 1
            return .blank
        }
        var cells = self.cells
        defer { self.cells = cells }
        cells.reset()
        var newlines = 0
        var hasNUL = false
        let q = quote.map(Int.init) ?? -1
        while true {
            let cellStart = p
            var complex = false
            var quoted = false
            if q >= 0, p < e, Int(b[p]) == q {
                quoted = true
                p += 1
                while true {
                    while p < e, Int(b[p]) != q, b[p] != 0x0A, b[p] != 0 { p += 1 }
                    if p >= e {
                        if !eof { return .needMore }
                        cells.append(cellStart, e, quoted: true, complex: true)
                        cells.base = UnsafePointer(b)
                        // A final line break ends the last line rather than starting another.
                        let last = line + newlines - (e > buffer.start && b[e - 1] == 0x0A ? 1 : 0)
                        return commit(RecordInfo(line: line, lastLine: max(line, last), rawStart: buffer.start, rawEnd: e,
                                                 hasNUL: hasNUL, unclosed: true), end: e, newlines: newlines)
                    }
                    let c = b[p]
                    if c == 0x0A {
                        newlines += 1
                        p += 1
                        if newlines >= maxQuotedLines {
                            cells.base = UnsafePointer(b)
                            return commit(RecordInfo(line: line, lastLine: line + newlines - 1, rawStart: buffer.start, rawEnd: p,
                                                     hasNUL: hasNUL, unclosed: false, runaway: true), end: p, newlines: newlines)
                        }
                        continue
                    }
                    if c == 0 { hasNUL = true; p += 1; continue }
                    if p + 1 >= e, !eof { return .needMore }
                    if p + 1 < e, Int(b[p + 1]) == q { complex = true; p += 2; continue }
                    p += 1
                    break
                }
                if p < e, stops[Int(b[p])] == 0 { complex = true }
            }
            while true {
                while p < e, stops[Int(b[p])] == 0 { p += 1 }
                if p < e, b[p] == 0 { hasNUL = true; p += 1; continue }
                break
            }
            if p >= e {
                if !eof { return .needMore }
                cells.append(cellStart, e, quoted: quoted, complex: complex)
                cells.base = UnsafePointer(b)
                return commit(RecordInfo(line: line, lastLine: line + newlines, rawStart: buffer.start, rawEnd: e,
                                         hasNUL: hasNUL, unclosed: false), end: e, newlines: newlines)
            }
            cells.append(cellStart, p, quoted: quoted, complex: complex)
            let c = b[p]
            if c == delimiter { p += 1; continue }
            let rawEnd = p
            cells.base = UnsafePointer(b)
            if c == 0x0D {
                if p + 1 >= e, !eof { return .needMore }
                p += p + 1 < e && b[p + 1] == 0x0A ? 2 : 1
            } else {
                p += 1
            }
            return commit(RecordInfo(line: line, lastLine: line + newlines, rawStart: buffer.start, rawEnd: rawEnd,
                                     hasNUL: hasNUL, unclosed: false), end: p, newlines: newlines + 1)
        }
    }

    private func commit(_ info: RecordInfo, end: Int, newlines: Int) -> ScanResult {
        buffer.start = end
        line += newlines
        return .record(info)
    }

    /// Turns `"a ""b"""` into `a "b"` in place (the result is never longer than the raw
    /// text), and strips the quotes of simple quoted cells by moving the bounds.
    private func unescapeQuotedCells() {
        guard let q = quote else { return }
        let b = buffer.base
        for i in 0..<cells.count where cells.flags[i] != 0 {
            let s = cells.starts[i], e = cells.ends[i]
            if cells.flags[i] == CSVRecord.quotedFlag {
                cells.starts[i] = s + 1
                cells.ends[i] = max(s + 1, e - 1)
                continue
            }
            var w = s, r = s
            var inQuotes = false
            while r < e {
                let c = b[r]
                if c == q {
                    if inQuotes, r + 1 < e, b[r + 1] == q { b[w] = q; w += 1; r += 2; continue }
                    inQuotes.toggle()
                    r += 1
                    continue
                }
                b[w] = c
                w += 1
                r += 1
            }
            cells.ends[i] = w
        }
    }
}

import Foundation
import ODPCore

/// Streams a JSON array of objects or NDJSON (one object per line). Keys map to fields like
/// CSV headers; nested values become their compact JSON text, numbers keep their literal.
final class JSONSource: ProjectingSource, RowSource {
    enum Layout { case array, lines }

    private let layout: Layout
    private let buffer: ChunkBuffer
    private let file: String
    private let definition: DatasetDefinition
    /// Key spellings (bytes) and the slot each one fills.
    private let names: [([UInt8], Int)]
    private let record: ScratchRecord
    private let limits: SourceLimits
    private var line = 1
    private var index = 0
    private var state = 0  // 0 before `[`, 1 inside, 2 done
    private var firstKeys: [String]?
    private var seen: [Bool]
    private var finished = false

    init(definition: DatasetDefinition, path: String, layout: Layout, since: String?) throws {
        self.definition = definition
        self.layout = layout
        limits = definition.source.limits
        file = path
        var names: [([UInt8], Int)] = []
        let fields = definition.schema.fields
        for (i, field) in fields.enumerated() {
            for name in ColumnName.candidates(for: field) { names.append((Array(name.utf8), i)) }
        }
        var slots = fields.count
        func slot(for column: String) -> Int {
            if let f = definition.schema.index(of: column) { return f }
            names.append((Array(column.utf8), slots))
            slots += 1
            return slots - 1
        }
        let incremental = definition.source.incremental
        let watermark = incremental.map { slot(for: $0.watermark) }
        let deleted = incremental?.deletedFlag.map { slot(for: $0) }
        let keys = definition.primaryKey.compactMap { definition.schema.index(of: $0) }
        self.names = names
        record = ScratchRecord(slots: slots)
        seen = Array(repeating: false, count: slots)
        buffer = ChunkBuffer(input: try FileInput(path: path, datasetID: definition.id))
        super.init(datasetID: definition.id, fieldCount: fields.count, onError: definition.source.onError)
        projection = Projection(fieldColumns: Array(0..<fields.count), watermarkColumn: watermark, deletedColumn: deleted,
                                keyColumns: keys, since: incremental == nil ? nil : since.map { Array($0.utf8) }, filterSince: true,
                                nullPolicy: incremental?.nullWatermark ?? .changed)
        projection?.watermarkName = incremental?.watermark
    }

    func close() {
        buffer.input.close()
        finished = true
    }

    func next(maxRows: Int) throws -> RowBatch? {
        if finished { return nil }
        var batch = makeBatch(maxRows)
        while batch.rowCount < maxRows {
            guard try readRecord() else { finished = true; break }
            index += 1
            if firstKeys == nil { try checkFirstRecord() }
            projection!.emit(record, sourceRow: index, into: &batch)
        }
        return batch.isEmpty && finished ? nil : batch
    }

    /// The first record plays the role of a header: every field must be among its keys.
    /// Extra columns (a deletion flag) may appear only on the records that carry them.
    private func checkFirstRecord() throws {
        firstKeys = keysSeen
        let missing = definition.schema.fields.indices.filter { !seen[$0] }.map {
            ColumnName.candidates(for: definition.schema.fields[$0]).map { "`\($0)`" }.joined(separator: " / ")
        }
        guard missing.isEmpty else {
            throw ODPError.source(datasetID, "\(file)：第一条记录中没有键 \(missing.joined(separator: ", "))（no key）；现有的键（available keys）：\(keysSeen.map { "`\($0)`" }.joined(separator: ", "))")
        }
    }

    private var keysSeen: [String] = []

    /// Parses the next object into `record`; false at the end.
    private func readRecord() throws -> Bool {
        while true {
            var cursor = JSONCursor(b: buffer.base, end: buffer.end, eof: buffer.atEOF, p: buffer.start)
            cursor.maxDepth = limits.maxJSONDepth
            do {
                let more = try parseNext(&cursor)
                buffer.start = cursor.p
                line += cursor.newlines
                return more
            } catch JSONCursor.Fault.needMore {
                let bound = limits.maxRecordBytes(columns: record.slotCount)
                if buffer.end - buffer.start > bound {
                    throw SourceLimits.exceeded(dataset: datasetID, file: file, "第 \(line) 行起的第 \(index + 1) 条记录（record）超过 \(bound >> 20) MB 仍未结束",
                                                key: "max_cell_mb", limit: "\(limits.maxCellBytes >> 20) MB × \(record.slotCount) 列")
                }
                if !(try buffer.refill()) { continue }
            } catch JSONCursor.Fault.tooDeep {
                throw SourceLimits.exceeded(dataset: datasetID, file: file, "第 \(line + cursor.newlines) 行：第 \(index + 1) 条记录的值嵌套（nesting）超过 \(limits.maxJSONDepth) 层",
                                            key: "max_json_depth", limit: "\(limits.maxJSONDepth) 层")
            } catch JSONCursor.Fault.syntax(let message) {
                throw ODPError.data(SourceLocation(file: file, line: line + cursor.newlines), "JSON 格式错误：\(message)")
            }
        }
    }

    private func parseNext(_ c: inout JSONCursor) throws -> Bool {
        switch layout {
        case .lines:
            try c.skipSpace()
            if try c.peek() == nil { return false }
            try object(&c)
            while c.p < c.end, c.b[c.p] == 0x20 || c.b[c.p] == 0x09 || c.b[c.p] == 0x0D { c.p += 1 }
            guard let after = try c.peek() else { return true }
            guard after == 0x0A else { throw JSONCursor.Fault.syntax("每行应只有一个 JSON 对象，对象之后却是 `\(JSONCursor.show(after))`") }
            return true
        case .array:
            if state == 2 { return false }
            try c.skipSpace()
            if state == 0 {
                try c.expect(UInt8(ascii: "["), "由对象组成的 JSON 数组（`[`）")
                try c.skipSpace()
                if try c.peek() == UInt8(ascii: "]") { c.p += 1; state = 2; return false }
                // Commit the `[` so a refill inside the first object does not parse it twice.
                state = 1
                buffer.start = c.p
                line += c.newlines
                c.newlines = 0
            }
            try object(&c)
            try c.skipSpace()
            guard let sep = try c.peek() else { throw JSONCursor.Fault.syntax("文件意外结束（unexpected end of file），应为 `,` 或 `]`") }
            c.p += 1
            if sep == UInt8(ascii: "]") { state = 2 } else if sep != UInt8(ascii: ",") {
                throw JSONCursor.Fault.syntax("记录之后应为 `,` 或 `]`，实际是 `\(JSONCursor.show(sep))`")
            }
            return true
        }
    }

    private func object(_ c: inout JSONCursor) throws {
        record.reset()
        let collectKeys = firstKeys == nil
        if collectKeys { keysSeen.removeAll() }
        guard try c.peek() == UInt8(ascii: "{") else {
            throw JSONCursor.Fault.syntax("第 \(index + 1) 条记录不是 JSON 对象（not a JSON object）")
        }
        c.p += 1
        try c.skipSpace()
        if try c.peek() == UInt8(ascii: "}") { c.p += 1; return }
        while true {
            try c.skipSpace()
            let keyMark = record.count
            try c.string(into: record)
            let key = UnsafeRawBufferPointer(start: record.bytes + keyMark, count: record.count - keyMark)
            let slot = lookup(key)
            if collectKeys { keysSeen.append(String(decoding: key, as: UTF8.self)) }
            record.truncate(to: keyMark)
            try c.skipSpace()
            try c.expect(UInt8(ascii: ":"), "`:`")
            try c.skipSpace()
            let mark = record.count
            try value(&c, slot: slot)
            if slot == nil { record.truncate(to: mark) }
            try c.skipSpace()
            guard let sep = try c.peek() else { throw JSONCursor.Fault.syntax("文件在对象内部意外结束（unexpected end of file）") }
            c.p += 1
            if sep == UInt8(ascii: "}") { return }
            guard sep == UInt8(ascii: ",") else { throw JSONCursor.Fault.syntax("应为 `,` 或 `}`，实际是 `\(JSONCursor.show(sep))`") }
        }
    }

    private func value(_ c: inout JSONCursor, slot: Int?) throws {
        guard let first = try c.peek() else { throw JSONCursor.Fault.syntax("文件意外结束（unexpected end of file），应为一个值") }
        if let slot { record.beginValue(slot); if firstKeys == nil { seen[slot] = true } }
        let valueStart = record.count
        switch first {
        case 0x22:
            let mark = record.count
            try c.string(into: record)
            if !UTF8Check.isValid(record.bytes + mark, record.count - mark) { throw JSONCursor.Fault.syntax("字符串中有无效的 UTF-8 字节") }
        case 0x7B, 0x5B:
            try c.compact(into: record)
        default:
            let atom = try c.atom()
            if atom.elementsEqual("null".utf8) {
                if let slot { record.truncate(to: record.count); record.setNull(slot) }
                return
            }
            record.append(atom)
        }
        if slot != nil { record.endValue() }
        if record.count - valueStart > limits.maxCellBytes {
            throw SourceLimits.exceeded(dataset: datasetID, file: file, "第 \(index + 1) 条记录的一个值（cell）有 \(record.count - valueStart) 字节",
                                        key: "max_cell_mb", limit: "\(limits.maxCellBytes >> 20) MB")
        }
    }

    @inline(__always)
    private func lookup(_ key: UnsafeRawBufferPointer) -> Int? {
        if key.isEmpty { return names.first { $0.0.isEmpty }?.1 }
        for (name, slot) in names where name.count == key.count {
            let equal = name.withUnsafeBytes { memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }
            if equal { return slot }
        }
        return nil
    }
}

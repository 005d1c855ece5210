import Crypto
import Foundation
import ODPCore

/// Writes the release's CSV (RFC 4180, CRLF, quote only when needed) and, unless the
/// release is CSV-only, JSON (an array with one object per line) in one pass, normalising
/// each cell by its declared type.
///
/// This is the release's hot path: cells are formatted straight into the output buffers
/// from the batch's bytes, never through `String`. The row loop is specialised for CSV-only
/// releases (`JSONOutput`), so they pay nothing per row or cell for the JSON they skip.
///
/// Fingerprints of the primary key and of each row (over the encoded CSV cells of the
/// fields shared with the previous version) are collected when `fingerprintColumns` is
/// given, for the change log.
final class DataFileWriter {
    let csv: OutputFile
    /// nil for a CSV-only release: the file is never created.
    let json: OutputFile?
    private let kinds: [CellKind]
    private let plan: [ColumnPlan]
    private let jsonKeyBytes: [UInt8]
    private let keyBytesTotal: Int
    private let dateFormats: [[DateFormat]]
    private(set) var rowCount = 0
    private var scratch: [UInt8] = []

    /// (key, row) fingerprints of every row, for the change log; nil without a previous version.
    let fingerprints: FingerprintRuns?
    private var fingerprinting: Bool { fingerprints != nil }

    /// - Parameters:
    ///   - jsonURL: nil writes the CSV only.
    ///   - spoolDirectory: where the files are also deflated while written (see `DeflateSpool`),
    ///     with `zip`'s settings; nil compresses nothing here.
    init(schema: Schema, csvURL: URL, jsonURL: URL?, bom: Bool, keyColumns: [Int], fingerprintColumns: [Int]?,
         spoolDirectory: URL? = nil, zip: ZipWriter = ZipWriter()) throws {
        func deflate(_ url: URL) -> (spool: URL, zip: ZipWriter)? {
            spoolDirectory.map { ($0.appendingPathComponent(url.lastPathComponent + ".deflate"), zip) }
        }
        csv = try OutputFile(path: csvURL, deflate: deflate(csvURL))
        json = try jsonURL.map { try OutputFile(path: $0, deflate: deflate($0)) }
        kinds = schema.fields.map(CellKind.init)
        fingerprints = fingerprintColumns == nil ? nil : FingerprintRuns(directory: spoolDirectory ?? csvURL.deletingLastPathComponent())
        var keyBytes: [UInt8] = []
        var plan: [ColumnPlan] = []
        var formats: [[DateFormat]] = []
        for (i, f) in schema.fields.enumerated() {
            let start = keyBytes.count
            keyBytes.append(i == 0 ? UInt8(ascii: "{") : UInt8(ascii: ","))
            keyBytes += JSONText.quoted(f.name)
            keyBytes.append(UInt8(ascii: ":"))
            var code: UInt8 = 5, scale = -1, dates: [DateFormat] = []
            switch kinds[i] {
            case .string: code = 0
            case .number(let s): code = 1; scale = s ?? -1
            case .boolean: code = 2
            case .date(let f): code = 3; dates = f
            case .datetime(let f): code = 4; dates = f
            case .verbatim: code = 5
            case .timestamp(let zone): code = 6; scale = zone ?? Int.min
            }
            formats.append(dates)
            plan.append(ColumnPlan(code: code, scale: code == 6 ? scale : max(-1, scale), keyStart: start, keyLength: keyBytes.count - start,
                                   fingerprint: fingerprintColumns?.contains(i) ?? false, key: keyColumns.contains(i)))
        }
        self.plan = plan
        jsonKeyBytes = keyBytes
        keyBytesTotal = keyBytes.count
        dateFormats = formats
        scratch.reserveCapacity(256)

        if bom { try csv.append([0xEF, 0xBB, 0xBF]) }
        for (i, f) in schema.fields.enumerated() {
            if i > 0 { try csv.append([UInt8(ascii: ",")]) }
            var name = f.name
            try name.withUTF8 { try writeCSVText($0.baseAddress!, $0.count, neutralise: false) }
        }
        try csv.append([0x0D, 0x0A])
        try json?.append(Array("[\n".utf8))
    }

    func write(_ batch: RowBatch) throws {
        guard batch.rowCount > 0 else { return }
        precondition(batch.columnCount == kinds.count, "batch has \(batch.columnCount) columns, schema \(kinds.count)")
        try batch.withCells { cells in
            try plan.withUnsafeBufferPointer { plan in
                try jsonKeyBytes.withUnsafeBufferPointer { keys in
                    if json == nil {
                        try write(cells, rows: batch.rowCount, plan: plan, keys: keys.baseAddress!, CSVOnly.self)
                    } else {
                        try write(cells, rows: batch.rowCount, plan: plan, keys: keys.baseAddress!, WithJSON.self)
                    }
                }
            }
        }
    }

    /// Per-column facts the row loop needs, flattened so the loop touches no Swift arrays of enums.
    struct ColumnPlan {
        var code: UInt8        // 0 string, 1 number, 2 boolean, 3 date, 4 datetime, 5 verbatim, 6 timestamp
        var scale: Int         // -1: as written; for a timestamp, its zone's offset (Int.min: none)
        var keyStart: Int
        var keyLength: Int
        var fingerprint: Bool
        var key: Bool
    }

    /// The row being formatted: the space reserved for it in the CSV and JSON buffers and
    /// how much of each is used. Without JSON, `jp` only stands in and is never written.
    private struct RowOutput {
        var cp: UnsafeMutablePointer<UInt8>
        var co = 0
        var jp: UnsafeMutablePointer<UInt8>
        var jo = 0
        /// The row's worst case, reserved once so cells are formatted without bounds checks.
        let csvNeed: Int
        let jsonNeed: Int
    }

    private func write<J: JSONOutput>(_ cells: RowBatch.Cells, rows: Int, plan: UnsafeBufferPointer<ColumnPlan>, keys: UnsafePointer<UInt8>,
                                      _: J.Type) throws {
        let base = cells.base.baseAddress ?? UnsafePointer(bitPattern: 1)!
        for row in 0..<rows {
            try writeRow(cells, base: base, first: row * plan.count, plan: plan, keys: keys, J.self)
        }
    }

    @inline(__always)
    private func writeRow<J: JSONOutput>(_ cells: RowBatch.Cells, base: UnsafePointer<UInt8>, first: Int, plan: UnsafeBufferPointer<ColumnPlan>,
                                         keys: UnsafePointer<UInt8>, _: J.Type) throws {
        var out = try reserveRow(cells, first: first, plan: plan, J.self)
        if J.on, rowCount > 0 { out.jp[0] = UInt8(ascii: ","); out.jp[1] = 0x0A; out.jo = 2 }
        var rowHash = Fingerprint.seed
        var keyHash = Fingerprint.seed
        for c in 0..<plan.count {
            let col = plan[c]
            if c > 0 { out.cp[out.co] = UInt8(ascii: ","); out.co += 1 }
            if J.on { (out.jp + out.jo).update(from: keys + col.keyStart, count: col.keyLength); out.jo += col.keyLength }
            let length = Int(cells.lengths[first + c])
            var cellStart = out.co
            if length < 0 {
                if J.on { out.jp[out.jo] = 0x6E; out.jp[out.jo + 1] = 0x75; out.jp[out.jo + 2] = 0x6C; out.jp[out.jo + 3] = 0x6C; out.jo += 4 }  // null
            } else {
                cellStart = try writeCell(base + Int(cells.starts[first + c]), length, column: c, col, &out, J.self)
            }
            if fingerprinting { hashCell(out.cp + cellStart, out.co - cellStart, col, &rowHash, &keyHash) }
        }
        out.cp[out.co] = 0x0D; out.cp[out.co + 1] = 0x0A; out.co += 2
        csv.count += out.co
        if J.on { out.jp[out.jo] = UInt8(ascii: "}"); out.jo += 1; json!.count += out.jo }
        if let fingerprints { try fingerprints.append(key: keyHash, row: rowHash) }
        rowCount += 1
    }

    /// Reserves the row's worst case: every byte escaped, plus room for a number's scale.
    @inline(__always)
    private func reserveRow<J: JSONOutput>(_ cells: RowBatch.Cells, first: Int, plan: UnsafeBufferPointer<ColumnPlan>, _: J.Type) throws -> RowOutput {
        var csvNeed = 2 + plan.count, jsonNeed = 4 + keyBytesTotal
        for c in 0..<plan.count {
            let l = max(0, Int(cells.lengths[first + c]))
            let s = plan[c].code == 1 ? max(0, plan[c].scale) : 0
            csvNeed += 2 * l + 24 + s
            jsonNeed += 6 * l + 24 + s
        }
        let cp = try csv.reserve(csvNeed)
        return RowOutput(cp: cp, jp: J.on ? try json!.reserve(jsonNeed) : cp, csvNeed: csvNeed, jsonNeed: jsonNeed)
    }

    /// Formats one non-null cell by its column's type; returns where the cell starts in
    /// `out.cp` (for its fingerprint), which moves when the row had to be reserved again.
    @inline(__always)
    private func writeCell<J: JSONOutput>(_ p: UnsafePointer<UInt8>, _ length: Int, column c: Int, _ col: ColumnPlan,
                                          _ out: inout RowOutput, _: J.Type) throws -> Int {
        let start = out.co
        switch col.code {
        case 0:
            CellText.writeString(p, length, neutralise: true, csv: out.cp, &out.co, json: out.jp, &out.jo, J.self)
        case 1:
            return try writeNumber(p, length, col, &out, J.self)
        case 2:
            writeBoolean(p, length, &out, J.self)
        case 3, 4:
            writeDate(p, length, formats: dateFormats[c], time: col.code == 4, &out, J.self)
        case 6:
            writeTimestamp(p, length, zone: col.scale, &out, J.self)
        default:
            CellText.writeString(p, length, neutralise: false, csv: out.cp, &out.co, json: out.jp, &out.jo, J.self)
        }
        return start
    }

    @inline(__always)
    private func writeNumber<J: JSONOutput>(_ p: UnsafePointer<UInt8>, _ length: Int, _ col: ColumnPlan, _ out: inout RowOutput,
                                            _: J.Type) throws -> Int {
        let scale: Int? = col.scale < 0 ? nil : col.scale
        if let n = CellText.normalizeNumber(p, length, scale: scale, into: out.cp + out.co) {
            if J.on { (out.jp + out.jo).update(from: out.cp + out.co, count: n); out.jo += n }
            out.co += n
            return out.co - n
        }
        scratch.removeAll(keepingCapacity: true)
        guard DecimalText.normalize(UnsafeBufferPointer(start: p, count: length), scale: scale, into: &scratch) else {
            let start = out.co
            CellText.writeString(p, length, neutralise: false, csv: out.cp, &out.co, json: out.jp, &out.jo, J.self)
            return start
        }
        if scratch.count > 2 * length + 24 + max(0, col.scale) {
            // An exponent expanded past the row's reservation: commit and reserve again.
            csv.count += out.co
            out.cp = try csv.reserve(out.csvNeed + scratch.count)
            out.co = 0
            if J.on {
                json!.count += out.jo
                out.jp = try json!.reserve(out.jsonNeed + scratch.count)
                out.jo = 0
            }
        }
        let start = out.co
        scratch.withUnsafeBufferPointer { b in
            (out.cp + out.co).update(from: b.baseAddress!, count: b.count); out.co += b.count
            if J.on { (out.jp + out.jo).update(from: b.baseAddress!, count: b.count); out.jo += b.count }
        }
        return start
    }

    @inline(__always)
    private func writeBoolean<J: JSONOutput>(_ p: UnsafePointer<UInt8>, _ length: Int, _ out: inout RowOutput, _: J.Type) {
        switch CellText.parseBoolean(p, length) {
        case true?:
            CellText.put("true", out.cp, &out.co); if J.on { CellText.put("true", out.jp, &out.jo) }
        case false?:
            CellText.put("false", out.cp, &out.co); if J.on { CellText.put("false", out.jp, &out.jo) }
        case nil:
            CellText.writeString(p, length, neutralise: false, csv: out.cp, &out.co, json: out.jp, &out.jo, J.self)
        }
    }

    /// A date or date-time in its declared layouts is written in ISO 8601; anything else as text.
    @inline(__always)
    private func writeDate<J: JSONOutput>(_ p: UnsafePointer<UInt8>, _ length: Int, formats: [DateFormat], time: Bool,
                                          _ out: inout RowOutput, _: J.Type) {
        var parsed: CivilDateTime?
        for format in formats {
            if let v = format.parse(UnsafeBufferPointer(start: p, count: length)) { parsed = v; break }
        }
        guard let v = parsed else {
            CellText.writeString(p, length, neutralise: false, csv: out.cp, &out.co, json: out.jp, &out.jo, J.self)
            return
        }
        let n = CellText.writeISO(v, time: time, into: out.cp + out.co)
        if J.on { CellText.quote(out.cp + out.co, n, into: out.jp, &out.jo) }
        out.co += n
    }

    /// Native timestamp text (`TimestampText`) in the one published form, converted to the
    /// field's `time_zone` (`zone`, Int.min: none); anything else as text.
    @inline(__always)
    private func writeTimestamp<J: JSONOutput>(_ p: UnsafePointer<UInt8>, _ length: Int, zone: Int, _ out: inout RowOutput, _: J.Type) {
        guard var v = TimestampText.parse(UnsafeBufferPointer(start: p, count: length)) else {
            CellText.writeString(p, length, neutralise: false, csv: out.cp, &out.co, json: out.jp, &out.jo, J.self)
            return
        }
        if zone != Int.min { v = v.converted(to: zone) }
        let n = v.write(to: out.cp + out.co)
        if J.on { CellText.quote(out.cp + out.co, n, into: out.jp, &out.jo) }
        out.co += n
    }

    @inline(__always)
    private func hashCell(_ p: UnsafePointer<UInt8>, _ n: Int, _ col: ColumnPlan, _ rowHash: inout UInt64, _ keyHash: inout UInt64) {
        let h = Fingerprint.hash(p, n)
        if col.fingerprint { rowHash = Fingerprint.combine(rowHash, h) }
        if col.key { keyHash = Fingerprint.combine(keyHash, h) }
    }

    /// Closes the files (`json` is nil for a CSV-only release). `contentHash` is SHA-256 over
    /// the CSV bytes followed by `schemaJSON`, so it does not depend on the formats; the
    /// spooled deflate streams are `deflated()`.
    func finish(schemaJSON: [UInt8]) throws -> (csv: (sha256: [UInt8], bytes: Int), json: (sha256: [UInt8], bytes: Int)?, contentHash: String) {
        try json?.append(Array((rowCount > 0 ? "\n]\n" : "]\n").utf8))
        try csv.flush()
        var content = csv.hashState
        content.update(data: schemaJSON)
        let csvDigest = try csv.close()
        let jsonDigest = try json?.close()
        return (csvDigest, jsonDigest, SHA256Hex.hex(Array(content.finalize())))
    }

    func deflated() throws -> (csv: DeflateSpool.Stream?, json: DeflateSpool.Stream?) {
        (try csv.deflated(), try json.flatMap { try $0.deflated() })
    }

    func discard() { csv.discard(); json?.discard() }

    // MARK: Header

    private func writeCSVText(_ p: UnsafePointer<UInt8>, _ n: Int, neutralise: Bool) throws {
        let out = try csv.reserve(2 * n + 3)
        var o = 0, unused = 0
        CellText.writeString(p, n, neutralise: neutralise, csv: out, &o, json: out, &unused, CSVOnly.self)
        csv.count += o
    }
}

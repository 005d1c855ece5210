import Crypto
import Foundation
import ODPCore

/// Writes the release's CSV (RFC 4180, CRLF, quote only when needed) and JSON (an array
/// with one object per line) in one pass, normalising each cell by its declared type.
///
/// This is the release's hot path: cells are formatted straight into the output buffers
/// from the batch's bytes, never through `String`.
///
/// Fingerprints of the primary key and of each row (over the encoded CSV cells of the
/// fields shared with the previous version) are collected when `fingerprintColumns` is
/// given, for the change log.
final class DataFileWriter {
    let csv: OutputFile
    let json: OutputFile
    private let kinds: [CellKind]
    private let jsonKeys: [[UInt8]]
    private(set) var rowCount = 0
    private var scratch: [UInt8] = []
    private var isoScratch: [UInt8] = []

    private let fingerprintColumns: [Bool]
    private let keyColumns: [Bool]
    private let fingerprinting: Bool
    private(set) var keyFingerprints: [UInt64] = []
    private(set) var rowFingerprints: [UInt64] = []

    init(schema: Schema, csvURL: URL, jsonURL: URL, bom: Bool, keyColumns: [Int], fingerprintColumns: [Int]?) throws {
        csv = try OutputFile(path: csvURL)
        json = try OutputFile(path: jsonURL)
        kinds = schema.fields.map(CellKind.init)
        jsonKeys = schema.fields.enumerated().map { i, f in
            var key: [UInt8] = [i == 0 ? UInt8(ascii: "{") : UInt8(ascii: ",")]
            key += JSONText.quoted(f.name)
            key.append(UInt8(ascii: ":"))
            return key
        }
        let n = schema.fields.count
        fingerprinting = fingerprintColumns != nil
        self.fingerprintColumns = (0..<n).map { fingerprintColumns?.contains($0) ?? false }
        self.keyColumns = (0..<n).map { keyColumns.contains($0) }
        scratch.reserveCapacity(256)
        isoScratch.reserveCapacity(32)

        if bom { try csv.append([0xEF, 0xBB, 0xBF]) }
        for (i, f) in schema.fields.enumerated() {
            if i > 0 { try csv.append([UInt8(ascii: ",")]) }
            var name = f.name
            try name.withUTF8 { try writeCSVText($0.baseAddress!, $0.count, neutralise: false) }
        }
        try csv.append([0x0D, 0x0A])
        try json.append(Array("[\n".utf8))
    }

    func write(_ batch: RowBatch) throws {
        guard batch.rowCount > 0 else { return }
        precondition(batch.columnCount == kinds.count, "batch has \(batch.columnCount) columns, schema \(kinds.count)")
        try batch.withCells { cells in
            let base = cells.base.baseAddress ?? UnsafePointer(bitPattern: 1)!
            for row in 0..<batch.rowCount {
                if rowCount > 0 { try json.append([UInt8(ascii: ","), 0x0A]) }
                var rowHash = Fingerprint.seed
                var keyHash = Fingerprint.seed
                for column in 0..<kinds.count {
                    let i = row * cells.columnCount + column
                    let length = Int(cells.lengths[i])
                    if column > 0 { try csv.reserve(1)[0] = UInt8(ascii: ","); csv.count += 1 }
                    let start = csv.totalBytes
                    try writeKey(column)
                    if length < 0 {
                        try writeJSONLiteral("null")
                    } else {
                        try writeCell(base + Int(cells.starts[i]), length, kind: kinds[column])
                    }
                    if fingerprinting {
                        // A flush can only happen before a cell's first byte (each cell is written
                        // by one append after reserving), so the cell is contiguous in the buffer.
                        let cellStart = start - csv.bytesFlushed
                        let h = Fingerprint.hash(csv.buffer + cellStart, csv.count - cellStart)
                        if fingerprintColumns[column] { rowHash = Fingerprint.combine(rowHash, h) }
                        if keyColumns[column] { keyHash = Fingerprint.combine(keyHash, h) }
                    }
                }
                let end = try csv.reserve(2)
                end[0] = 0x0D; end[1] = 0x0A; csv.count += 2
                try json.reserve(1)[0] = UInt8(ascii: "}"); json.count += 1
                if fingerprinting { rowFingerprints.append(rowHash); keyFingerprints.append(keyHash) }
                rowCount += 1
            }
        }
    }

    /// Closes both files. `contentHash` is SHA-256 over the CSV bytes followed by `schemaJSON`.
    func finish(schemaJSON: [UInt8]) throws -> (csv: (sha256: [UInt8], bytes: Int), json: (sha256: [UInt8], bytes: Int), contentHash: String) {
        try json.append(Array((rowCount > 0 ? "\n]\n" : "]\n").utf8))
        try csv.flush()
        var content = csv.hashState
        content.update(data: schemaJSON)
        let csvDigest = try csv.close()
        let jsonDigest = try json.close()
        return (csvDigest, jsonDigest, SHA256Hex.hex(Array(content.finalize())))
    }

    func discard() { csv.discard(); json.discard() }

    // MARK: Cells

    @inline(__always)
    private func writeKey(_ column: Int) throws {
        try jsonKeys[column].withUnsafeBufferPointer { try json.append($0) }
    }

    @inline(__always)
    private func writeJSONLiteral(_ text: StaticString) throws {
        try json.append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    private func writeCSVLiteral(_ text: StaticString) throws {
        try csv.append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private func writeCell(_ p: UnsafePointer<UInt8>, _ n: Int, kind: CellKind) throws {
        switch kind {
        case .string:
            try writeCSVText(p, n, neutralise: true)
            try writeJSONString(p, n)
        case .number(let scale):
            let room = n + 3 + (scale ?? 0)
            let out = try csv.reserve(room)
            if let written = CellText.normalizeNumber(p, n, scale: scale, into: out) {
                csv.count += written
                try json.append(UnsafeBufferPointer(start: out, count: written))
            } else {
                scratch.removeAll(keepingCapacity: true)
                if DecimalText.normalize(UnsafeBufferPointer(start: p, count: n), scale: scale, into: &scratch) {
                    try scratch.withUnsafeBufferPointer { try csv.append($0); try json.append($0) }
                } else {
                    try writeVerbatim(p, n)
                }
            }
        case .boolean:
            switch CellText.parseBoolean(p, n) {
            case true?: try writeCSVLiteral("true"); try writeJSONLiteral("true")
            case false?: try writeCSVLiteral("false"); try writeJSONLiteral("false")
            case nil: try writeVerbatim(p, n)
            }
        case .date(let formats):
            try writeDate(p, n, formats: formats, time: false)
        case .datetime(let formats):
            try writeDate(p, n, formats: formats, time: true)
        case .verbatim:
            try writeVerbatim(p, n)
        }
    }

    private func writeDate(_ p: UnsafePointer<UInt8>, _ n: Int, formats: [DateFormat], time: Bool) throws {
        let text = UnsafeBufferPointer(start: p, count: n)
        for format in formats {
            guard let value = format.parse(text) else { continue }
            isoScratch.removeAll(keepingCapacity: true)
            value.appendISO(to: &isoScratch, time: time)
            try isoScratch.withUnsafeBufferPointer { iso in
                try csv.append(iso)
                let out = try json.reserve(iso.count + 2)
                out[0] = 0x22
                (out + 1).update(from: iso.baseAddress!, count: iso.count)
                out[iso.count + 1] = 0x22
                json.count += iso.count + 2
            }
            return
        }
        try writeVerbatim(p, n)
    }

    /// A value that did not parse goes out as written (the check stage decided to keep it).
    private func writeVerbatim(_ p: UnsafePointer<UInt8>, _ n: Int) throws {
        try writeCSVText(p, n, neutralise: false)
        try writeJSONString(p, n)
    }

    @inline(__always)
    private func writeCSVText(_ p: UnsafePointer<UInt8>, _ n: Int, neutralise: Bool) throws {
        let prefix = neutralise && n > 0 && CellText.isFormulaStart(p[0])
        var quote = false
        var k = 0
        while k < n {
            let c = p[k]
            if c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D { quote = true; break }
            k += 1
        }
        if !quote {
            let out = try csv.reserve(n + 1)
            var o = 0
            if prefix { out[0] = 0x27; o = 1 }
            (out + o).update(from: p, count: n)
            csv.count += n + o
            return
        }
        let out = try csv.reserve(2 * n + 3)
        var o = 0
        out[o] = 0x22; o += 1
        if prefix { out[o] = 0x27; o += 1 }
        for j in 0..<n {
            let c = p[j]
            out[o] = c; o += 1
            if c == 0x22 { out[o] = 0x22; o += 1 }
        }
        out[o] = 0x22; o += 1
        csv.count += o
    }

    @inline(__always)
    private func writeJSONString(_ p: UnsafePointer<UInt8>, _ n: Int) throws {
        let out = try json.reserve(6 * n + 2)
        var o = 0
        out[o] = 0x22; o += 1
        for j in 0..<n {
            let c = p[j]
            if c >= 0x20, c != 0x22, c != 0x5C { out[o] = c; o += 1; continue }
            o += JSONText.escape(c, into: out + o)
        }
        out[o] = 0x22; o += 1
        json.count += o
    }
}

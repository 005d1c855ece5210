import Foundation

/// The header and first rows of a release CSV (RFC 4180, UTF-8), read from the start of
/// the file only: a sample never loads the whole table.
struct CSVSample: Sendable {
    var header: [String]
    var rows: [[String]]

    static let maxBytes = 1 << 20

    static func read(_ url: URL, rows limit: Int) -> CSVSample? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maxBytes) else { return nil }
        var records = parse(Array(data), maxRecords: limit + 1, complete: data.count < maxBytes)
        guard !records.isEmpty else { return nil }
        let header = records.removeFirst()
        return CSVSample(header: header, rows: records)
    }

    /// Parses records from bytes; a last record cut off by the read limit is dropped unless
    /// `complete`.
    static func parse(_ bytes: [UInt8], maxRecords: Int, complete: Bool) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func endField() { record.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true) }
        while i < bytes.count, records.count < maxRecords {
            let b = bytes[i]
            if inQuotes {
                if b == 0x22 {
                    if i + 1 < bytes.count, bytes[i + 1] == 0x22 { field.append(0x22); i += 1 } else { inQuotes = false }
                } else { field.append(b) }
            } else {
                switch b {
                case 0x22: inQuotes = true
                case 0x2C: endField()
                case 0x0D: break
                case 0x0A: endField(); records.append(record); record = []
                default: field.append(b)
                }
            }
            i += 1
        }
        if complete, records.count < maxRecords, !(record.isEmpty && field.isEmpty) {
            endField()
            records.append(record)
        }
        return records
    }
}

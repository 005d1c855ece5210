import CSQLite
import CZlib
import Foundation
import ODPCore

/// Writes demo tables in the formats departments actually deliver.
public enum DemoWriters {
    /// RFC 4180 CSV. `encoding` "utf-8", "utf-8-bom" or "gb18030". `raggedRow` adds an extra
    /// cell to that row (a planted reader defect).
    public static func csv(_ table: DemoTable, to url: URL, encoding: String = "utf-8", raggedRow: Int? = nil) throws {
        let tmp = url.appendingPathExtension("tmp")
        _ = FileManager.default.createFile(atPath: tmp.path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: tmp.path) else { throw ODPError.io(tmp.path, "cannot create") }
        var buffer: [UInt8] = encoding == "utf-8-bom" ? [0xEF, 0xBB, 0xBF] : []
        buffer.reserveCapacity(1 << 22)
        func flush() throws {
            let bytes = encoding == "gb18030" ? try Iconv.convert(buffer, from: "UTF-8", to: "GB18030") : buffer
            try handle.write(contentsOf: bytes)
            buffer.removeAll(keepingCapacity: true)
        }
        appendRecord(table.columns, to: &buffer)
        for i in 0..<table.rowCount {
            var cells = table.row(i)
            if i == raggedRow { cells.append("多余的一列") }
            appendRecord(cells, to: &buffer)
            if buffer.count > 1 << 22 { try flush() }
        }
        try flush()
        try handle.close()
        try replace(url, with: tmp)
    }

    static func appendRecord(_ cells: [String?], to out: inout [UInt8]) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            guard let cell else { continue }
            let bytes = Array(cell.utf8)
            if bytes.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) {
                out.append(UInt8(ascii: "\""))
                for b in bytes {
                    if b == UInt8(ascii: "\"") { out.append(b) }
                    out.append(b)
                }
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(contentsOf: bytes)
            }
        }
        out.append(contentsOf: [13, 10])
    }

    /// One JSON object per line.
    public static func ndjson(_ table: DemoTable, to url: URL) throws {
        var out = ""
        for i in 0..<table.rowCount {
            let row = table.row(i)
            let pairs = zip(table.columns, row).map { column, value in
                "\(jsonString(column)):\(value.map(jsonString) ?? "null")"
            }
            out += "{" + pairs.joined(separator: ",") + "}\n"
        }
        let tmp = url.appendingPathExtension("tmp")
        try Data(out.utf8).write(to: tmp)
        try replace(url, with: tmp)
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// A SQLite database with one table; every column TEXT except those in `integerColumns`.
    public static func sqlite(_ table: DemoTable, to url: URL, integerColumns: Set<String> = []) throws {
        let tmp = url.appendingPathExtension("tmp")
        try? FileManager.default.removeItem(at: tmp)
        var db: OpaquePointer?
        guard sqlite3_open(tmp.path, &db) == SQLITE_OK, let db else { throw ODPError.io(tmp.path, "cannot create SQLite file") }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                throw ODPError.io(tmp.path, String(cString: sqlite3_errmsg(db)))
            }
        }
        let columns = table.columns.map { "\"\($0)\" \(integerColumns.contains($0) ? "INTEGER" : "TEXT")" }
        try exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; CREATE TABLE \"\(table.name)\" (\(columns.joined(separator: ", ")))")
        try exec("BEGIN")
        var stmt: OpaquePointer?
        let placeholders = Array(repeating: "?", count: table.columns.count).joined(separator: ",")
        guard sqlite3_prepare_v2(db, "INSERT INTO \"\(table.name)\" VALUES (\(placeholders))", -1, &stmt, nil) == SQLITE_OK else {
            throw ODPError.io(tmp.path, String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(stmt) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for i in 0..<table.rowCount {
            for (c, value) in table.row(i).enumerated() {
                if let value {
                    if integerColumns.contains(table.columns[c]), let n = Int64(value) {
                        sqlite3_bind_int64(stmt, Int32(c + 1), n)
                    } else {
                        sqlite3_bind_text(stmt, Int32(c + 1), value, -1, transient)
                    }
                } else {
                    sqlite3_bind_null(stmt, Int32(c + 1))
                }
            }
            guard sqlite3_step(stmt) == SQLITE_DONE else { throw ODPError.io(tmp.path, String(cString: sqlite3_errmsg(db))) }
            sqlite3_reset(stmt)
        }
        try exec("COMMIT")
        try replace(url, with: tmp)
    }

    static func replace(_ url: URL, with tmp: URL) throws {
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        try FileManager.default.moveItem(at: tmp, to: url)
    }
}

/// glibc iconv for the GB18030 demo file drop.
enum Iconv {
    static func convert(_ input: [UInt8], from: String, to: String) throws -> [UInt8] {
        let cd = iconv_open(to, from)
        guard cd != iconv_t(bitPattern: -1) else { throw ODPError.usage("iconv cannot convert \(from) to \(to)") }
        defer { iconv_close(cd) }
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var input = input
        let written: Int = try input.withUnsafeMutableBufferPointer { inBuf in
            try output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                if inLeft > 0, iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) == -1 {
                    throw ODPError.usage("iconv failed converting demo text to \(to)")
                }
                return outBuf.count - outLeft
            }
        }
        return Array(output[0..<written])
    }
}

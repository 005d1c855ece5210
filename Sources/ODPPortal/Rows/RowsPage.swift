import CSQLite
import Foundation
import Hummingbird
import ODPCore

/// One page of rows, typed by the schema, and where the next page starts.
struct RowsPage {
    var rows: [ArtifactJSON] = []
    /// Each row's values in column order, for CSV.
    var values: [[RowsDatabase.Value]] = []
    /// The last row's rowid and sort keys, when more rows follow.
    var last: (rowid: Int64, keys: [RowsDatabase.Value])?
    let columns: [RowsDatabase.Field]

    init(query: RowsQuery, database: RowsDatabase, sql: String, values parameters: [RowsDatabase.Value]) throws {
        columns = query.columns
        let sortCount = query.sort.count
        var pending: (rowid: Int64, keys: [RowsDatabase.Value])?
        var more = false
        try database.query(sql, parameters) { s in
            guard rows.count < query.limit else { more = true; return }
            let keys = (0..<sortCount).map { RowsDatabase.value(s, Int32(1 + $0)) }
            pending = (sqlite3_column_int64(s, 0), keys)
            var object: [String: ArtifactJSON] = [:]
            var line: [RowsDatabase.Value] = []
            for (i, field) in columns.enumerated() {
                let v = RowsDatabase.value(s, Int32(1 + sortCount + i))
                line.append(v)
                object[field.name] = Self.json(v, field.type)
            }
            rows.append(.object(object))
            values.append(line)
        }
        last = more ? pending : nil
    }

    static func json(_ v: RowsDatabase.Value, _ type: FieldType) -> ArtifactJSON {
        switch v {
        case .null: .null
        case .int(let n): type == .boolean && (n == 0 || n == 1) ? .bool(n == 1) : .int(n)
        case .double(let d): .double(d)
        case .text(let t): .string(t)
        }
    }

    /// RFC 4180 with a header of field names; text starting like a formula gets the `'` the
    /// release's CSV gives it, so both CSVs are the same values.
    func csv(next: String?) -> Response {
        var out = columns.map { Self.cell($0.name, neutralise: false) }.joined(separator: ",") + "\r\n"
        for line in values {
            out += zip(line, columns).map { v, f in
                switch v {
                case .null: ""
                case .int(let n): f.type == .boolean && (n == 0 || n == 1) ? (n == 1 ? "true" : "false") : String(n)
                case .double(let d): Self.number(d)
                case .text(let t): Self.cell(t, neutralise: [.string, .code].contains(f.type))
                }
            }.joined(separator: ",") + "\r\n"
        }
        var headers: HTTPFields = [.contentType: "text/csv; charset=utf-8"]
        if let next { headers[HeaderName.nextCursor] = next }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: out)))
    }

    static func number(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }

    static func cell(_ text: String, neutralise: Bool) -> String {
        var t = text
        if neutralise, let first = t.utf8.first, [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains(first) { t = "'" + t }
        guard t.utf8.contains(where: { $0 == 0x22 || $0 == 0x2C || $0 == 0x0A || $0 == 0x0D }) else { return t }
        return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

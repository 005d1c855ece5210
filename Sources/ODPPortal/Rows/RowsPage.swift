import CSQLite
import Foundation
import Hummingbird
import ODPCore

/// One page of rows, typed by the schema, and where the next page starts.
struct RowsPage {
    /// Each row's values in column order.
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
            guard values.count < query.limit else { more = true; return }
            pending = (sqlite3_column_int64(s, 0), (0..<sortCount).map { RowsDatabase.value(s, Int32(1 + $0)) })
            values.append((0..<columns.count).map { RowsDatabase.value(s, Int32(1 + sortCount + $0)) })
        }
        last = more ? pending : nil
    }

    /// The JSON answer, written straight to bytes: through `ArtifactJSON` and `JSONEncoder`
    /// it was a sixth of the API's time. Each row's keys follow the columns asked for.
    func json(dataset: String, version: String, limit: Int, next: String?, nextLink: String?) -> Response {
        var out: [UInt8] = []
        out.reserveCapacity(256 + values.count * columns.count * 24)
        func key(_ name: String) { JSONText.append(name, to: &out); out.append(0x3A) }
        func text(_ value: String?) { if let value { JSONText.append(value, to: &out) } else { out.append(contentsOf: "null".utf8) } }
        out.append(0x7B)
        key("dataset"); text(dataset); out.append(0x2C)
        key("version"); text(version); out.append(0x2C)
        key("fields"); out.append(0x5B)
        for (i, f) in columns.enumerated() {
            if i > 0 { out.append(0x2C) }
            out.append(0x7B)
            key("name"); text(f.name); out.append(0x2C)
            key("title"); text(f.title); out.append(0x2C)
            key("type"); text(f.type.rawValue); out.append(0x2C)
            key("filterable"); out.append(contentsOf: (f.indexed ? "true" : "false").utf8)
            out.append(0x7D)
        }
        out.append(0x5D); out.append(0x2C)
        key("count"); out.append(contentsOf: String(values.count).utf8); out.append(0x2C)
        key("limit"); out.append(contentsOf: String(limit).utf8); out.append(0x2C)
        key("next_cursor"); text(next); out.append(0x2C)
        key("next"); text(nextLink); out.append(0x2C)
        let names = columns.map { JSONText.quoted($0.name) + [0x3A] }
        key("rows"); out.append(0x5B)
        for (r, line) in values.enumerated() {
            if r > 0 { out.append(0x2C) }
            out.append(0x7B)
            for (i, v) in line.enumerated() {
                if i > 0 { out.append(0x2C) }
                out += names[i]
                switch v {
                case .null: out.append(contentsOf: "null".utf8)
                case .int(let n): out.append(contentsOf: Self.integer(n, columns[i].type).utf8)
                // JSON has no NaN or infinity; SQLite REAL can hold them.
                case .double(let d): out.append(contentsOf: (d.isFinite ? Self.number(d) : "null").utf8)
                case .text(let t): JSONText.append(t, to: &out)
                }
            }
            out.append(0x7D)
        }
        out.append(0x5D); out.append(0x7D)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: out)))
    }

    /// An integer cell as JSON or CSV text: booleans are stored as 0/1.
    static func integer(_ n: Int64, _ type: FieldType) -> String {
        type == .boolean && (n == 0 || n == 1) ? (n == 1 ? "true" : "false") : String(n)
    }

    /// RFC 4180 with a header of field names; text starting like a formula gets the `'` the
    /// release's CSV gives it, so both CSVs are the same values.
    func csv(next: String?) -> Response {
        var out = columns.map { Self.cell($0.name, neutralise: false) }.joined(separator: ",") + "\r\n"
        for line in values {
            out += zip(line, columns).map { v, f in
                switch v {
                case .null: ""
                case .int(let n): Self.integer(n, f.type)
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

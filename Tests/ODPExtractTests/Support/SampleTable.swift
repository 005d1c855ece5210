import CSQLite
import Foundation
import ODPCore

/// One small table with the hard cases (Chinese text, decimals, dates, nulls, quotes,
/// commas and line breaks inside text) and writers for every source format.
enum SampleTable {
    static let names = ["id", "name", "amount", "born", "note"]
    static let titles = ["编号", "姓名", "金额", "出生日期", "备注"]
    static let rows: [[String?]] = [
        ["1", "张三", "0.3", "2024-01-02", "含有,逗号"],
        ["2", "李四 \"老李\"", "12.50", "1999-12-31", nil],
        ["3", "王五\n第二行", "-7", "2000-02-29", "引号\"和,逗号\r\n换行"],
        ["4", "赵六", nil, nil, "普通"],
        ["5", "𠮷野家", "1234567.89", "1970-01-01", "  前后空格  "],
    ]

    static let fields = [
        "{name: id, title: 编号, type: integer, class: public}",
        "{name: name, title: 姓名, type: string, class: public}",
        "{name: amount, title: 金额, type: number, scale: 2, class: public}",
        "{name: born, title: 出生日期, type: date, class: public}",
        "{name: note, title: 备注, type: string, class: public}",
    ]

    /// Numbers compared at the field's scale: 12.5 in a spreadsheet is 12.50 in CSV.
    static func normalized(_ rows: [[String?]]) -> [[String?]] {
        rows.map { row in row.enumerated().map { i, v in i == 2 ? v.flatMap { DecimalText.normalize($0, scale: 2) } : v } }
    }

    static func csv(headers: [String], lineEnd: String = "\r\n") -> String {
        func quote(_ v: String?) -> String {
            guard let v else { return "" }
            if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
                return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return v
        }
        return ([headers] + rows.map { $0.map(quote) }).map { $0.joined(separator: ",") }.joined(separator: lineEnd) + lineEnd
    }

    static func jsonValue(_ v: String?, column: Int) -> String {
        guard let v else { return "null" }
        if column == 0 || column == 2 { return v }
        let data = try! JSONSerialization.data(withJSONObject: [v], options: [.withoutEscapingSlashes])
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    static func ndjson() -> String {
        rows.map { row in
            "{" + row.indices.map { "\"\(names[$0])\": \(jsonValue(row[$0], column: $0))" }.joined(separator: ", ") + "}"
        }.joined(separator: "\n") + "\n"
    }

    static func jsonArray() -> String {
        "[\n" + rows.map { row in
            "  {\n" + row.indices.map { "    \"\(names[$0])\" : \(jsonValue(row[$0], column: $0))" }.joined(separator: ",\n") + "\n  }"
        }.joined(separator: ",\n") + "\n]\n"
    }

    static func xlsx() -> [UInt8] {
        var w = XLSXWriter()
        w.styles = [0, 14]
        var shared: [String] = []
        func sharedIndex(_ s: String) -> Int {
            if let i = shared.firstIndex(of: s) { return i }
            shared.append(s)
            return shared.count - 1
        }
        let letters = ["A", "B", "C", "D", "E"]
        var xml = "<row r=\"1\">" + titles.enumerated().map { "<c r=\"\(letters[$0])1\" t=\"s\"><v>\(sharedIndex($1))</v></c>" }.joined() + "</row>"
        for (r, row) in rows.enumerated() {
            let n = r + 2
            xml += "<row r=\"\(n)\" spans=\"1:5\">"
            for (c, value) in row.enumerated() {
                guard let value else { continue }  // a gap, as Excel leaves empty cells out
                let ref = "\(letters[c])\(n)"
                switch c {
                case 0: xml += "<c r=\"\(ref)\"><v>\(value)</v></c>"
                case 2:
                    // Excel writes 17 significant digits: 0.3 is stored as 0.29999999999999999.
                    let stored = value == "0.3" ? "0.29999999999999999" : value
                    xml += "<c r=\"\(ref)\" s=\"0\"><v>\(stored)</v></c>"
                case 3: xml += "<c r=\"\(ref)\" s=\"1\"><v>\(serial(value))</v></c>"
                case 4 where r == 2:
                    // Excel escapes a carriage return as _x000D_.
                    let text = w.escape(value).replacingOccurrences(of: "\r", with: "_x000D_")
                    xml += "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>"
                default: xml += "<c r=\"\(ref)\" t=\"s\"><v>\(sharedIndex(value))</v></c>"
                }
            }
            xml += "</row>"
        }
        w.sharedStrings = shared
        w.sheets = [("说明", "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>不是这张表</t></is></c></row>"), ("人员", xml)]
        return w.data()
    }

    /// Days since 1899-12-30 (Excel's 1900 system for dates after February 1900).
    static func serial(_ iso: String) -> Int {
        let p = iso.split(separator: "-").map { Int($0)! }
        var comps = DateComponents()
        comps.year = p[0]; comps.month = p[1]; comps.day = p[2]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: comps)!
        let epoch = calendar.date(from: DateComponents(year: 1899, month: 12, day: 30))!
        return Int((date.timeIntervalSince(epoch) / 86_400).rounded())
    }

    static func sqlite(at path: String) throws {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw ODPError.io(path, "open") }
        defer { sqlite3_close(db) }
        sqlite3_exec(db, "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, amount REAL, born TEXT, note TEXT)", nil, nil, nil)
        var stmt: OpaquePointer?
        sqlite3_prepare_v2(db, "INSERT INTO people VALUES (?1, ?2, ?3, ?4, ?5)", -1, &stmt, nil)
        defer { sqlite3_finalize(stmt) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for row in rows {
            sqlite3_reset(stmt)
            for (i, v) in row.enumerated() {
                if let v {
                    if i == 0 { sqlite3_bind_int64(stmt, 1, Int64(v)!) } else if i == 2 { sqlite3_bind_double(stmt, 3, Double(v)!) } else {
                        sqlite3_bind_text(stmt, Int32(i + 1), v, -1, transient)
                    }
                } else {
                    sqlite3_bind_null(stmt, Int32(i + 1))
                }
            }
            guard sqlite3_step(stmt) == SQLITE_DONE else { throw ODPError.io(path, String(cString: sqlite3_errmsg(db))) }
        }
    }
}

import Foundation
import ODPCore

/// A rows request checked against one version's fields: every field name it uses is one of
/// the schema's (and is then quoted), every value is a bound parameter of the field's type.
///
/// `field=value`, `field__gte|__gt|__lte|__lt|__ne=value`, `field__in=a,b`; `fields=a,b`;
/// `sort=a,-b`; `limit=n` (1…`maxLimit`); `cursor=…`; `format=json|csv`.
struct RowsQuery {
    enum Operator: String, CaseIterable { case eq, gte, gt, lte, lt, ne, `in` }

    struct Filter {
        var field: RowsDatabase.Field
        var op: Operator
        var values: [RowsDatabase.Value]
    }

    static let defaultLimit = 100
    static let maxLimit = 1000
    static let maxFilters = 20
    static let maxInValues = 100
    static let maxSortKeys = 3
    static let maxValueBytes = 1000
    static let reserved: Set<String> = ["fields", "sort", "limit", "cursor", "format"]

    var filters: [Filter] = []
    /// Columns answered, in the order asked (all fields by default).
    var columns: [RowsDatabase.Field]
    var sort: [(field: RowsDatabase.Field, descending: Bool)] = []
    var limit = defaultLimit
    var csv = false
    var cursorText: String?

    init(parameters: [(String, String)], fields: [RowsDatabase.Field], accept: String?) throws {
        columns = fields
        var seen = Set<String>()
        func field(_ name: String, _ parameter: String) throws -> RowsDatabase.Field {
            guard let f = fields.first(where: { $0.name == name }) else {
                throw RowsAPIError.bad("unknown_field", "参数 \(parameter)：没有名为 \(Self.shown(name)) 的字段（可用字段见 fields 或 /api/datasets/{id}）")
            }
            return f
        }
        for (key, value) in parameters {
            guard seen.insert(key).inserted else { throw RowsAPIError.bad("duplicate_parameter", "参数 \(Self.shown(key)) 重复出现") }
            switch key {
            case "fields":
                let names = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard !names.isEmpty, !names.contains("") else { throw RowsAPIError.bad("bad_fields", "fields 应为逗号分隔的字段名") }
                columns = try names.map { try field($0, "fields") }
            case "sort":
                let keys = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard keys.count <= Self.maxSortKeys, !keys.contains(""), !keys.isEmpty else {
                    throw RowsAPIError.bad("bad_sort", "sort 应为 1 至 \(Self.maxSortKeys) 个逗号分隔的字段名，降序在前面加 -")
                }
                for k in keys {
                    let descending = k.hasPrefix("-")
                    let f = try field(descending ? String(k.dropFirst()) : k, "sort")
                    guard f.indexed else { throw RowsAPIError.bad("field_not_sortable", "字段 \(Self.shown(f.name)) 未建索引，不能排序（只能按主键和可筛选字段排序）") }
                    guard !sort.contains(where: { $0.field.name == f.name }) else { throw RowsAPIError.bad("bad_sort", "sort 中字段 \(Self.shown(f.name)) 重复") }
                    sort.append((f, descending))
                }
            case "limit":
                guard let n = Int(value), n >= 1 else { throw RowsAPIError.bad("bad_limit", "limit 应为 1 至 \(Self.maxLimit) 的整数") }
                guard n <= Self.maxLimit else { throw RowsAPIError.bad("limit_too_large", "limit 最大为 \(Self.maxLimit)，请用 cursor 翻页") }
                limit = n
            case "cursor":
                cursorText = value
            case "format":
                guard value == "json" || value == "csv" else { throw RowsAPIError.bad("bad_format", "format 只能是 json 或 csv") }
                csv = value == "csv"
            default:
                var name = key
                var op = Operator.eq
                if let range = key.range(of: "__", options: .backwards) {
                    guard let o = Operator(rawValue: String(key[range.upperBound...])), o != .eq else {
                        throw RowsAPIError.bad("bad_operator", "参数 \(Self.shown(key))：不支持的运算符，可用 __gte、__gt、__lte、__lt、__ne、__in")
                    }
                    op = o
                    name = String(key[..<range.lowerBound])
                }
                let f = try field(name, Self.shown(key))
                guard f.indexed else {
                    throw RowsAPIError.bad("field_not_filterable", "字段 \(Self.shown(f.name)) 未标记为可筛选（filterable），不能作为条件；可用主键和可筛选字段")
                }
                guard filters.count < Self.maxFilters else { throw RowsAPIError.bad("too_many_filters", "条件最多 \(Self.maxFilters) 个") }
                let texts = op == .in ? value.split(separator: ",", omittingEmptySubsequences: false).map(String.init) : [value]
                guard texts.count <= Self.maxInValues else { throw RowsAPIError.bad("too_many_values", "__in 最多 \(Self.maxInValues) 个值") }
                filters.append(Filter(field: f, op: op, values: try texts.map { try Self.value($0, of: f) }))
            }
        }
        if parameters.first(where: { $0.0 == "format" }) == nil, let accept, accept.contains("text/csv") { csv = true }
    }

    /// A request value as the field's type; 400 `bad_value` for text that is not one.
    static func value(_ text: String, of field: RowsDatabase.Field) throws -> RowsDatabase.Value {
        guard text.utf8.count <= maxValueBytes else { throw RowsAPIError.bad("value_too_long", "字段 \(shown(field.name)) 的条件值超过 \(maxValueBytes) 字节") }
        switch field.type {
        case .integer:
            guard let v = Int64(text) else { throw RowsAPIError.bad("bad_value", "字段 \(shown(field.name)) 是整数（integer），条件值应为整数") }
            return .int(v)
        case .number:
            guard let v = Double(text), v.isFinite, text.utf8.allSatisfy({ $0 != 0x78 && $0 != 0x58 }) else {
                throw RowsAPIError.bad("bad_value", "字段 \(shown(field.name)) 是数值（number），条件值应为数字")
            }
            return .double(v)
        case .boolean:
            switch text {
            case "true", "1": return .int(1)
            case "false", "0": return .int(0)
            default: throw RowsAPIError.bad("bad_value", "字段 \(shown(field.name)) 是布尔值（boolean），条件值应为 true 或 false")
            }
        default:
            return .text(text)
        }
    }

    /// A client-sent name in a message: at most 64 characters, without control characters.
    static func shown(_ name: String) -> String {
        let clean = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(64).map(Character.init))
        return "「\(clean)」"
    }

    /// The query's identity (filters and sort, not columns or limit): a cursor is valid only for it.
    func fingerprint(version: String) -> String {
        var text = version + "\n"
        for f in filters { text += "\(f.field.name)\u{1}\(f.op.rawValue)\u{1}\(f.values.map { "\($0)" }.joined(separator: "\u{2}"))\n" }
        text += sort.map { ($0.descending ? "-" : "+") + $0.field.name }.joined(separator: ",")
        return String(SHA256Hex.of(Array(text.utf8)).prefix(16))
    }

    /// Ties are broken by rowid in the direction of the last sort key. A field's index holds
    /// (value, rowid), so `-day` with rowid descending is that index read backwards; with rowid
    /// ascending SQLite would sort every row sharing a day (30,000 per page at 10M rows).
    var tieDescending: Bool { sort.last?.descending ?? false }

    /// `SELECT rowid, <sort keys>, <columns> … ORDER BY <sort>, rowid LIMIT limit+1`, with its parameters.
    func sql(after cursor: RowsCursor?) -> (String, [RowsDatabase.Value]) {
        let q = RowsDatabaseLayout.quoted
        var parameters: [RowsDatabase.Value] = []
        var conditions: [String] = []
        for f in filters {
            let column = q(f.field.name)
            switch f.op {
            case .eq: conditions.append("\(column) = ?")
            case .gte: conditions.append("\(column) >= ?")
            case .gt: conditions.append("\(column) > ?")
            case .lte: conditions.append("\(column) <= ?")
            case .lt: conditions.append("\(column) < ?")
            case .ne: conditions.append("\(column) <> ?")
            case .in: conditions.append("\(column) IN (\(Array(repeating: "?", count: f.values.count).joined(separator: ",")))")
            }
            parameters += f.values
        }
        if let cursor {
            // Keyset: rows after the cursor's in (sort keys…, rowid) order. SQLite puts NULL
            // first ascending and last descending; the terms follow that.
            var alternatives: [String] = []
            var equalSoFar: [String] = []
            var equalParameters: [RowsDatabase.Value] = []
            for (i, key) in sort.enumerated() {
                let column = q(key.field.name)
                let v = cursor.keys[i]
                let after: String
                switch (v, key.descending) {
                case (.null, false): after = "\(column) IS NOT NULL"
                case (.null, true): after = "0"
                case (_, false): after = "\(column) > ?"
                case (_, true): after = "(\(column) < ? OR \(column) IS NULL)"
                }
                alternatives.append("(" + (equalSoFar + [after]).joined(separator: " AND ") + ")")
                parameters += equalParameters
                if v != .null { parameters.append(v) }
                equalSoFar.append(v == .null ? "\(column) IS NULL" : "\(column) = ?")
                if v != .null { equalParameters.append(v) }
            }
            alternatives.append("(" + (equalSoFar + [tieDescending ? "rowid < ?" : "rowid > ?"]).joined(separator: " AND ") + ")")
            parameters += equalParameters + [.int(cursor.rowid)]
            conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        let selected = (["rowid"] + sort.map { q($0.field.name) } + columns.map { q($0.name) }).joined(separator: ", ")
        let order = (sort.map { q($0.field.name) + ($0.descending ? " DESC" : "") } + [tieDescending ? "rowid DESC" : "rowid"]).joined(separator: ", ")
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        parameters.append(.int(Int64(limit + 1)))
        return ("SELECT \(selected) FROM \(q(RowsDatabaseLayout.rowsTable))\(whereClause) ORDER BY \(order) LIMIT ?", parameters)
    }
}

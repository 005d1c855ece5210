import Foundation
import ODPCore

/// The typed columns of one released table, from the Table Schema in datapackage.json, and
/// the SQL that creates, loads and checks it.
///
/// | Frictionless type | column type | why |
/// | --- | --- | --- |
/// | `string` | `text` | |
/// | `integer` | `bigint` | the release writes plain digits |
/// | `number` | `numeric` | keeps the published digits and scale exactly |
/// | `boolean` | `boolean` | the release writes `true`/`false` |
/// | `date` | `date` | the release writes ISO 8601 |
/// | others (`datetime`, `time`, `year`, `yearmonth`) | `text` | kept as published (a date-time keeps its offset); cast in SQL when needed |
///
/// A value the release kept as text because it did not parse (a `number` cell `暂无`) does not
/// fit its column: the load fails naming the line and field, and nothing is switched.
struct DatabaseTable {
    struct Column {
        var name: String
        var title: String
        var type: String
    }

    let columns: [Column]

    init(fields: [DataPackageDescriptor.Field]) {
        columns = fields.map { Column(name: DatabaseNames.column($0.name), title: $0.title, type: Self.sqlType($0.type)) }
    }

    static func sqlType(_ frictionless: String) -> String {
        switch frictionless {
        case "string": return "text"
        case "integer": return "bigint"
        case "number": return "numeric"
        case "boolean": return "boolean"
        case "date": return "date"
        default: return "text"
        }
    }

    /// Names that PostgreSQL would see as one (fitted to 63 bytes alike): refused rather than guessed.
    var duplicateColumn: String? {
        var seen = Set<String>()
        return columns.first { !seen.insert($0.name).inserted }?.name
    }

    func create(_ table: String) -> String {
        "CREATE TABLE \(table) (" + columns.map { "\(DatabaseNames.quote($0.name)) \($0.type)" }.joined(separator: ", ") + ")"
    }

    /// Column comments carry the Chinese titles, so the platform's tools show them.
    func comments(_ table: String) -> [String] {
        columns.map { "COMMENT ON COLUMN \(table).\(DatabaseNames.quote($0.name)) IS \(DatabaseNames.literal($0.title))" }
    }

    /// CSV as the release writes it: a header line, and an unquoted empty cell is NULL
    /// (Frictionless `missingValues: [""]`).
    func copy(_ table: String) -> String {
        "COPY \(table) FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
    }

    /// Row count and checksum (`CSVRecordChecksum.text`) of a loaded table: each row is
    /// formatted back to the CSV record the release wrote (quoted only when it holds `,` `"`
    /// CR or LF, NULL as an empty cell) and hashed as UTF-8 whatever the server's encoding.
    func checksumQuery(_ table: String) -> String {
        let record = columns.isEmpty ? "''" : columns.map { Self.cell(text(of: $0)) }.joined(separator: " || ',' || ")
        let head = "('x' || substr(md5(convert_to(\(record), 'UTF8')), 1, 16))::bit(64)::bigint"
        let modulus = "18446744073709551616::numeric"
        return "SELECT count(*)::text || ':' || coalesce((((sum(\(head)) % \(modulus)) + \(modulus)) % \(modulus))::text, '0') FROM \(table)"
    }

    /// A column's value as the release's text: numbers and dates print as written (DateStyle
    /// is ISO on this connection), booleans as `true`/`false`.
    private func text(of column: Column) -> String {
        let c = DatabaseNames.quote(column.name)
        switch column.type {
        case "text": return c
        case "boolean": return "(CASE \(c) WHEN true THEN 'true' WHEN false THEN 'false' END)"
        case "date": return "to_char(\(c), 'YYYY-MM-DD')"
        default: return "\(c)::text"
        }
    }

    private static func cell(_ value: String) -> String {
        "(CASE WHEN \(value) IS NULL THEN '' WHEN \(value) ~ '[\",\\r\\n]' THEN '\"' || replace(\(value), '\"', '\"\"') || '\"' ELSE \(value) END)"
    }
}

/// The layout of a release's SQLite file (`data/<id>.sqlite`), shared by the writer
/// (ODPRelease) and the portal's rows API (ODPPortal), so neither guesses the other's names.
///
/// - table `rows`: one row per released record, in the CSV's order (rowid 1…n), one column
///   per field named as the field; `integer` and `boolean` are INTEGER, `number` REAL, the
///   rest TEXT (dates ISO 8601, as in the CSV), null cells NULL.
/// - table `odp_fields`: `position, name, title, type, filterable, primary_key`, one row per
///   field in schema order; the portal validates every requested field name against it.
/// - an index `rows_pk` on the primary key and `rows_f<position>` on each filterable field.
public enum RowsDatabaseLayout {
    public static let rowsTable = "rows"
    public static let fieldsTable = "odp_fields"
    /// Set before the first table so equal input gives equal bytes on every machine.
    public static let pageSize = 4096
    /// The file's `user_version`: bumped when this layout changes, checked by the reader.
    public static let version = 1

    /// The SQLite column type of a field.
    public static func columnType(_ type: FieldType) -> String {
        switch type {
        case .integer, .boolean: "INTEGER"
        case .number: "REAL"
        default: "TEXT"
        }
    }

    /// An SQL identifier in double quotes (`"` doubled). Only names taken from the schema
    /// reach it; request text never does.
    public static func quoted(_ name: String) -> String {
        "\"" + (name.utf8.contains(0x22) ? name.replacingOccurrences(of: "\"", with: "\"\"") : name) + "\""
    }
}

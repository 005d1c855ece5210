import ODPCore

/// SQL text shared by the SQLite and PostgreSQL sources and the staging store.
enum SQLText {
    /// `schema.table` is quoted part by part; a name holding a dot must be written as a query.
    static func quoteIdentifier(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false)
            .map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            .joined(separator: ".")
    }

    /// The source column behind the watermark: a field's `source` name, else the name as written.
    static func watermarkColumn(_ watermark: String, in definition: DatasetDefinition) -> String {
        if let field = definition.schema.fields.first(where: { $0.name == watermark }) { return field.source ?? field.name }
        return watermark
    }
}

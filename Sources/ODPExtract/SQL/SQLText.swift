import ODPCore

/// SQL text shared by the SQLite and PostgreSQL sources and the staging store.
enum SQLText {
    /// The source's query, wrapped in a watermark filter when reading incrementally.
    /// `placeholder` makes the dialect's n-th parameter (`$n` for PostgreSQL, `?n` for SQLite).
    static func sourceQuery(_ definition: DatasetDefinition, since: String?, placeholder: (Int) -> String) -> (sql: String, parameters: [String]) {
        let spec = definition.source
        let base = spec.query ?? "SELECT * FROM \(quoteIdentifier(spec.table ?? ""))"
        var parameters = spec.parameters
        guard let incremental = spec.incremental, let since else { return (base, parameters) }
        let column = watermarkColumn(incremental.watermark, in: definition)
        parameters.append(since)
        return ("SELECT * FROM (\(base)) AS odp_source WHERE \(quoteIdentifier(column)) > \(placeholder(parameters.count))", parameters)
    }

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

import ODPCore

/// SQL text shared by the SQLite and PostgreSQL sources and the staging store.
enum SQLText {
    /// The source's query, wrapped in the read window when reading incrementally: rows at or
    /// after `since` (the window start), and rows whose watermark is NULL, which
    /// `null_watermark` then treats as changed, rejects or fails on. `filter` (a condition on
    /// the source's columns, for reconciliation) narrows it further, and `order` sorts it.
    /// `placeholder` makes the dialect's n-th parameter (`$n` for PostgreSQL, `?n` for SQLite).
    /// `textWatermark` (SQLite, whose columns take any value) also counts an empty text
    /// watermark as NULL, as the reader does; PostgreSQL cannot compare a timestamp with ''.
    static func sourceQuery(_ definition: DatasetDefinition, since: String?, filter: String? = nil, order: String? = nil, textWatermark: Bool = false,
                            placeholder: (Int) -> String) -> (sql: String, parameters: [String]) {
        let spec = definition.source
        let base = baseQuery(definition)
        var parameters = spec.parameters
        var conditions: [String] = []
        if let incremental = spec.incremental, let since {
            let column = quoteIdentifier(watermarkColumn(incremental.watermark, in: definition))
            parameters.append(since)
            let empty = textWatermark ? " OR \(column) = ''" : ""
            conditions.append("(\(column) >= \(placeholder(parameters.count)) OR \(column) IS NULL\(empty))")
        }
        if let filter { conditions.append("(\(filter))") }
        guard !conditions.isEmpty || order != nil else { return (base, parameters) }
        let clause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return ("SELECT * FROM (\(base)) AS odp_source" + clause + (order.map { " ORDER BY \($0)" } ?? ""), parameters)
    }

    /// The table or query as written, without the window.
    static func baseQuery(_ definition: DatasetDefinition) -> String {
        definition.source.query ?? "SELECT * FROM \(quoteIdentifier(definition.source.table ?? ""))"
    }

    /// A column name as one quoted identifier (result columns may hold dots).
    static func quoteColumn(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
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

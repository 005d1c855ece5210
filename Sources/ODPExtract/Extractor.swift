import Foundation
import ODPCore

/// Opens department sources as `RowSource`s and checks the source part of definitions.
public enum Extractor {
    /// Opens the dataset's source.
    ///
    /// Columns map to the schema's fields in order, by `field.source`, else `field.name`,
    /// else `field.title` (the Chinese header), exact match after trimming and BOM removal.
    /// Every row carries its source position: CSV line of the record start, sheet row,
    /// JSON record number, SQL row ordinal.
    ///
    /// ## Edge behaviour
    /// - Empty cells (CSV, XLSX, empty SQL text, JSON `""`) and nulls become null.
    /// - With `source.incremental` and a non-nil `since`, only rows whose watermark is greater
    ///   are read (SQL: a WHERE clause with a bound parameter; files: filtered while reading).
    /// - Throws `ODPError.source` when a field's column is missing (naming the file, the
    ///   field and the available columns) or the source cannot be opened.
    public static func open(_ definition: DatasetDefinition, since watermark: String?,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RowSource {
        let spec = definition.source
        let since = spec.incremental == nil ? nil : watermark
        switch spec.kind {
        case .postgres:
            return try PostgresSource(definition: definition, since: since, environment: environment)
        case .sqlite:
            return try SQLiteSource(definition: definition, path: try path(of: definition), since: since)
        case .csv:
            return try CSVSource(definition: definition, path: try path(of: definition), encoding: spec.encoding, since: since)
        case .xlsx:
            return try XLSXSource(definition: definition, path: try path(of: definition), since: since)
        case .json:
            return try JSONSource(definition: definition, path: try path(of: definition), layout: .array, since: since)
        case .ndjson:
            return try JSONSource(definition: definition, path: try path(of: definition), layout: .lines, since: since)
        }
    }

    private static func path(of definition: DatasetDefinition) throws -> String {
        guard let path = definition.source.path else {
            throw ODPError.source(definition.id, "\(definition.source.kind.rawValue) source without `path`")
        }
        let url = definition.resolve(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ODPError.source(definition.id, "source file not found: \(url.path)")
        }
        return url.path
    }

    /// Reads the header (or first record) of a local file source so a field whose column is
    /// missing, an undecidable encoding or a wrong sheet is reported by `odp validate`.
    private static func probe(_ definition: DatasetDefinition) -> Diagnostic? {
        var lenient = definition
        lenient.source.onError = .reject  // bad data rows are findings, not definition errors
        lenient.source.incremental = nil
        do {
            let source = try open(lenient, since: nil, environment: [:])
            defer { source.close() }
            _ = try source.next(maxRows: 1)
            return nil
        } catch {
            return Diagnostic(definition.source.location, "the source cannot be read as defined: \(error)",
                              hint: "check the fields' `source` / `name` / `title` against the file's columns, `sheet`, `encoding` and `skip_rows`")
        }
    }

    /// Definition checks for `odp validate` that only this stage knows. Touches local files
    /// only (does the file exist, do its columns match the fields), never a database.
    public static func validate(_ definition: DatasetDefinition) -> [Diagnostic] {
        let spec = definition.source
        let at = spec.location
        var out: [Diagnostic] = []
        if let path = spec.path, spec.kind != .postgres {
            let url = definition.resolve(path)
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
                out.append(Diagnostic(at, "source file `\(path)` does not exist (looked at \(url.path))",
                                      hint: "relative paths resolve against the folder of the definition file"))
            } else if isDirectory.boolValue {
                out.append(Diagnostic(at, "source path `\(path)` is a folder, not a file"))
            } else {
                if spec.kind == .xlsx, !url.path.lowercased().hasSuffix(".xlsx") {
                    out.append(Diagnostic(at, "`\(path)` does not look like an .xlsx file",
                                          hint: "old .xls files are not supported: save as .xlsx or export CSV", severity: .warning))
                }
                if let problem = probe(definition) { out.append(problem) }
            }
        }
        if spec.kind == .csv {
            if let quote = spec.quote, quote == spec.delimiter {
                out.append(Diagnostic(at, "source.quote and source.delimiter are the same character"))
            }
            if [0x0A, 0x0D].contains(spec.delimiter) {
                out.append(Diagnostic(at, "source.delimiter cannot be a line break"))
            }
        }
        if spec.kind == .postgres, let c = spec.connection {
            if c.password == nil {
                out.append(Diagnostic(at, "postgres connection has no `password`",
                                      hint: "use `password: env:NAME` or `file:path`; leave it out only for trust or certificate login",
                                      severity: .warning))
            }
            if let root = c.sslRootCert, !FileManager.default.fileExists(atPath: definition.resolve(root).path) {
                out.append(Diagnostic(at, "sslrootcert `\(root)` does not exist", hint: "relative paths resolve against the folder of the definition file"))
            }
            if ["verify-ca", "verify-full"].contains(c.sslMode), c.sslRootCert == nil {
                out.append(Diagnostic(at, "sslmode \(c.sslMode) needs `sslrootcert` to verify the server", severity: .warning))
            }
        }
        if let table = spec.table, table.isEmpty {
            out.append(Diagnostic(at, "source.table is empty"))
        }
        if let incremental = spec.incremental, incremental.deletedFlag != nil, definition.primaryKey.isEmpty {
            out.append(Diagnostic(at, "incremental.deleted_flag needs `primary_key` to say which rows were deleted"))
        }
        return out
    }
}

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
    /// - With `source.incremental` and a stored watermark, rows from the watermark less
    ///   `lookback` on are read, the bound included, and rows whose watermark is empty follow
    ///   `null_watermark` (SQL: a WHERE clause with a bound parameter; files: filtered while
    ///   reading). With `null_watermark: fail`, such a row stops the dataset.
    /// - Throws `ODPError.source` when a field's column is missing (naming the file, the
    ///   field and the available columns) or the source cannot be opened.
    public static func open(_ definition: DatasetDefinition, since watermark: String?,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RowSource {
        let start = definition.source.incremental.flatMap { inc in watermark.map { Watermark.windowStart($0, lookback: inc.lookback) } }
        let source = try open(definition, windowStart: start, environment: environment)
        guard definition.source.incremental?.nullWatermark == .fail else { return source }
        return NullWatermarkStop(base: source, definition: definition)
    }

    /// The source read from `windowStart` (inclusive, no lookback added), narrowed by `filter`
    /// and sorted by `order` (conditions and expressions on source columns; SQL sources only).
    static func open(_ definition: DatasetDefinition, windowStart: String?, filter: String? = nil, order: String? = nil,
                     environment: [String: String]) throws -> RowSource {
        let spec = definition.source
        let since = spec.incremental == nil ? nil : windowStart
        switch spec.kind {
        case .postgres:
            return try PostgresSource(definition: definition, since: since, filter: filter, order: order, environment: environment)
        case .sqlite:
            return try SQLiteSource(definition: definition, path: try path(of: definition), since: since, filter: filter, order: order)
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

    /// The later of two watermarks (numbers as numbers, other text as text); a read that
    /// found only older rows (its newest row deleted since) never moves the watermark back.
    public static func later(_ a: String?, _ b: String?) -> String? {
        guard let a, let b else { return a ?? b }
        return Watermark.compare(a, b) >= 0 ? a : b
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

    /// Opens the source and reads a sample of its rows, so that `odp validate` reports a
    /// missing file, a field whose column is missing, an undecidable encoding or a wrong sheet,
    /// and warns when sampled date and date-time values would not parse. Kept apart from
    /// `validate`: these are facts about today's source, not the definition, so `odp run` lets
    /// each dataset meet them in its own run, where they fail that dataset only. A PostgreSQL
    /// source is read in a read-only transaction; a server that cannot be reached from here is
    /// a warning, not an error.
    public static func probe(_ definition: DatasetDefinition,
                             environment: [String: String] = ProcessInfo.processInfo.environment) -> [Diagnostic] {
        let spec = definition.source
        if let path = spec.path, spec.kind != .postgres {
            let url = definition.resolve(path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                return [Diagnostic(spec.location, "source file `\(path)` does not exist (looked at \(url.path))",
                                   hint: "relative paths resolve against the folder of the definition file")]
            }
            if isDirectory.boolValue { return [Diagnostic(spec.location, "source path `\(path)` is a folder, not a file")] }
        } else if spec.kind != .postgres {
            return []
        }
        var lenient = definition
        lenient.source.onError = .reject  // bad data rows are findings, not definition errors
        lenient.source.incremental = nil
        do {
            let source = try open(lenient, since: nil, environment: spec.kind == .postgres ? environment : [:])
            defer { source.close() }
            guard let sample = try source.next(maxRows: sampleRows) else { return [] }
            return SampleCheck.diagnostics(definition, sample: sample)
        } catch {
            let message = "\(error)"
            return [Diagnostic(spec.location, "the source cannot be read as defined: \(message)", hint: hint(for: message),
                               severity: spec.kind == .postgres ? .warning : .error)]
        }
    }

    /// Rows `probe` reads to check values.
    static let sampleRows = 200

    /// Advice that fits the error at hand: a column hint on a locked database only misleads.
    private static func hint(for message: String) -> String? {
        if message.contains("available columns") || message.contains("available keys") || message.contains("columns but the dataset declares") {
            return "check the fields' `source` / `name` / `title` against the file's columns, the `delimiter` and `skip_rows`"
        }
        if message.contains("sheet") { return "check `sheet` against the workbook's sheet names" }
        if message.contains("encoding") || message.contains("decode") { return "declare `encoding:` (UTF-8 or GB18030) in the source" }
        return nil
    }

    /// Definition checks that only this stage knows, run whenever a workspace loads. They read
    /// the definition alone (sslrootcert aside), never the source: see `probe`.
    public static func validate(_ definition: DatasetDefinition) -> [Diagnostic] {
        let spec = definition.source
        let at = spec.location
        var out: [Diagnostic] = []
        if let path = spec.path, spec.kind == .xlsx, !path.lowercased().hasSuffix(".xlsx") {
            out.append(Diagnostic(at, "`\(path)` does not look like an .xlsx file",
                                  hint: "old .xls files are not supported: save as .xlsx or export CSV", severity: .warning))
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

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

    /// The stored watermark, or nil when it cannot start a window: PostgreSQL's `infinity` or
    /// a time after now (stored before `Watermark.storable` kept them out, or with a clock
    /// since set back). Nil makes the next read a full one, which repairs the staging copy.
    public static func usableWatermark(_ stored: String?, in definition: DatasetDefinition) -> String? {
        guard var text = stored else { return nil }
        let ceiling = Int(Date().timeIntervalSince1970)
        let usable = text.withUTF8 { Watermark.storable(UnsafeRawBufferPointer($0), zone: Watermark.zone(of: definition), ceiling: ceiling) }
        return usable ? stored : nil
    }

    /// The later of two watermarks of the dataset (numbers as numbers, date-times as moments,
    /// other text as text); a read that found only older rows (its newest row deleted since)
    /// never moves the watermark back.
    public static func later(_ a: String?, _ b: String?, in definition: DatasetDefinition) -> String? {
        guard let a, let b else { return a ?? b }
        return Watermark.compare(a, b, zone: Watermark.zone(of: definition)) >= 0 ? a : b
    }

    private static func path(of definition: DatasetDefinition) throws -> String {
        guard let path = definition.source.path else {
            throw ODPError.source(definition.id, "\(definition.source.kind.rawValue) 数据源缺少 `path`")
        }
        let url = definition.resolve(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ODPError.source(definition.id, "找不到数据源文件（file not found）：\(url.path)")
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
                return [Diagnostic(spec.location, "数据源文件 `\(path)` 不存在（does not exist，查找位置 \(url.path)）",
                                   hint: "相对路径以定义文件所在目录为起点")]
            }
            if isDirectory.boolValue { return [Diagnostic(spec.location, "source.path `\(path)` 是目录，不是文件（is a folder）")] }
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
            let problem = ODPError.from(error)
            return [Diagnostic(spec.location, "按定义无法读取数据源（source cannot be read）：\(problem.message)", hint: hint(for: problem.message),
                               severity: spec.kind == .postgres ? .warning : .error, code: problem.code)]
        }
    }

    /// Rows `probe` reads to check values.
    static let sampleRows = 200

    /// Advice that fits the error at hand: a column hint on a locked database only misleads.
    private static func hint(for message: String) -> String? {
        if message.contains("available columns") || message.contains("available keys") || message.contains("columns but the dataset declares") {
            return "对照文件的列检查各字段的 `source` / `name` / `title`，以及 `delimiter` 和 `skip_rows`"
        }
        if message.contains("sheet") { return "对照工作簿的工作表名称检查 `sheet`" }
        if message.contains("encoding") || message.contains("decode") { return "在 source 下声明 `encoding:`（utf-8 或 gb18030）" }
        return nil
    }

    /// Definition checks that only this stage knows, run whenever a workspace loads. They read
    /// the definition alone (sslrootcert aside), never the source: see `probe`.
    public static func validate(_ definition: DatasetDefinition) -> [Diagnostic] {
        let spec = definition.source
        let at = spec.location
        var out: [Diagnostic] = []
        if let path = spec.path, spec.kind == .xlsx, !path.lowercased().hasSuffix(".xlsx") {
            out.append(Diagnostic(at, "`\(path)` 看起来不是 .xlsx 文件",
                                  hint: "不支持旧的 .xls 格式：另存为 .xlsx 或导出 CSV", severity: .warning))
        }
        if spec.kind == .csv {
            if let quote = spec.quote, quote == spec.delimiter {
                out.append(Diagnostic(at, "source.quote 与 source.delimiter 是同一个字符"))
            }
            if [0x0A, 0x0D].contains(spec.delimiter) {
                out.append(Diagnostic(at, "source.delimiter 不能是换行符"))
            }
        }
        if spec.kind == .postgres, let c = spec.connection {
            if let root = c.sslRootCert, !FileManager.default.fileExists(atPath: definition.resolve(root).path) {
                out.append(Diagnostic(at, "sslrootcert `\(root)` 不存在（does not exist）", hint: "相对路径以定义文件所在目录为起点"))
            }
            if ["verify-ca", "verify-full"].contains(c.sslMode), c.sslRootCert == nil {
                out.append(Diagnostic(at, "sslmode \(c.sslMode) 需要 `sslrootcert` 才能验证服务器证书", severity: .warning))
            }
        }
        if let table = spec.table, table.isEmpty {
            out.append(Diagnostic(at, "source.table 为空"))
        }
        if let incremental = spec.incremental, incremental.deletedFlag != nil, definition.primaryKey.isEmpty {
            out.append(Diagnostic(at, "incremental.deleted_flag 需要 `primary_key`，才能确定哪些行已删除"))
        }
        return out
    }
}

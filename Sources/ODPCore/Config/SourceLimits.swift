/// Bounds on what one source file may make ODP hold or inflate (`source.limits`), so a
/// damaged or hostile file — a zip bomb, a huge shared-strings table, a 10 MB cell, JSON
/// nested thousands deep — fails its own dataset with a message instead of exhausting the
/// machine's memory and aborting the run. Defaults sit far above real department files.
public struct SourceLimits: Sendable, Hashable {
    /// `max_cell_mb`: one CSV field, XLSX cell or shared string, or JSON value.
    public var maxCellBytes = 1 << 20
    /// `max_json_depth`: nesting of arrays and objects inside one JSON record.
    public var maxJSONDepth = 64
    /// `max_uncompressed_mb`: the inflated size of one zip entry (an XLSX part).
    public var maxUncompressedBytes = 2048 << 20
    /// `max_compression_ratio`: inflated ÷ compressed size of one zip entry, checked once it
    /// has inflated 1 MB. Real sheets compress 5–50×; zip bombs thousands of times.
    public var maxCompressionRatio = 200
    /// `max_shared_strings_mb`: the XLSX shared-strings table held in memory (text plus 16
    /// bytes of index per string).
    public var maxSharedStringsBytes = 512 << 20
    /// `max_styles`: XLSX cell formats (Excel itself allows 64,000). Parts read whole
    /// (styles, workbook, relationships) may hold 1 KB per allowed style, at least 16 MB.
    public var maxStyles = 100_000

    public init() {}

    /// Largest XLSX part read whole into memory.
    public var maxWholePartBytes: Int { max(16 << 20, maxStyles * 1024) }

    /// The window one record (a CSV line, an XLSX row, a JSON object) may need: every
    /// column at the cell limit, twice over for markup, plus 1 MB.
    public func maxRecordBytes(columns: Int) -> Int { maxCellBytes * max(columns, 1) * 2 + (1 << 20) }

    /// The error for a hit: names the file, what was too large and the key that raises it.
    public static func exceeded(dataset: String, file: String, _ what: String, key: String, limit: String) -> ODPError {
        ODPError.source(dataset, "\(file)：\(what)，超过上限 \(limit)（limit exceeded: source.limits.\(key)）。"
            + "文件可能已损坏或被构造为攻击（zip bomb 等）；若确认文件可信，可在数据集定义中调高 source.limits.\(key)")
    }

    /// Reads `source.limits`; an unknown key or a value out of range is a definition error.
    static func parse(_ r: ConfigReader) -> SourceLimits {
        var limits = SourceLimits()
        if let mb = r.int("max_cell_mb", range: 1...1024) { limits.maxCellBytes = mb << 20 }
        if let depth = r.int("max_json_depth", range: 1...10_000) { limits.maxJSONDepth = depth }
        if let mb = r.int("max_uncompressed_mb", range: 1...1_048_576) { limits.maxUncompressedBytes = mb << 20 }
        if let ratio = r.int("max_compression_ratio", range: 2...100_000) { limits.maxCompressionRatio = ratio }
        if let mb = r.int("max_shared_strings_mb", range: 1...65_536) { limits.maxSharedStringsBytes = mb << 20 }
        if let styles = r.int("max_styles", range: 1...10_000_000) { limits.maxStyles = styles }
        return limits
    }
}

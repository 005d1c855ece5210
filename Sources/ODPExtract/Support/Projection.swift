import Foundation
import ODPCore

/// A source record as cells by source column; readers expose their own storage through it
/// so `Projection` copies each cell once, straight into the batch.
protocol RecordCells {
    /// The cell's bytes; nil for null or a missing column. Empty cells count as null.
    func cell(_ column: Int) -> UnsafeRawBufferPointer?
}

/// Maps source columns to schema fields and applies the incremental rules (watermark filter,
/// deletion flag) that every reader shares.
struct Projection {
    let fieldColumns: [Int]
    let watermarkColumn: Int?
    let deletedColumn: Int?
    let keyColumns: [Int]
    /// The start of the read window (the stored watermark less the lookback), inclusive.
    let since: [UInt8]?
    /// SQL sources filter in the query (the server compares typed values); files filter here.
    let filterSince: Bool
    let nullPolicy: SourceSpec.Incremental.NullPolicy
    private(set) var maxWatermark: [UInt8]?
    private(set) var deletedKeys: [[String]] = []
    /// Source rows left out because their watermark is empty (`null_watermark: reject | fail`).
    private(set) var nullWatermarkRows: [Int] = []
    /// Their keys (fields joined by U+001F), so reconciliation can tell them from hard deletes.
    private(set) var nullWatermarkKeys: [String] = []
    /// The watermark field as declared, for messages.
    var watermarkName: String?
    /// The watermark field's `time_zone`, for ordering values written without an offset.
    var watermarkZone: Int?
    /// No date or date-time after this moment (UTC seconds; the reader's start) becomes the
    /// stored watermark (`Watermark.storable`).
    var watermarkCeiling = Int(Date().timeIntervalSince1970)

    init(fieldColumns: [Int], watermarkColumn: Int?, deletedColumn: Int?, keyColumns: [Int], since: [UInt8]?, filterSince: Bool,
         nullPolicy: SourceSpec.Incremental.NullPolicy = .changed) {
        self.nullPolicy = nullPolicy
        self.fieldColumns = fieldColumns
        self.watermarkColumn = watermarkColumn
        self.deletedColumn = deletedColumn
        self.keyColumns = keyColumns
        self.since = since
        self.filterSince = filterSince
    }

    /// Matches `columns` (header cells, SQL column names) to the definition's fields.
    /// - Throws: `ODPError.source` naming the file, the field and the available columns.
    static func resolve(_ definition: DatasetDefinition, columns: [String], file: String, since: String?,
                        filterSince: Bool) throws -> Projection {
        let cleaned = columns.map(ColumnName.clean)
        func column(for field: FieldDefinition) -> Int? {
            for name in ColumnName.candidates(for: field) {
                if let i = cleaned.firstIndex(of: name) { return i }
            }
            return nil
        }
        var fieldColumns: [Int] = []
        var missing: [String] = []
        for field in definition.schema.fields {
            if let i = column(for: field) { fieldColumns.append(i) } else {
                missing.append(ColumnName.candidates(for: field).map { "`\($0)`" }.joined(separator: " / "))
            }
        }
        let available = cleaned.map { "`\($0)`" }.joined(separator: ", ")
        if !missing.isEmpty {
            let list = missing.joined(separator: ", ")
            throw ODPError.source(definition.id, "\(file)：找不到字段 \(list) 对应的列（no column）；文件中的列（available columns）：\(available)")
        }
        func named(_ name: String, role: String) throws -> Int {
            if let f = definition.schema.index(of: name) { return fieldColumns[f] }
            if let i = cleaned.firstIndex(of: name) { return i }
            throw ODPError.source(definition.id, "\(file)：找不到\(role)列 `\(name)`（column not found）；文件中的列（available columns）：\(available)")
        }
        let incremental = definition.source.incremental
        let watermark = try incremental.map { try named($0.watermark, role: "更新时间（watermark）") }
        let deleted = try incremental?.deletedFlag.map { try named($0, role: "删除标记（deleted_flag）") }
        let keys = try definition.primaryKey.map { try named($0, role: "主键（primary key）") }
        var projection = Projection(fieldColumns: fieldColumns, watermarkColumn: watermark, deletedColumn: deleted, keyColumns: keys,
                                    since: incremental == nil ? nil : since.map { Array($0.utf8) }, filterSince: filterSince,
                                    nullPolicy: incremental?.nullWatermark ?? .changed)
        projection.watermarkName = incremental?.watermark
        projection.watermarkZone = Watermark.zone(of: definition)
        return projection
    }

    /// Positional mapping for header-less files: field i is column i.
    static func positional(_ definition: DatasetDefinition, columnCount: Int, file: String, since: String?) throws -> Projection {
        let names = (0..<max(columnCount, definition.schema.fields.count)).map { i in
            i < definition.schema.fields.count ? ColumnName.candidates(for: definition.schema.fields[i])[0] : "column\(i + 1)"
        }
        if columnCount < definition.schema.fields.count {
            throw ODPError.source(definition.id, "\(file)：第 1 行只有 \(columnCount) 列，而数据集定义了 \(definition.schema.fields.count) 个字段（columns but the dataset declares more fields）")
        }
        return try resolve(definition, columns: names, file: file, since: since, filterSince: true)
    }

    /// Appends the record to `batch` unless the watermark filter, an empty watermark (by
    /// `null_watermark`) or the deletion flag keeps it out. The window is inclusive: a row
    /// stamped exactly at its start is read again, never lost.
    @inline(__always)
    mutating func emit<R: RecordCells>(_ record: R, sourceRow: Int, into batch: inout RowBatch) {
        if let w = watermarkColumn {
            if let value = record.cell(w) {
                if maxWatermark.map({ Watermark.compare(value, $0, zone: watermarkZone) > 0 }) ?? true,
                   Watermark.storable(value, zone: watermarkZone, ceiling: watermarkCeiling) {
                    maxWatermark = Array(value)
                }
                if filterSince, let since, Watermark.compare(value, since, zone: watermarkZone) < 0 { return }
            } else if nullPolicy != .changed {
                nullWatermarkRows.append(sourceRow)
                if !keyColumns.isEmpty {
                    nullWatermarkKeys.append(keyColumns.map { record.cell($0).map { String(decoding: $0, as: UTF8.self) } ?? "" }
                        .joined(separator: "\u{1F}"))
                }
                return
            }
        }
        if let d = deletedColumn, let flag = record.cell(d), Watermark.isTruthy(flag) {
            deletedKeys.append(keyColumns.map { record.cell($0).map { String(decoding: $0, as: UTF8.self) } ?? "" })
            return
        }
        for c in fieldColumns {
            if let value = record.cell(c) { batch.appendCell(value) } else { batch.appendNull() }
        }
        batch.endRow(sourceRow: sourceRow)
    }
}

/// Column name matching rules shared by every reader.
enum ColumnName {
    /// Trimmed, without a byte order mark (spreadsheet exports often carry one on the first header).
    static func clean(_ name: String) -> String {
        var s = name
        s.removeAll { $0 == "\u{FEFF}" }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func candidates(for field: FieldDefinition) -> [String] {
        var out: [String] = []
        for name in [field.source, field.name, field.title] {
            if let name, !name.isEmpty, !out.contains(name) { out.append(name) }
        }
        return out
    }
}

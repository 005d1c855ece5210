import ODPCore

/// Date and date-time values of a sample that their field's type would reject, for
/// `odp validate`: a source whose timestamps are written another way (a driver's locale, an
/// unexpected offset) would otherwise reject every row and hold the release on the first run.
enum SampleCheck {
    static func diagnostics(_ definition: DatasetDefinition, sample: RowBatch) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (c, field) in definition.schema.fields.enumerated() {
            guard let parses = parser(for: field) else { continue }
            var bad = 0, values = 0, firstRow: Int?
            sample.withCells { cells in
                for row in 0..<sample.rowCount {
                    guard let cell = cells[row, c] else { continue }
                    values += 1
                    if !parses(cell) { bad += 1; if firstRow == nil { firstRow = sample.sourceRows[row] } }
                }
            }
            guard bad > 0, let firstRow else { continue }
            let expected = field.type == .datetime && field.format == nil
                ? "datetime 可读取 2026-05-01 10:00:00、`T` 分隔符、小数秒和 +08 / +08:00 时差"
                : "定义的格式是 `\(field.format ?? "YYYY-MM-DD")`"
            out.append(Diagnostic(field.location,
                                  "字段 `\(field.name)`：抽样的 \(values) 个值中有 \(bad) 个无法按 \(field.type.rawValue) 解析（首个在数据源第 \(firstRow) 行）；这些行会被剔除",
                                  hint: expected + "；其他写法请声明 `format:`", severity: .warning))
        }
        return out
    }

    private static func parser(for field: FieldDefinition) -> ((UnsafeBufferPointer<UInt8>) -> Bool)? {
        switch field.type {
        case .datetime where field.format == nil: return { TimestampText.parse($0) != nil }
        case .date, .datetime:
            let formats = field.format.flatMap(DateFormat.init).map { [$0] } ?? [DateFormat.isoDate]
            return { formats.parse($0) != nil }
        default: return nil
        }
    }
}

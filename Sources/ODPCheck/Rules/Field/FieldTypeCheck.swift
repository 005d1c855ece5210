import ODPCore

/// The `type` rule every field carries implicitly: the declared `type`, `format` and `scale`.
enum FieldTypeCheck {
    /// Declared format first; without one, ISO 8601 layouts (datetime also with a space).
    static func dateFormats(for field: FieldDefinition) -> [DateFormat] {
        if let f = field.format, let d = DateFormat(f) { return [d] }
        switch field.type {
        case .datetime: return [DateFormat.nativeTimestamp]
        case .yearmonth: return [DateFormat("YYYY-MM")!]
        case .time: return [DateFormat("hh:mm:ss")!]
        default: return [DateFormat.isoDate]
        }
    }

    /// true/false/1/0/是/否 (also yes/no, 任意大小写 for the Latin words).
    static func boolean(_ t: UnsafeBufferPointer<UInt8>) -> Bool? {
        switch t.count {
        case 1: return t[0] == 0x31 ? true : t[0] == 0x30 ? false : nil
        case 3:
            if t[0] == 0xE6, t[1] == 0x98, t[2] == 0xAF { return true }   // 是
            if t[0] == 0xE5, t[1] == 0x90, t[2] == 0xA6 { return false }  // 否
            if lowerEquals(t, "yes") { return true }
            return nil
        case 2: return lowerEquals(t, "no") ? false : nil
        case 4: return lowerEquals(t, "true") ? true : nil
        case 5: return lowerEquals(t, "false") ? false : nil
        default: return nil
        }
    }

    static func lowerEquals(_ t: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard t.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for i in 0..<t.count where t[i] | 0x20 != w[i] { return false }
        return true
    }

    /// A closure testing a non-null cell against the declared type; nil for `string`, and for
    /// `code`, whose test needs the loaded table (`RuleCompiler.codeMembership`).
    static func test(for field: FieldDefinition) -> ((UnsafeBufferPointer<UInt8>) -> Bool)? {
        switch field.type {
        case .string, .code: return nil
        case .integer: return { NumberScan.isInteger($0) }
        case .number:
            let scale = field.scale
            return { NumberScan.isDecimal($0, scale: scale) }
        case .boolean: return { boolean($0) != nil }
        case .year: return { $0.count == 4 && NumberScan.isInteger($0) }
        case .datetime where field.format == nil:
            return { TimestampText.parse($0) != nil }
        case .date, .datetime, .yearmonth, .time:
            let formats = dateFormats(for: field)
            return { formats.parse($0) != nil }
        }
    }

    static func describe(_ field: FieldDefinition) -> String {
        switch field.type {
        case .string: return "文本"
        case .code: return "代码表 \(field.codeTableName ?? "") 中的代码"
        case .integer: return "整数"
        case .number: return field.scale.map { "数值（最多 \($0) 位小数）" } ?? "数值"
        case .boolean: return "布尔值（是/否、true/false、1/0）"
        case .year: return "年份（YYYY）"
        case .datetime where field.format == nil:
            return "日期时间（如 2026-05-01 10:00:00、2026-05-01T10:00:00.123+08:00：日期与时间以空格或 T 分隔，可带小数秒和时区）"
        case .date, .datetime, .yearmonth, .time:
            let kind = field.type == .date ? "日期" : field.type == .yearmonth ? "年月" : field.type == .time ? "时间" : "日期时间"
            return "\(kind)（格式 \(dateFormats(for: field).map(\.pattern).joined(separator: " 或 "))）"
        }
    }
}

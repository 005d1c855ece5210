import ODPCore

/// How one column's cells are normalised on the way out, decided once per column so the
/// row loop only switches on a small enum.
enum CellKind {
    case string
    /// `integer` and `number` fields: normalised decimal text, a JSON number.
    case number(scale: Int?)
    case boolean
    case date([DateFormat])
    case datetime([DateFormat])
    /// year, yearmonth, time: written as given (a JSON string).
    case verbatim

    init(_ field: FieldDefinition) {
        switch field.type {
        case .string: self = .string
        case .integer, .number: self = .number(scale: field.scale)
        case .boolean: self = .boolean
        case .date:
            self = .date(field.format.flatMap(DateFormat.init).map { [$0] } ?? [.isoDate])
        case .datetime:
            if let f = field.format.flatMap(DateFormat.init) { self = .datetime([f]) }
            else { self = .datetime([.isoDateTime, DateFormat("YYYY-MM-DD hh:mm:ss")!]) }
        case .year, .yearmonth, .time: self = .verbatim
        }
    }
}

/// Byte-level value normalisation shared by the CSV and JSON writers.
enum CellText {
    /// Cells a spreadsheet would evaluate (OWASP "CSV injection"): `=`, `+`, `-`, `@`, tab, CR.
    @inline(__always)
    static func isFormulaStart(_ c: UInt8) -> Bool {
        c == 0x3D || c == 0x2B || c == 0x2D || c == 0x40 || c == 0x09 || c == 0x0D
    }

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// Fast path of `DecimalText.normalize` for plain `-?digits(.digits)?` text that needs no
    /// rounding; writes the same bytes it would. Returns the length written, or nil to fall
    /// back to `DecimalText.normalize` (exponents, separators, rounding, signs, spaces).
    /// `out` must have room for `n + 2 + scale` bytes.
    @inline(__always)
    static func normalizeNumber(_ p: UnsafePointer<UInt8>, _ n: Int, scale: Int?, into out: UnsafeMutablePointer<UInt8>) -> Int? {
        guard n > 0 else { return nil }
        var i = 0
        let negative = p[0] == 0x2D
        if negative { i = 1 }
        let intStart = i
        while i < n, isDigit(p[i]) { i += 1 }
        let intEnd = i
        guard intEnd > intStart else { return nil }
        var fracStart = i, fracEnd = i
        if i < n {
            guard p[i] == 0x2E else { return nil }
            i += 1
            fracStart = i
            while i < n, isDigit(p[i]) { i += 1 }
            fracEnd = i
            guard i == n, fracEnd > fracStart else { return nil }
        }
        var s = intStart
        while s < intEnd - 1, p[s] == 0x30 { s += 1 }
        if let scale {
            if fracEnd - fracStart > scale { return nil }
        } else {
            while fracEnd > fracStart, p[fracEnd - 1] == 0x30 { fracEnd -= 1 }
        }
        var zero = intEnd - s == 1 && p[s] == 0x30
        if zero {
            var k = fracStart
            while k < fracEnd { if p[k] != 0x30 { zero = false; break }; k += 1 }
        }
        var o = 0
        if negative, !zero { out[0] = 0x2D; o = 1 }
        (out + o).update(from: p + s, count: intEnd - s); o += intEnd - s
        let fracCount = fracEnd - fracStart
        let width = scale ?? fracCount
        if width > 0 {
            out[o] = 0x2E; o += 1
            (out + o).update(from: p + fracStart, count: fracCount); o += fracCount
            var pad = width - fracCount
            while pad > 0 { out[o] = 0x30; o += 1; pad -= 1 }
        }
        return o
    }

    /// true/false for 是/否, 1/0, Y/N, yes/no, true/false (any case); nil when not a boolean.
    static func parseBoolean(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        if n == 3 {
            if p[0] == 0xE6, p[1] == 0x98, p[2] == 0xAF { return true }   // 是
            if p[0] == 0xE5, p[1] == 0x90, p[2] == 0xA6 { return false }  // 否
        }
        @inline(__always) func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
        func equals(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == n else { return false }
            let w = word.utf8Start
            for k in 0..<n where lower(p[k]) != w[k] { return false }
            return true
        }
        if equals("1") || equals("y") || equals("yes") || equals("true") || equals("t") { return true }
        if equals("0") || equals("n") || equals("no") || equals("false") || equals("f") { return false }
        return nil
    }
}

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
    /// A datetime field without `format`: native timestamp text (`TimestampText`), published
    /// as `YYYY-MM-DDThh:mm:ss[.fraction][±hh:mm]`, converted to the field's `time_zone`.
    case timestamp(zone: Int?)
    /// year, yearmonth, time: written as given (a JSON string).
    case verbatim

    init(_ field: FieldDefinition) {
        switch field.type {
        case .string, .code: self = .string
        case .integer, .number: self = .number(scale: field.scale)
        case .boolean: self = .boolean
        case .date:
            self = .date(field.format.flatMap(DateFormat.init).map { [$0] } ?? [.isoDate])
        case .datetime:
            if let f = field.format.flatMap(DateFormat.init) { self = .datetime([f]) } else { self = .timestamp(zone: field.timeZone) }
        case .year, .yearmonth, .time: self = .verbatim
        }
    }
}

/// Whether a data-file loop formats JSON as well as CSV: a type, not a stored flag, so each
/// loop is compiled (specialised) for its case and the CSV-only one carries no JSON code;
/// every JSON step is under `J.on`, a constant once specialised.
protocol JSONOutput { static var on: Bool { get } }
enum WithJSON: JSONOutput { static var on: Bool { true } }
enum CSVOnly: JSONOutput { static var on: Bool { false } }

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

    @inline(__always)
    static func put(_ text: StaticString, _ out: UnsafeMutablePointer<UInt8>, _ o: inout Int) {
        (out + o).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        o += text.utf8CodeUnitCount
    }

    /// Copies text that needs no escaping (a date the writer formatted) as a JSON string.
    @inline(__always)
    static func quote(_ p: UnsafePointer<UInt8>, _ n: Int, into json: UnsafeMutablePointer<UInt8>, _ jo: inout Int) {
        json[jo] = 0x22
        (json + jo + 1).update(from: p, count: n)
        json[jo + 1 + n] = 0x22
        jo += n + 2
    }

    /// `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ss`; returns the length.
    @inline(__always)
    static func writeISO(_ v: CivilDateTime, time: Bool, into out: UnsafeMutablePointer<UInt8>) -> Int {
        @inline(__always) func two(_ x: Int, _ at: Int) { out[at] = UInt8(0x30 + x / 10 % 10); out[at + 1] = UInt8(0x30 + x % 10) }
        two(v.year / 100, 0); two(v.year % 100, 2); out[4] = 0x2D; two(v.month, 5); out[7] = 0x2D; two(v.day, 8)
        guard time else { return 10 }
        out[10] = UInt8(ascii: "T"); two(v.hour, 11); out[13] = 0x3A; two(v.minute, 14); out[16] = 0x3A; two(v.second, 17)
        return 19
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    @inline(__always)
    private static func hasByte(_ x: UInt64, _ b: UInt8) -> UInt64 {
        let y = x ^ (ones &* UInt64(b))
        return (y &- ones) & ~y & highs
    }

    /// Writes a text cell to both outputs: CSV quoted only when it holds `,` `"` CR or LF (with
    /// the formula prefix when `neutralise`), JSON as an escaped string. Scans 8 bytes at a time,
    /// so plain text (the common case) is two copies. Needs 2n+3 bytes at `csv+co` and 6n+2 at `json+jo`.
    ///
    /// With `CSVOnly`, `json` is never touched (pass any pointer) and no JSON scan is made.
    @inline(__always)
    static func writeString<J: JSONOutput>(_ p: UnsafePointer<UInt8>, _ n: Int, neutralise: Bool,
                                           csv: UnsafeMutablePointer<UInt8>, _ co: inout Int,
                                           json: UnsafeMutablePointer<UInt8>, _ jo: inout Int, _: J.Type) {
        var csvSpecial: UInt64 = 0, jsonSpecial: UInt64 = 0
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let quote = hasByte(x, 0x22)
            csvSpecial |= quote | hasByte(x, 0x2C) | hasByte(x, 0x0A) | hasByte(x, 0x0D)
            if J.on { jsonSpecial |= quote | hasByte(x, 0x5C) | ((x &- ones &* 0x20) & ~x & highs) }
            i += 8
        }
        while i < n {
            let c = p[i]
            if c == 0x22 || c == 0x2C || c == 0x0A || c == 0x0D { csvSpecial = 1 }
            if J.on, c == 0x22 || c == 0x5C || c < 0x20 { jsonSpecial = 1 }
            i += 1
        }
        let prefix = neutralise && n > 0 && isFormulaStart(p[0])
        if csvSpecial == 0 {
            if prefix { csv[co] = 0x27; co += 1 }
            (csv + co).update(from: p, count: n); co += n
        } else {
            csv[co] = 0x22; co += 1
            if prefix { csv[co] = 0x27; co += 1 }
            for j in 0..<n {
                let c = p[j]
                csv[co] = c; co += 1
                if c == 0x22 { csv[co] = 0x22; co += 1 }
            }
            csv[co] = 0x22; co += 1
        }
        guard J.on else { return }
        json[jo] = 0x22; jo += 1
        if jsonSpecial == 0 {
            (json + jo).update(from: p, count: n); jo += n
        } else {
            for j in 0..<n {
                let c = p[j]
                if c >= 0x20, c != 0x22, c != 0x5C { json[jo] = c; jo += 1 } else { jo += JSONText.escape(c, into: json + jo) }
            }
        }
        json[jo] = 0x22; jo += 1
    }
}

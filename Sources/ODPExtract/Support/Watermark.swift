import ODPCore

/// Watermark ordering: integers compare as numbers, everything else (ISO dates and
/// timestamps) as text, which orders ISO 8601 correctly.
enum Watermark {
    /// Where the next read starts: the stored watermark less `lookback` (seconds for a
    /// date-time, whole days rounded up for a date, units for an integer), written as the
    /// source writes it. Other text is returned as is (the window then starts at it).
    static func windowStart(_ stored: String, lookback: Int) -> String {
        guard lookback > 0 else { return stored }
        if let n = Int(stored) { return String(n - lookback) }
        if let t = TimestampText.parse(stored) { return t.sourceText(shiftedBy: -lookback) }
        if let d = DateFormat.isoDate.parse(stored) {
            let days = (lookback + 86_399) / 86_400
            return d.adding(seconds: -days * 86_400).isoDate
        }
        return stored
    }

    static func compare(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
        b.withUnsafeBytes { compare(a, $0) }
    }

    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        if let x = integer(a), let y = integer(b) {
            if x.negative != y.negative { return x.negative ? -1 : 1 }
            let magnitude = compareDigits(x.digits, y.digits)
            return x.negative ? -magnitude : magnitude
        }
        let n = min(a.count, b.count)
        for i in 0..<n where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    static func compare(_ a: String, _ b: String) -> Int {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in compare(UnsafeRawBufferPointer(x), UnsafeRawBufferPointer(y)) } }
    }

    private static func integer(_ t: UnsafeRawBufferPointer) -> (negative: Bool, digits: UnsafeRawBufferPointer)? {
        var i = 0
        var negative = false
        if i < t.count, t[i] == UInt8(ascii: "-") || t[i] == UInt8(ascii: "+") { negative = t[i] == UInt8(ascii: "-"); i += 1 }
        guard i < t.count else { return nil }
        for k in i..<t.count where t[k] < 0x30 || t[k] > 0x39 { return nil }
        while i < t.count - 1, t[i] == 0x30 { i += 1 }
        return (negative, UnsafeRawBufferPointer(rebasing: t[i...]))
    }

    private static func compareDigits(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for i in 0..<a.count where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return 0
    }

    /// Deletion flags as departments write them: 1, true, t, y, yes, 是 (ASCII case-insensitive).
    static func isTruthy(_ v: UnsafeRawBufferPointer) -> Bool {
        var s = Substring(String(decoding: v, as: UTF8.self))
        s = s.drop { $0 == " " }
        while s.last == " " { s.removeLast() }
        switch s.lowercased() {
        case "1", "true", "t", "y", "yes", "是": return true
        default: return false
        }
    }
}

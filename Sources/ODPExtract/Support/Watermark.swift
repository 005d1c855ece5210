import ODPCore

/// Watermark ordering: integers compare as numbers; date-times (`TimestampText`) as moments,
/// so `T` or a space, fractions and `Z`, `+08` or `+08:00` cannot make a later row look earlier;
/// other text (ISO dates among it) bytewise.
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

    static func compare(_ a: UnsafeRawBufferPointer, _ b: [UInt8], zone: Int?) -> Int {
        b.withUnsafeBytes { compare(a, $0, zone: zone) }
    }

    /// `zone` is the watermark field's `time_zone`: the clock of values written without an
    /// offset. Two date-times that both have an offset (or the zone) compare as instants;
    /// otherwise by the wall time they state.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, zone: Int?) -> Int {
        if let x = integer(a), let y = integer(b) {
            if x.negative != y.negative { return x.negative ? -1 : 1 }
            let magnitude = compareDigits(x.digits, y.digits)
            return x.negative ? -magnitude : magnitude
        }
        if let x = timestamp(a), let y = timestamp(b) {
            let zoned = (x.offset ?? zone) != nil && (y.offset ?? zone) != nil
            let p = moment(x, zone: zoned ? zone : nil, zoned: zoned), q = moment(y, zone: zoned ? zone : nil, zoned: zoned)
            return p == q ? 0 : (p < q ? -1 : 1)
        }
        let n = min(a.count, b.count)
        for i in 0..<n where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    static func compare(_ a: String, _ b: String, zone: Int? = nil) -> Int {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in compare(UnsafeRawBufferPointer(x), UnsafeRawBufferPointer(y), zone: zone) } }
    }

    /// Whether a value may become the stored watermark. PostgreSQL's `infinity` and a date or
    /// date-time after `ceiling` (the run's start, UTC seconds) may not: one mistyped future
    /// stamp (`2099-…`) would otherwise put every later write before the window, lost until
    /// reconciliation, and hide it from the unchanged-source probe. Such rows are still read;
    /// the window just starts no later than the run. A value with neither offset nor zone may
    /// be up to 14 hours ahead (the widest zone); other text is kept as before.
    static func storable(_ v: UnsafeRawBufferPointer, zone: Int?, ceiling: Int) -> Bool {
        if integer(v) != nil { return true }
        if let t = timestamp(v) {
            let zoned = (t.offset ?? zone) != nil
            return moment(t, zone: zone, zoned: zoned).seconds <= ceiling + (zoned ? 0 : 14 * 3600)
        }
        if v.count == 10, let d = DateFormat.isoDate.parse(v.assumingMemoryBound(to: UInt8.self)) {
            return CivilDays.days(d.year, d.month, d.day) * 86_400 <= ceiling + 14 * 3600
        }
        let text = String(decoding: v, as: UTF8.self).lowercased()
        return text != "infinity" && text != "-infinity"
    }

    /// The watermark field's `time_zone`, the clock of its values written without an offset.
    static func zone(of definition: DatasetDefinition) -> Int? {
        definition.source.incremental.flatMap { inc in definition.schema.fields.first { $0.name == inc.watermark }?.timeZone }
    }

    private static func timestamp(_ v: UnsafeRawBufferPointer) -> TimestampText? {
        v.count >= 19 ? TimestampText.parse(v.assumingMemoryBound(to: UInt8.self)) : nil
    }

    /// Seconds of the wall time (less the offset, or `zone` for a value without one, when
    /// `zoned`) and nanoseconds, for ordering.
    private static func moment(_ t: TimestampText, zone: Int?, zoned: Bool) -> (seconds: Int, nanos: Int) {
        let c = t.civil
        var seconds = CivilDays.days(c.year, c.month, c.day) * 86_400 + c.hour * 3600 + c.minute * 60 + c.second
        if zoned { seconds -= t.offset ?? zone ?? 0 }
        var nanos = t.fraction
        for _ in t.fractionDigits..<9 { nanos *= 10 }
        return (seconds, nanos)
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

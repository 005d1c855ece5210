import Foundation

/// Date-time text as PostgreSQL, openGauss and KingbaseES write it, and as ISO 8601 does:
/// `YYYY-MM-DD hh:mm:ss`, `T` or a space between date and time, optional fractional seconds
/// (`.123456`), and an optional offset (`Z`, `+08`, `+08:00`, `+0800`). Parsed from bytes.
///
/// The published form (`normalized`) is `YYYY-MM-DDThh:mm:ss[.fraction][±hh:mm]`: the zone is
/// written when the value has one or the field declares one, and never invented otherwise.
public struct TimestampText: Sendable, Hashable {
    public var civil: CivilDateTime
    /// Fractional-second digits as written (without the point, at most 9) and their count:
    /// numbers rather than bytes, so parsing a cell allocates nothing.
    public var fraction: Int
    public var fractionDigits: Int
    /// Offset from UTC in seconds, when the text carries one.
    public var offset: Int?
    /// Byte offset of the date/time separator (`T` or space) and its byte, kept so a shifted
    /// watermark compares with the source's own text.
    public var separator: UInt8
    /// How the source wrote the offset: `Z`, `+08`, `+0800` or `+08:00` (the default).
    public var offsetStyle: String = ""

    /// Parses the text; nil when it is not a date-time of this shape or the calendar is wrong.
    public static func parse(_ t: UnsafeBufferPointer<UInt8>) -> TimestampText? {
        let n = t.count
        guard n >= 19 else { return nil }
        @inline(__always) func d(_ i: Int) -> Int? { t[i] &- 0x30 < 10 ? Int(t[i] &- 0x30) : nil }
        @inline(__always) func two(_ i: Int) -> Int? { guard let a = d(i), let b = d(i + 1) else { return nil }; return a * 10 + b }
        guard let y1 = two(0), let y2 = two(2), t[4] == 0x2D, let month = two(5), t[7] == 0x2D, let day = two(8),
              t[10] == 0x54 || t[10] == 0x20, let hour = two(11), t[13] == 0x3A, let minute = two(14), t[16] == 0x3A,
              let second = two(17) else { return nil }
        var value = TimestampText(civil: CivilDateTime(year: y1 * 100 + y2, month: month, day: day, hour: hour, minute: minute, second: second),
                                  fraction: 0, fractionDigits: 0, offset: nil, separator: t[10])
        var i = 19
        if i < n, t[i] == 0x2E {
            i += 1
            while i < n, let x = d(i), value.fractionDigits < 9 { value.fraction = value.fraction * 10 + x; value.fractionDigits += 1; i += 1 }
            guard value.fractionDigits > 0 else { return nil }
        }
        if i < n {
            let from = i
            defer { value.offsetStyle = String(decoding: UnsafeBufferPointer(rebasing: t[from..<n]), as: UTF8.self) }
            if t[i] == 0x5A, i + 1 == n { value.offset = 0; i += 1 }
            else if t[i] == 0x2B || t[i] == 0x2D, let h = i + 2 < n ? two(i + 1) : nil {
                let sign = t[i] == 0x2D ? -1 : 1
                var minutes = 0
                i += 3
                if i < n, t[i] == 0x3A { i += 1 }
                if i + 1 < n, let m = two(i) { minutes = m; i += 2 }
                guard h <= 15, minutes < 60 else { return nil }
                value.offset = sign * (h * 3600 + minutes * 60)
            }
        }
        guard i == n, value.civil.isValid, value.civil.second < 60 else { return nil }
        return value
    }

    public static func parse(_ text: String) -> TimestampText? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// The same instant on the clock of `zone` (seconds east of UTC). A value without an offset
    /// is taken to be on that clock already.
    public func converted(to zone: Int) -> TimestampText {
        var out = self
        if let offset { out.civil = civil.adding(seconds: zone - offset) }
        out.offset = zone
        out.offsetStyle = ""
        return out
    }

    /// The longest published form: date, time, nine fraction digits and an offset.
    public static let maxLength = 35

    /// Writes `YYYY-MM-DDThh:mm:ss[.fraction][±hh:mm]` (at most `maxLength` bytes); returns the length.
    @inline(__always)
    public func write(to out: UnsafeMutablePointer<UInt8>) -> Int {
        @inline(__always) func two(_ x: Int, _ at: Int) { out[at] = UInt8(0x30 + x / 10 % 10); out[at + 1] = UInt8(0x30 + x % 10) }
        let v = civil
        two(v.year / 100, 0); two(v.year % 100, 2); out[4] = 0x2D; two(v.month, 5); out[7] = 0x2D; two(v.day, 8)
        out[10] = 0x54; two(v.hour, 11); out[13] = 0x3A; two(v.minute, 14); out[16] = 0x3A; two(v.second, 17)
        var n = 19
        if fractionDigits > 0 {
            out[n] = 0x2E
            var f = fraction
            for k in stride(from: fractionDigits, through: 1, by: -1) { out[n + k] = UInt8(0x30 + f % 10); f /= 10 }
            n += fractionDigits + 1
        }
        if let offset {
            let m = abs(offset) / 60
            out[n] = offset < 0 ? 0x2D : 0x2B
            two(m / 60, n + 1); out[n + 3] = 0x3A; two(m % 60, n + 4)
            n += 6
        }
        return n
    }

    /// The published form as text.
    public var normalized: String {
        String(unsafeUninitializedCapacity: Self.maxLength) { buffer in write(to: buffer.baseAddress!) }
    }

    /// The text as the source would write it, moved by `seconds` (negative for earlier): the
    /// separator, fraction and offset stay as they were, so a watermark shifted this way still
    /// compares correctly with the source's values, as text or as a typed parameter.
    public func sourceText(shiftedBy seconds: Int) -> String {
        var moved = self
        moved.civil = civil.adding(seconds: seconds)
        return String(unsafeUninitializedCapacity: Self.maxLength) { buffer in
            var n = moved.write(to: buffer.baseAddress!)
            buffer[10] = separator
            if offset != nil, !offsetStyle.isEmpty {
                n -= 6
                for b in offsetStyle.utf8 { buffer[n] = b; n += 1 }
            }
            return n
        }
    }

    /// A declared time zone: `+08:00`, `+08`, `-03:30`, `UTC` or `Z`; nil when not understood.
    /// Named zones are not taken: one with daylight saving has no single offset to publish.
    public static func zoneOffset(_ text: String) -> Int? {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s == "UTC" || s == "Z" || s == "+00:00" { return 0 }
        guard let probe = parse("2000-01-01T00:00:00" + s), let offset = probe.offset else { return nil }
        return offset
    }
}

extension CivilDateTime {
    /// The wall-clock time `seconds` later (earlier when negative).
    public func adding(seconds: Int) -> CivilDateTime {
        let total = CivilDays.days(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second + seconds
        var days = total / 86_400, rest = total % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let date = CivilDays.civil(days)
        return CivilDateTime(year: date.year, month: date.month, day: date.day, hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60)
    }
}

import Foundation

/// Times as people in China read them: UTC+8 with the zone named, `2026-12-07 16:05（北京时间）`.
/// Files keep ISO 8601 UTC (`2026-12-07T08:05:00Z`); only what a person reads is converted,
/// so a release made at 01:00 北京时间 does not show the previous day's date.
public enum BeijingTime {
    public static let zoneName = "北京时间"
    static let offset: TimeInterval = 8 * 3600

    /// `2026-12-07 16:05（北京时间）` for an ISO 8601 UTC time; other text comes back as it was.
    public static func text(_ iso: String, seconds: Bool = false) -> String {
        guard let date = parse(iso) else { return iso }
        return text(date, seconds: seconds)
    }

    public static func text(_ date: Date, seconds: Bool = false) -> String {
        let p = parts(date)
        let clock = seconds ? String(format: "%02d:%02d:%02d", p.hour, p.minute, p.second) : String(format: "%02d:%02d", p.hour, p.minute)
        return String(format: "%04d-%02d-%02d ", p.year, p.month, p.day) + clock + "（\(zoneName)）"
    }

    /// The calendar day in Beijing of an ISO 8601 UTC time, `2026-12-07`; other text is cut to 10 characters.
    public static func day(_ iso: String) -> String {
        guard let date = parse(iso) else { return String(iso.prefix(10)) }
        let p = parts(date)
        return String(format: "%04d-%02d-%02d", p.year, p.month, p.day)
    }

    public static func parse(_ iso: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let d = formatter.date(from: iso) { return d }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: iso)
    }

    static func parts(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var t = time_t(floor(date.timeIntervalSince1970 + offset))
        var out = tm()
        gmtime_r(&t, &out)
        return (Int(out.tm_year) + 1900, Int(out.tm_mon) + 1, Int(out.tm_mday), Int(out.tm_hour), Int(out.tm_min), Int(out.tm_sec))
    }
}

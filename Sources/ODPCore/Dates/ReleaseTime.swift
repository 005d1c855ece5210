import Foundation

/// UTC calendar text for release times, versions and every other recorded time (access
/// applications, webhook journals), without locale-dependent formatters.
public enum ReleaseTime {
    private static func parts(_ date: Date) -> tm {
        var t = time_t(floor(date.timeIntervalSince1970))
        var out = tm()
        gmtime_r(&t, &out)
        return out
    }

    /// `2026-11-23T11:29:38Z`
    public static func iso(_ date: Date) -> String {
        let p = parts(date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(p.tm_year) + 1900, Int(p.tm_mon) + 1, Int(p.tm_mday),
                      Int(p.tm_hour), Int(p.tm_min), Int(p.tm_sec))
    }

    /// `2026-11-23`
    public static func isoDate(_ date: Date) -> String { String(iso(date).prefix(10)) }

    /// The version prefix `2026.11.23`.
    public static func versionDay(_ date: Date) -> String {
        let p = parts(date)
        return String(format: "%04d.%02d.%02d", Int(p.tm_year) + 1900, Int(p.tm_mon) + 1, Int(p.tm_mday))
    }
}

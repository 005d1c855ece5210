import Foundation
import ODPCore

/// HTML building. Every text that comes from definitions, reports or data goes through
/// `escape`; attribute values are always double-quoted so escaping `"` is enough there.
enum HTML {
    static func escape(_ s: String) -> String { escapeHTML(s) }

    /// Escaped text, or "—" when missing or empty.
    static func text(_ s: String?) -> String {
        guard let s, !s.isEmpty else { return "—" }
        return escape(s)
    }

    static func text(_ n: Int?) -> String { n.map { formatted($0) } ?? "—" }

    /// Percent-encodes a path segment or query value for an href.
    static func urlComponent(_ s: String) -> String { percentEncodedComponent(s) }

    /// 12345 → "12,345".
    static func formatted(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    static func bytes(_ n: Int?) -> String {
        guard let n else { return "—" }
        if n < 1024 { return "\(n) B" }
        let units = ["KB", "MB", "GB", "TB"]
        var v = Double(n) / 1024
        var u = 0
        while v >= 1024, u < units.count - 1 { v /= 1024; u += 1 }
        return String(format: "%.1f %@", v, units[u])
    }

    /// ISO 8601 "2026-11-23T10:00:00Z" → "2026-11-23 10:00".
    static func time(_ s: String?) -> String {
        guard let s, !s.isEmpty else { return "—" }
        return escape(BeijingTime.text(s))
    }
}

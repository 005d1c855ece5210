import Foundation
import ODPCore

/// SQL identifiers of the database target. Names are derived from the dataset id, the
/// version and field names, never taken as SQL text, and always written quoted, so no
/// value can end the identifier and add SQL of its own.
///
/// ## Edge behaviour
/// PostgreSQL cuts identifiers at 63 bytes without an error, so two long names could become
/// one: a longer name is cut at a character boundary and ends in `_` and 8 hex digits of
/// the full name's SHA-256. A dataset id outside `[a-z0-9-]` (which `odp validate` refuses)
/// keeps only those characters plus the same hash, so distinct ids never share a table.
enum DatabaseNames {
    static let maxBytes = 63

    /// `"name"`, with `"` doubled and NUL (which PostgreSQL cannot store) replaced.
    static func quote(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\u{0}", with: "_").replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `schema.name`, both quoted.
    static func qualified(_ schema: String, _ name: String) -> String { quote(schema) + "." + quote(name) }

    /// A SQL string literal: `'…'` with `'` doubled (standard_conforming_strings, on since
    /// PostgreSQL 9.1, makes backslashes plain characters).
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\u{0}", with: "").replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The stable name readers use: the view that shows the current version (`jtys_bus_stops`).
    static func stable(_ dataset: String) -> String { fit(plain(dataset, separator: "-")) }

    /// The table of one version (`jtys_bus_stops__2026_12_07_1`).
    static func versioned(_ dataset: String, _ version: String) -> String {
        fit(plain(dataset, separator: "-") + "__" + plain(version, separator: "."))
    }

    /// Where a version is loaded and checked before the switch.
    static func staging(_ dataset: String, _ version: String) -> String {
        fit("odp_loading__" + plain(dataset, separator: "-") + "__" + plain(version, separator: "."))
    }

    /// A column for a field: the field name itself (Chinese names stay Chinese), fitted.
    static func column(_ field: String) -> String { fit(field) }

    /// Lower-case letters, digits and `_`: `separator` (`-` in dataset ids, `.` in versions)
    /// becomes `_`; a name with any other character (`_` included) has it replaced and gets
    /// a hash, so two names never map to one.
    static func plain(_ text: String, separator: Unicode.Scalar) -> String {
        var out = ""
        var lossy = false
        for u in text.unicodeScalars {
            switch u {
            case "a"..."z", "0"..."9": out.unicodeScalars.append(u)
            case separator: out += "_"
            default: out += "_"; lossy = true
            }
        }
        if out.isEmpty || lossy { out += "_" + hash(text) }
        return out
    }

    /// `name` when it fits in 63 bytes, else a cut prefix, `_` and a hash of the whole.
    static func fit(_ name: String) -> String {
        guard name.utf8.count > maxBytes else { return name }
        var prefix = ""
        for c in name {
            if prefix.utf8.count + c.utf8.count > maxBytes - 9 { break }
            prefix.append(c)
        }
        return prefix + "_" + hash(name)
    }

    private static func hash(_ text: String) -> String { String(SHA256Hex.of(Array(text.utf8)).prefix(8)) }
}

import Foundation
import ODPCore

/// Where the next page starts: the last row's sort keys and rowid, the version and the
/// query's fingerprint, as base64url JSON. It carries no authority (every value is public
/// and is bound as a parameter), so it is validated rather than signed: a cursor for another
/// query, version or key type, or one too long, is a 400 `invalid_cursor`.
struct RowsCursor: Equatable {
    static let maxLength = 2048

    var version: String
    var fingerprint: String
    var rowid: Int64
    var keys: [RowsDatabase.Value]

    var encoded: String {
        var json = Array("[1,".utf8)
        JSONText.append(version, to: &json)
        json.append(0x2C)
        JSONText.append(fingerprint, to: &json)
        json += Array(",\(rowid)".utf8)
        for k in keys {
            json.append(0x2C)
            switch k {
            case .null: json += Array("null".utf8)
            case .int(let v): json += Array(String(v).utf8)
            case .double(let v): json += Array((v.isFinite ? RowsPage.number(v) : "null").utf8)
            case .text(let v): JSONText.append(v, to: &json)
            }
        }
        json.append(0x5D)
        return Data(json).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static let invalid = RowsAPIError.bad("invalid_cursor", "cursor 无效：请使用上一页返回的 next_cursor，且不要改变筛选和排序条件")

    /// Decodes `text` and checks it against the query (`sort` gives each key's field type).
    static func decode(_ text: String, sort: [RowsDatabase.Field]) throws -> RowsCursor {
        guard let items = items(text), items.count == 4 + sort.count,
              case .int(1) = items[0], case .string(let version) = items[1], case .string(let fingerprint) = items[2],
              case .int(let rowid) = items[3] else { throw invalid }
        var keys: [RowsDatabase.Value] = []
        for (item, field) in zip(items[4...], sort) {
            switch (item, field.type) {
            case (.null, _): keys.append(.null)
            case (.int(let v), .integer), (.int(let v), .boolean): keys.append(.int(v))
            case (.int(let v), .number): keys.append(.double(Double(v)))
            case (.double(let v), .number): keys.append(.double(v))
            case (.string(let v), _) where v.utf8.count <= RowsQuery.maxValueBytes: keys.append(.text(v))
            default: throw invalid
            }
        }
        return RowsCursor(version: version, fingerprint: fingerprint, rowid: rowid, keys: keys)
    }
}

extension RowsCursor {
    /// The version a cursor was made on, read before the version's fields are known.
    static func version(_ text: String) -> String? {
        guard let items = items(text), items.count >= 2, case .string(let version) = items[1] else { return nil }
        return version
    }

    /// The cursor's JSON array; nil for text too long, not base64url, or not a JSON array.
    static func items(_ text: String) -> [ArtifactJSON]? {
        guard text.utf8.count <= maxLength, text.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0)
            || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), isFlatArray(data),
              case .array(let items)? = try? JSONDecoder().decode(ArtifactJSON.self, from: data) else { return nil }
        return items
    }

    /// A cursor is one flat array: anything nested is refused before a recursive decoder sees it.
    static func isFlatArray(_ data: Data) -> Bool {
        var depth = 0, inString = false, escaped = false
        for c in data {
            if inString {
                if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
                continue
            }
            switch c {
            case 0x22: inString = true
            case 0x5B: depth += 1; if depth > 1 { return false }
            case 0x7B: return false
            case 0x5D: depth -= 1
            default: break
            }
        }
        return depth == 0 && data.first == 0x5B
    }
}

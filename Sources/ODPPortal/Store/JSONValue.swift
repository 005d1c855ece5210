import Foundation

/// Read-only, forgiving access to JSON written by other stages: a missing or mistyped key
/// reads as nil, so a page never fails because a report lacks a field.
struct JSONValue: @unchecked Sendable {
    // JSONSerialization output (NSDictionary/NSArray/NSString/NSNumber) is immutable.
    let raw: Any?

    init(_ raw: Any?) { self.raw = raw is NSNull ? nil : raw }

    static func load(_ url: URL) -> JSONValue? {
        guard let data = FileManager.default.contents(atPath: url.path),
              let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        return JSONValue(object)
    }

    subscript(_ key: String) -> JSONValue { JSONValue((raw as? [String: Any])?[key]) }

    /// The first of several keys that is present (other stages name things differently).
    func first(_ keys: String...) -> JSONValue {
        for k in keys where self[k].raw != nil { return self[k] }
        return JSONValue(nil)
    }

    var isNull: Bool { raw == nil }
    var object: [String: JSONValue]? { (raw as? [String: Any])?.mapValues { JSONValue($0) } }
    var array: [JSONValue] { (raw as? [Any])?.map { JSONValue($0) } ?? [] }
    var keys: [String] { (raw as? [String: Any]).map { $0.keys.sorted() } ?? [] }

    var string: String? {
        switch raw {
        case let s as String: return s
        case let n as NSNumber: return Self.numberText(n)
        default: return nil
        }
    }

    var double: Double? {
        if let n = raw as? NSNumber { return n.doubleValue }
        if let s = raw as? String { return Double(s) }
        return nil
    }

    var int: Int? {
        if let n = raw as? NSNumber { return n.intValue }
        if let s = raw as? String { return Int(s) }
        return nil
    }

    var bool: Bool? {
        if let b = raw as? Bool { return b }
        return nil
    }

    /// A list of strings from an array, or a string split on common separators.
    var strings: [String] {
        if let a = raw as? [Any] { return a.compactMap { JSONValue($0).string }.filter { !$0.isEmpty } }
        if let s = raw as? String {
            return s.split(whereSeparator: { ",，;；、".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return []
    }

    private static func numberText(_ n: NSNumber) -> String {
        let d = n.doubleValue
        if d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}

extension JSONValue {
    /// Serialises for the JSON API.
    static func data(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}

extension JSONValue {
    /// Quality dimensions in the order of GB/T 36344-2018, then any others.
    var dimensionNames: [String] {
        let order = ["规范性", "完整性", "准确性", "一致性", "时效性", "可访问性"]
        let present = keys
        return order.filter(present.contains) + present.filter { !order.contains($0) }
    }
}

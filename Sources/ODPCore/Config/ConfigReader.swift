/// Reads one YAML mapping, collecting every problem instead of stopping at the first, so
/// that `odp validate` can report all mistakes in one go. Keys the caller asked for are
/// remembered: whatever is left at `finish()` is an unknown key, reported with the
/// closest known key as a suggestion.
public final class ConfigReader {
    public let value: ConfigValue
    public let context: String
    private let entries: [(key: String, keyLocation: SourceLocation, value: ConfigValue)]
    private var asked: [String] = []
    public private(set) var diagnostics: [Diagnostic] = []

    /// - Parameter context: a short name for the mapping used in messages ("catalog", "field `id`").
    public init(_ value: ConfigValue, context: String) {
        self.value = value
        self.context = context
        switch value {
        case .map(let entries, _):
            self.entries = entries
        case .null:
            self.entries = []
        default:
            self.entries = []
            diagnostics.append(Diagnostic(value.location, "\(context) 应为映射（mapping，即 键: 值），实际是\(value.kindName)"))
        }
    }

    public var location: SourceLocation { value.location }
    public var keys: [String] { entries.map(\.key) }

    public func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    /// The raw value under `key`, or nil. Marks the key as known.
    public func raw(_ key: String) -> ConfigValue? {
        asked.append(key)
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        if case .null = entry.value { return nil }
        return entry.value
    }

    public func error(_ message: String, at location: SourceLocation? = nil, hint: String? = nil, code: ErrorCode? = nil) {
        diagnostics.append(Diagnostic(location ?? self.location, message, hint: hint, code: code))
    }

    public func warning(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        diagnostics.append(Diagnostic(location ?? self.location, message, hint: hint, severity: .warning))
    }

    public func absorb(_ other: [Diagnostic]) { diagnostics.append(contentsOf: other) }

    public func string(_ key: String, required: Bool = false, hint: String? = nil) -> String? {
        guard let v = raw(key) else {
            if required { error("\(context)：缺少必填键（missing required key）`\(key)`", hint: hint) }
            return nil
        }
        guard let s = v.scalar else {
            error("\(context).\(key) 应为单个值，实际是\(v.kindName)", at: v.location, hint: hint)
            return nil
        }
        if required && s.trimmingCharacters(in: .whitespaces).isEmpty {
            error("\(context).\(key) 不能为空", at: v.location, hint: hint)
            return nil
        }
        return s
    }

    public func int(_ key: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> Int? {
        guard let s = string(key, required: required), let v = raw(key) else { return nil }
        guard let n = Int(s.trimmingCharacters(in: .whitespaces)) else {
            error("\(context).\(key) 应为整数，实际是 `\(s)`", at: v.location)
            return nil
        }
        if let range, !range.contains(n) {
            error("\(context).\(key) 应在 \(range.lowerBound) 到 \(range.upperBound) 之间，实际是 \(n)", at: v.location)
            return nil
        }
        return n
    }

    public func double(_ key: String, required: Bool = false) -> Double? {
        guard let s = string(key, required: required), let v = raw(key) else { return nil }
        guard let n = Double(s.trimmingCharacters(in: .whitespaces)) else {
            error("\(context).\(key) 应为数字，实际是 `\(s)`", at: v.location)
            return nil
        }
        return n
    }

    public func bool(_ key: String) -> Bool? {
        guard let s = string(key), let v = raw(key) else { return nil }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error("\(context).\(key) 应为 true 或 false，实际是 `\(s)`", at: v.location)
            return nil
        }
    }

    /// A value from a closed vocabulary; a typo gets a suggestion (`Suggest.hint`).
    public func choice(_ key: String, of allowed: [String], required: Bool = false, default fallback: String? = nil) -> String? {
        guard let s = string(key, required: required), let v = raw(key) else { return fallback }
        guard allowed.contains(s) else {
            error("\(context).\(key)：`\(s)` 不是可选值（not one of）\(allowed.joined(separator: ", ")) 之一", at: v.location,
                  hint: Suggest.hint(for: s, in: allowed) ?? "可选值：\(allowed.joined(separator: ", "))")
            return fallback
        }
        return s
    }

    /// A list of scalars; a single scalar is accepted as a one-item list.
    public func strings(_ key: String, required: Bool = false) -> [String] {
        guard let v = raw(key) else {
            if required { error("\(context)：缺少必填键（missing required key）`\(key)`") }
            return []
        }
        switch v {
        case .scalar(let s, _): return [s]
        case .list(let items, _):
            return items.compactMap { item in
                guard let s = item.scalar else {
                    error("\(context).\(key) 应为由单个值组成的列表（list）", at: item.location)
                    return nil
                }
                return s
            }
        default:
            error("\(context).\(key) 应为列表（list），实际是\(v.kindName)", at: v.location)
            return []
        }
    }

    public func list(_ key: String, required: Bool = false) -> [ConfigValue] {
        guard let v = raw(key) else {
            if required { error("\(context)：缺少必填键（missing required key）`\(key)`") }
            return []
        }
        guard case .list(let items, _) = v else {
            error("\(context).\(key) 应为列表（list），实际是\(v.kindName)", at: v.location)
            return []
        }
        return items
    }

    /// A nested mapping, read by a child reader whose diagnostics are folded into this one at `finish()`.
    public func map(_ key: String, required: Bool = false) -> ConfigReader? {
        guard let v = raw(key) else {
            if required { error("\(context)：缺少必填段（missing required section）`\(key)`") }
            return nil
        }
        let child = ConfigReader(v, context: "\(context).\(key)")
        children.append(child)
        return child
    }

    private var children: [ConfigReader] = []

    /// A secret reference: `env:NAME` or `file:PATH`. A literal value is refused, because
    /// definitions are committed to git and copied into reports.
    public func secret(_ key: String, required: Bool = false) -> SecretRef? {
        guard let s = string(key, required: required), let v = raw(key) else { return nil }
        if let ref = SecretRef(s) { return ref }
        error("\(context).\(key) 写入了明文密钥（secret written inline）", at: v.location,
              hint: "改写为 `env:变量名` 或 `file:/密钥/文件路径`，密钥的值不要写进定义文件", code: .inlineSecret)
        return nil
    }

    /// Reports unknown keys and returns every diagnostic of this reader and its children.
    @discardableResult
    public func finish() -> [Diagnostic] {
        for entry in entries where !asked.contains(entry.key) {
            diagnostics.append(Diagnostic(entry.keyLocation, "\(context)：未知的键（unknown key）`\(entry.key)`",
                                          hint: Suggest.hint(for: entry.key, in: asked) ?? "可用的键：\(Array(Set(asked)).sorted().joined(separator: ", "))"))
        }
        for child in children { diagnostics.append(contentsOf: child.finish()) }
        children.removeAll()
        asked = entries.map(\.key)
        return diagnostics
    }
}

/// "Did you mean" suggestions by edit distance.
public enum Suggest {
    /// `是否应为 `name`？`, the hint for a typo, when a candidate is close enough.
    public static func hint(for word: String, in candidates: [String]) -> String? {
        closest(to: word, in: candidates).map { "是否应为 `\($0)`？" }
    }
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = max(2, word.count / 3)
        var best: (String, Int)?
        for candidate in Set(candidates) {
            let d = distance(word.lowercased(), candidate.lowercased())
            if d <= limit, d < (best?.1 ?? Int.max) || (d == best?.1 && candidate < best!.0) { best = (candidate, d) }
        }
        return best?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

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
            diagnostics.append(Diagnostic(value.location, "\(context) must be a mapping (key: value), found \(value.kindName)"))
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

    public func error(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        diagnostics.append(Diagnostic(location ?? self.location, message, hint: hint))
    }

    public func warning(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        diagnostics.append(Diagnostic(location ?? self.location, message, hint: hint, severity: .warning))
    }

    public func absorb(_ other: [Diagnostic]) { diagnostics.append(contentsOf: other) }

    public func string(_ key: String, required: Bool = false, hint: String? = nil) -> String? {
        guard let v = raw(key) else {
            if required { error("\(context): missing required key `\(key)`", hint: hint) }
            return nil
        }
        guard let s = v.scalar else {
            error("\(context).\(key) must be a single value, found \(v.kindName)", at: v.location, hint: hint)
            return nil
        }
        if required && s.trimmingCharacters(in: .whitespaces).isEmpty {
            error("\(context).\(key) must not be empty", at: v.location, hint: hint)
            return nil
        }
        return s
    }

    public func int(_ key: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> Int? {
        guard let s = string(key, required: required), let v = raw(key) else { return nil }
        guard let n = Int(s.trimmingCharacters(in: .whitespaces)) else {
            error("\(context).\(key) must be a whole number, found `\(s)`", at: v.location)
            return nil
        }
        if let range, !range.contains(n) {
            error("\(context).\(key) must be between \(range.lowerBound) and \(range.upperBound), found \(n)", at: v.location)
            return nil
        }
        return n
    }

    public func double(_ key: String, required: Bool = false) -> Double? {
        guard let s = string(key, required: required), let v = raw(key) else { return nil }
        guard let n = Double(s.trimmingCharacters(in: .whitespaces)) else {
            error("\(context).\(key) must be a number, found `\(s)`", at: v.location)
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
            error("\(context).\(key) must be true or false, found `\(s)`", at: v.location)
            return nil
        }
    }

    /// A value from a closed vocabulary; a typo gets a "did you mean".
    public func choice(_ key: String, of allowed: [String], required: Bool = false, default fallback: String? = nil) -> String? {
        guard let s = string(key, required: required), let v = raw(key) else { return fallback }
        guard allowed.contains(s) else {
            let suggestion = Suggest.closest(to: s, in: allowed).map { "did you mean `\($0)`?" }
            error("\(context).\(key): `\(s)` is not one of \(allowed.joined(separator: ", "))", at: v.location,
                  hint: suggestion ?? "use one of \(allowed.joined(separator: ", "))")
            return fallback
        }
        return s
    }

    /// A list of scalars; a single scalar is accepted as a one-item list.
    public func strings(_ key: String, required: Bool = false) -> [String] {
        guard let v = raw(key) else {
            if required { error("\(context): missing required key `\(key)`") }
            return []
        }
        switch v {
        case .scalar(let s, _): return [s]
        case .list(let items, _):
            return items.compactMap { item in
                guard let s = item.scalar else {
                    error("\(context).\(key) must be a list of values", at: item.location)
                    return nil
                }
                return s
            }
        default:
            error("\(context).\(key) must be a list, found \(v.kindName)", at: v.location)
            return []
        }
    }

    public func list(_ key: String, required: Bool = false) -> [ConfigValue] {
        guard let v = raw(key) else {
            if required { error("\(context): missing required key `\(key)`") }
            return []
        }
        guard case .list(let items, _) = v else {
            error("\(context).\(key) must be a list, found \(v.kindName)", at: v.location)
            return []
        }
        return items
    }

    /// A nested mapping, read by a child reader whose diagnostics are folded into this one at `finish()`.
    public func map(_ key: String, required: Bool = false) -> ConfigReader? {
        guard let v = raw(key) else {
            if required { error("\(context): missing required section `\(key)`") }
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
        error("\(context).\(key) holds a secret written inline", at: v.location,
              hint: "write `env:VARIABLE` or `file:/path/to/secret` instead, and keep the value out of the definition")
        return nil
    }

    /// Reports unknown keys and returns every diagnostic of this reader and its children.
    @discardableResult
    public func finish() -> [Diagnostic] {
        for entry in entries where !asked.contains(entry.key) {
            let hint = Suggest.closest(to: entry.key, in: asked).map { "did you mean `\($0)`?" }
            diagnostics.append(Diagnostic(entry.keyLocation, "\(context): unknown key `\(entry.key)`",
                                          hint: hint ?? "known keys: \(Array(Set(asked)).sorted().joined(separator: ", "))"))
        }
        for child in children { diagnostics.append(contentsOf: child.finish()) }
        children.removeAll()
        asked = entries.map(\.key)
        return diagnostics
    }
}

/// "Did you mean" suggestions by edit distance.
public enum Suggest {
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

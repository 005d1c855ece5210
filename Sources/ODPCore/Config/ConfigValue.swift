import Yams

/// A YAML value with the position it was written at, so every later check (by any stage)
/// can point at the right line and column.
public indirect enum ConfigValue: Sendable, Hashable {
    case scalar(String, SourceLocation)
    case list([ConfigValue], SourceLocation)
    /// Keys keep their own location for "unknown key" messages; order is preserved.
    case map([(key: String, keyLocation: SourceLocation, value: ConfigValue)], SourceLocation)
    case null(SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .scalar(_, let l), .list(_, let l), .map(_, let l), .null(let l): return l
        }
    }

    public var scalar: String? {
        if case .scalar(let s, _) = self { return s }
        return nil
    }

    public var kindName: String {
        switch self {
        case .scalar: return "单个值（value）"
        case .list: return "列表（list）"
        case .map: return "映射（mapping）"
        case .null: return "空（nothing）"
        }
    }

    public static func == (lhs: ConfigValue, rhs: ConfigValue) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(a, _), .scalar(b, _)): return a == b
        case let (.list(a, _), .list(b, _)): return a == b
        case let (.map(a, _), .map(b, _)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.null, .null): return true
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .scalar(let s, _): hasher.combine(s)
        case .list(let items, _): hasher.combine(items)
        case .map(let entries, _):
            for entry in entries { hasher.combine(entry.key); hasher.combine(entry.value) }
        case .null: hasher.combine(0)
        }
    }

    /// More values than any definition has. Aliases copy what they name, so a few lines of
    /// aliases of aliases ("billion laughs") would otherwise expand to billions of values.
    static let maxValues = 20_000

    /// Parses YAML text. Syntax errors become a diagnostic at the position libyaml reports.
    public static func parse(yaml: String, file: String) throws -> ConfigValue {
        do {
            guard let node = try Yams.compose(yaml: yaml) else { return .null(SourceLocation(file: file, line: 1, column: 1)) }
            var budget = maxValues
            return try convert(node, file: file, budget: &budget)
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping(let duplicates, _) = error {
                throw ODPError.definition(duplicates.sorted().map { key in
                    Diagnostic(duplicateLocation(of: key, in: yaml, file: file),
                               "YAML 中键 `\(key)` 在同一层级写了两次（duplicate key）", hint: "删去或合并其中一处", code: .yamlDuplicateKey)
                })
            }
            throw ODPError.definition([Diagnostic(locationOf(error, file: file, yaml: yaml), "YAML 语法错误（syntax error）：\(syntaxMessage(error))",
                                                  hint: "检查这一行附近的缩进与引号", code: .yamlSyntax)])
        }
    }

    private static func convert(_ node: Node, file: String, budget: inout Int) throws -> ConfigValue {
        let loc = SourceLocation(file: file, line: node.mark?.line, column: node.mark?.column)
        budget -= 1
        guard budget >= 0 else {
            throw ODPError.definition([Diagnostic(loc, "定义展开后超过 \(maxValues) 个值（expands to too many values）",
                                                  hint: "别名（`*name`）套别名会成倍展开；请直接写出各个值")])
        }
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return .null(loc) }
            // A quoted value starts after its quote, so an offset into it (an expression's
            // syntax error) lands on the right column.
            var at = loc
            if scalar.style == .singleQuoted || scalar.style == .doubleQuoted { at.column = at.column.map { $0 + 1 } }
            return .scalar(scalar.string, at)
        case .sequence(let seq):
            return .list(try seq.map { try convert($0, file: file, budget: &budget) }, loc)
        case .mapping(let mapping):
            return .map(try mapping.map { pair in
                let keyLoc = SourceLocation(file: file, line: pair.key.mark?.line, column: pair.key.mark?.column)
                return (pair.key.string ?? "", keyLoc, try convert(pair.value, file: file, budget: &budget))
            }, loc)
        case .alias:
            return .null(loc)
        }
    }

    private static func locationOf(_ error: YamlError, file: String, yaml: String) -> SourceLocation {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        case .reader(_, let offset?, _, _):
            // libyaml's reader gives a byte offset (bad UTF-8, a control character).
            let before = yaml.utf8.prefix(offset)
            let line = before.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            let column = before.count - (before.lastIndex(of: UInt8(ascii: "\n")).map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0) + 1
            return SourceLocation(file: file, line: line, column: column)
        default:
            return SourceLocation(file: file)
        }
    }

    /// Where `key` appears a second time at the same indentation: Yams reports duplicate
    /// keys without a position, so the text is searched for it.
    static func duplicateLocation(of key: String, in yaml: String, file: String) -> SourceLocation {
        // Columns of the open mappings in which `key` was already seen.
        var seen: Set<Int> = []
        for (n, line) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var text = Substring(line)
            let indent = text.prefix { $0 == " " }.count
            text = text.dropFirst(indent)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let item = text.hasPrefix("- ")
            let column = indent + (item ? 2 : 0)
            if item { text = text.dropFirst(2) }
            // A line closes the mappings indented deeper; a list item opens a new one at its column.
            seen = seen.filter { item ? $0 < column : $0 <= indent }
            for candidate in [key, "\"\(key)\"", "'\(key)'"] where text.hasPrefix(candidate) {
                guard text.dropFirst(candidate.count).drop(while: { $0 == " " }).hasPrefix(":") else { continue }
                if !seen.insert(column).inserted { return SourceLocation(file: file, line: n + 1, column: column + 1) }
            }
        }
        return SourceLocation(file: file)
    }

    private static func syntaxMessage(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return "\(error)"
        }
    }
}

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
        case .scalar: return "a value"
        case .list: return "a list"
        case .map: return "a mapping"
        case .null: return "nothing"
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
            throw ODPError.definition([Diagnostic(locationOf(error, file: file), "YAML syntax error: \(syntaxMessage(error))",
                                                  hint: "check indentation and quoting near this line")])
        }
    }

    private static func convert(_ node: Node, file: String, budget: inout Int) throws -> ConfigValue {
        let loc = SourceLocation(file: file, line: node.mark?.line, column: node.mark?.column)
        budget -= 1
        guard budget >= 0 else {
            throw ODPError.definition([Diagnostic(loc, "the definition expands to more than \(maxValues) values",
                                                  hint: "aliases (`*name`) of aliases multiply; write the values out instead")])
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

    private static func locationOf(_ error: YamlError, file: String) -> SourceLocation {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        default:
            return SourceLocation(file: file)
        }
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

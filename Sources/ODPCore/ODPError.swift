/// A position in a definition or data file, for messages a data officer can act on.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    /// The field (column) concerned, when the problem is inside a data row.
    public var field: String?

    public init(file: String, line: Int? = nil, column: Int? = nil, field: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        if let field { text += " [\(field)]" }
        return text
    }
}

/// A problem found in a definition (`odp validate`) or while reading data.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var location: SourceLocation
    public var message: String
    public var hint: String?
    public var severity: Severity
    /// The catalog code (docs/errors.md); an error without one is `ErrorCode.definition`.
    public var code: ErrorCode?

    public init(_ location: SourceLocation, _ message: String, hint: String? = nil, severity: Severity = .error, code: ErrorCode? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
        self.severity = severity
        self.code = code
    }

    /// `file:line:column: error: message（提示：…） [ODP-E0103]`, the format editors and CI
    /// logs understand (the severity word stays English for them), with the error's code at the end.
    public var description: String {
        var text = "\(location): \(severity.rawValue): \(message)"
        if let hint { text += "（提示：\(hint)）" }
        if severity == .error || code != nil { text += " [\(code ?? .definition)]" }
        return text
    }
}

/// The errors ODP reports. A struct over a private enum so that adding a case does not
/// break callers (the swift-nio / swift-log habit), with a description that names the
/// file, row and field.
public struct ODPError: Error, Sendable, CustomStringConvertible {
    private enum Kind: Sendable {
        case definition([Diagnostic])
        case data(SourceLocation, String)
        case source(String, String)
        case io(String, String)
        case usage(String)
        case publish(String, String)
    }

    private let kind: Kind
    private var explicitCode: ErrorCode?

    /// One or more definition problems (exit code 1).
    public static func definition(_ diagnostics: [Diagnostic]) -> ODPError { .init(kind: .definition(diagnostics)) }
    /// Bad data at a file/row/field.
    public static func data(_ location: SourceLocation, _ message: String) -> ODPError { .init(kind: .data(location, message)) }
    /// A source that cannot be read (database down, refused credentials, missing file).
    public static func source(_ name: String, _ message: String) -> ODPError { .init(kind: .source(name, message)) }
    /// A file that cannot be read or written.
    public static func io(_ path: String, _ message: String) -> ODPError { .init(kind: .io(path, message)) }
    public static func usage(_ message: String) -> ODPError { .init(kind: .usage(message)) }
    /// An upload that failed after its retries.
    public static func publish(_ target: String, _ message: String) -> ODPError { .init(kind: .publish(target, message)) }

    public var diagnostics: [Diagnostic] {
        if case .definition(let items) = kind { return items }
        return []
    }

    /// The same error under a more precise catalog code.
    public func coded(_ code: ErrorCode) -> ODPError {
        var copy = self
        copy.explicitCode = code
        return copy
    }

    /// The catalog code (docs/errors.md).
    public var code: ErrorCode {
        if let explicitCode { return explicitCode }
        switch kind {
        case .definition(let items): return items.first { $0.severity == .error }?.code ?? .definition
        case .data: return .dataRow
        case .source: return .source
        case .io: return .io
        case .usage: return .usage
        case .publish: return .publish
        }
    }

    /// The message without its code (a definition error: its diagnostics, each with its own).
    public var message: String {
        switch kind {
        case .definition(let items): return items.map(\.description).joined(separator: "\n")
        case .data(let location, let message): return "\(location): \(message)"
        case .source(let name, let message): return "数据源 \(name)：\(message)"
        case .io(let path, let message): return "\(path): \(message)"
        case .usage(let message): return message
        case .publish(let target, let message): return "上传目标 \(target)：\(message)"
        }
    }

    public var isDefinitionError: Bool {
        switch kind {
        case .definition, .usage: return true
        default: return false
        }
    }

    /// The message with its code at the end, `… [ODP-E0301]` (a definition error's lines
    /// carry their own codes).
    public var description: String {
        if case .definition = kind { return message }
        return "\(message) [\(code)]"
    }
}

import Foundation

/// Where a secret lives: an environment variable or a file. The value itself is read only
/// when needed and never appears in descriptions, logs or reports.
public enum SecretRef: Sendable, Hashable, CustomStringConvertible {
    case environment(String)
    case file(String)

    public init?(_ text: String) {
        if text.hasPrefix("env:"), text.count > 4 {
            self = .environment(String(text.dropFirst(4)))
        } else if text.hasPrefix("file:"), text.count > 5 {
            self = .file(String(text.dropFirst(5)))
        } else {
            return nil
        }
    }

    /// Names the reference, never the value.
    public var description: String {
        switch self {
        case .environment(let name): return "env:\(name)"
        case .file(let path): return "file:\(path)"
        }
    }

    /// Reads the secret. A file path is resolved against `base` (the definition's folder);
    /// one trailing newline is dropped.
    public func resolve(relativeTo base: URL? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw ODPError.usage("密钥 \(self) 未设置（not set）：运行前先设置环境变量 \(name)（export \(name)=…）").coded(.secretUnavailable)
            }
            return value
        case .file(let path):
            let url = path.hasPrefix("/") || base == nil ? URL(fileURLWithPath: path) : base!.appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: url.path), var text = String(data: data, encoding: .utf8) else {
                throw ODPError.usage("密钥 \(self) 无法读取（cannot be read）：文件不存在、没有读权限或不是 UTF-8 文本").coded(.secretUnavailable)
            }
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            guard !text.isEmpty else { throw ODPError.usage("密钥 \(self) 为空（empty）").coded(.secretUnavailable) }
            return text
        }
    }
}

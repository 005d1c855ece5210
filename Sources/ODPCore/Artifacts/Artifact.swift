import Foundation

/// A file that one stage writes and another reads (release.json, latest.json, reports,
/// receipts, state…). Each has exactly one Codable type, and every read and write goes
/// through `ArtifactCodec`, so the writer and every reader agree on names and meaning.
///
/// ## Versions
/// The codec writes `schema_version` next to the type's own keys. Reading:
/// - an older version (or a file written before versions existed, read as 0) is passed
///   through `migrate` and then decoded;
/// - a newer version is an error that names the file, so an old `odp` never guesses at a
///   format it does not know.
///
/// Additive changes (a new optional key) need no new version. Bump `schemaVersion` when a
/// key is renamed, removed or changes meaning, and teach `migrate` the old shape.
public protocol Artifact: Codable, Sendable {
    /// The file kind in messages, e.g. "release.json".
    static var artifactName: String { get }
    /// The schema this build writes.
    static var schemaVersion: Int { get }
    /// Rewrites the JSON of an older schema (`version` < `schemaVersion`; 0 means the file
    /// predates versioning) into the current shape. The default accepts it unchanged.
    static func migrate(_ json: inout ArtifactJSON, from version: Int) throws
}

extension Artifact {
    public static func migrate(_ json: inout ArtifactJSON, from version: Int) throws {}
}

/// The one reader and writer of artifacts: stable bytes (sorted keys, two-space indent,
/// unescaped slashes, ISO 8601 dates, trailing newline) for stable values.
public enum ArtifactCodec {
    public static let versionKey = "schema_version"

    public static func encode<T: Artifact>(_ value: T) throws -> Data {
        var tree = try ArtifactJSON(encoding: value)
        if case .object(var members) = tree {
            members[versionKey] = .int(Int64(T.schemaVersion))
            tree = .object(members)
        }
        return try tree.encoded(pretty: true) + Data("\n".utf8)
    }

    /// Decodes `data`, read from `file` (named in errors), migrating older versions.
    public static func decode<T: Artifact>(_ type: T.Type, from data: Data, file: String) throws -> T {
        var tree: ArtifactJSON
        do { tree = try JSONDecoder().decode(ArtifactJSON.self, from: data) } catch {
            throw ODPError.io(file, "\(T.artifactName) 不是有效的 JSON (not valid JSON): \(error.localizedDescription)").coded(.artifact)
        }
        guard case .object(var members) = tree else {
            throw ODPError.io(file, "\(T.artifactName) 的顶层应为 JSON 对象 (top level is not an object)").coded(.artifact)
        }
        let version: Int
        switch members.removeValue(forKey: versionKey) {
        case nil, .null?: version = 0
        case .int(let n)?: version = Int(n)
        default: throw ODPError.io(file, "\(T.artifactName) 的 schema_version 不是整数 (schema_version is not an integer)").coded(.artifact)
        }
        if version > T.schemaVersion {
            throw ODPError.io(file, "\(T.artifactName) 由更新版本的 odp 写出 (schema_version \(version)，本程序最多支持 \(T.schemaVersion))，请升级 odp 后再读取 (written by a newer odp)").coded(.artifact)
        }
        tree = .object(members)
        if version < T.schemaVersion { try T.migrate(&tree, from: version) }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(T.self, from: try tree.encoded(pretty: false))
        } catch let error as DecodingError {
            throw ODPError.io(file, "\(T.artifactName) 内容不符合格式 (does not match its schema): \(describe(error))").coded(.artifact)
        }
    }

    /// Reads the artifact at `url`, or nil when the file does not exist.
    public static func read<T: Artifact>(_ type: T.Type, at url: URL) throws -> T? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try decode(type, from: data, file: url.path)
    }

    /// Writes the artifact atomically (temporary sibling, fsync, rename).
    public static func write<T: Artifact>(_ value: T, to url: URL) throws {
        try AtomicFile.write(try encode(value), to: url)
    }

    /// Reads, changes and writes the artifact at `url` under an exclusive lock (`<url>.lock`),
    /// so two writers at once (portal and CLI, two pods on one volume) never overwrite each
    /// other's change. A missing file starts as `empty`. Returns what was written; `mode` is
    /// the file's permissions (0600 for files holding personal data).
    @discardableResult
    public static func update<T: Artifact>(_ type: T.Type, at url: URL, empty: @autoclosure () -> T, mode: mode_t = 0o644,
                                           _ change: (inout T) throws -> Void) throws -> T {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ODPError.io(url.path, "无法锁定文件（cannot lock）：\(String(cString: strerror(errno)))") }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        var value = try read(type, at: url) ?? empty()
        try change(&value)
        try AtomicFile.write(try encode(value), to: url, mode: mode)
        return value
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "$" : "$." + keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "缺少键（missing key）\(key.stringValue)，位置 \(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

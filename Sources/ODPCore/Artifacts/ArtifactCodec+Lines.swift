import Foundation

/// JSON-lines artifacts (the audit trail, the upload journal): one compact object per line,
/// each carrying its own `schema_version`, so a file appended to by several odp versions
/// stays readable line by line.
extension ArtifactCodec {
    /// One line's bytes, without the newline: compact, sorted keys, unescaped slashes.
    public static func encodeLine<T: Artifact>(_ value: T) throws -> Data {
        var tree = try ArtifactJSON(encoding: value)
        tree[versionKey] = .int(Int64(T.schemaVersion))
        return try tree.encoded(pretty: false)
    }

    /// Every complete line of a JSON-lines file that decodes as `T`. A torn or foreign
    /// line is skipped: it was never acknowledged to anyone (see the writers).
    public static func readLines<T: Artifact>(_ type: T.Type, at url: URL) -> [T] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        return data.split(separator: 0x0A).compactMap { try? decode(T.self, from: Data($0), file: url.path) }
    }
}

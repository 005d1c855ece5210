import Foundation

/// One file of a release with its size and SHA-256 (lowercase hex): a `data_files` entry of
/// release.json, a line of SHA256SUMS with its size, and what ODPPublish uploads.
public struct ReleaseFile: Codable, Sendable, Hashable {
    /// Relative to the release directory, `/`-separated.
    public var path: String
    public var bytes: Int
    public var sha256: String

    public init(path: String, bytes: Int, sha256: String) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
    }

    /// Byte order, like `LC_ALL=C sort`, so it does not depend on Unicode collation.
    public static func pathPrecedes(_ a: String, _ b: String) -> Bool {
        Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
    }
}

import Foundation

/// `manifest.json`, which a dir, SFTP or FTP target writes beside a release's files (see
/// `FileDropMarkers`): what a receiving system checks the set against.
///
/// ## Versions
/// Version 0 (before versions) had the same keys and no `schema_version`. Published bytes
/// never change, so a target that already holds a version 0 manifest keeps it:
/// `legacyEncoding` gives its bytes, to recognise the set as complete.
public struct FileDropManifest: Artifact, Equatable {
    public static let artifactName = "manifest.json"
    public static let schemaVersion = 1

    public struct File: Codable, Sendable, Equatable {
        /// Path inside the release (`data/x.csv`).
        public var path: String
        public var sha256: String
        public var size: Int64

        public init(path: String, sha256: String, size: Int64) {
            self.path = path
            self.sha256 = sha256
            self.size = size
        }
    }

    public var dataset: String
    public var version: String
    public var files: [File]

    public init(dataset: String, version: String, files: [File]) {
        self.dataset = dataset
        self.version = version
        self.files = files
    }

    /// The bytes an odp before schema versions wrote for this manifest.
    public func legacyEncoding() throws -> Data {
        try ArtifactJSON(encoding: self).encoded(pretty: true) + Data("\n".utf8)
    }
}

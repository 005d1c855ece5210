import Foundation

/// `releases/<dataset>/latest.json`: the newest released (or approved) version. Written by
/// ODPRelease when a release goes out or a data officer approves one; read by the catalog,
/// the portal and change detection.
public struct LatestPointer: Artifact, Hashable {
    public static let artifactName = "latest.json"
    public static let schemaVersion = 1
    public static let fileName = "latest.json"

    public var datasetId: String
    public var version: String
    public var contentHash: String
    /// The version folder relative to latest.json, with a trailing slash.
    public var path: String

    public init(datasetId: String, version: String, contentHash: String) {
        self.datasetId = datasetId
        self.version = version
        self.contentHash = contentHash
        path = "\(version)/"
    }

    enum CodingKeys: String, CodingKey {
        case version, path
        case datasetId = "dataset_id"
        case contentHash = "content_hash"
    }

    /// The pointer in a dataset's releases folder; nil when the dataset was never released.
    public static func read(datasetDirectory: URL) throws -> LatestPointer? {
        try ArtifactCodec.read(LatestPointer.self, at: datasetDirectory.appendingPathComponent(fileName))
    }

    public func write(datasetDirectory: URL) throws {
        try ArtifactCodec.write(self, to: datasetDirectory.appendingPathComponent(Self.fileName))
    }
}

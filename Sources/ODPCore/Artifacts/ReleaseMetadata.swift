import Foundation

/// release.json: what a release is (version, content hash, status, data files, signer,
/// changes). Written once by ODPRelease when the release is complete; read by change
/// detection, the catalog, ODPPublish, the portal and `odp`.
///
/// ## Versions
/// 0 (before `schema_version`): files made before the published-file gate lack
/// `published_file_gate`, which reads as 0 so such a release is never reused as unchanged.
public struct ReleaseMetadata: Artifact, Hashable {
    public static let artifactName = "release.json"
    public static let schemaVersion = 1
    public static let fileName = "release.json"
    public static let versionScheme = "YYYY.MM.DD.N (UTC day of the run, N from 1)"

    /// What the gate decided when the release was written.
    public enum Status: String, Codable, Sendable, Hashable {
        /// Goes out: `latest.json` points at it.
        case released
        /// Kept for the record but not published (`holdReasons` say why).
        case held
        /// Complete but waits for a data officer.
        case awaitingApproval = "awaiting_approval"
    }

    public var datasetId: String
    public var version: String
    public var status: Status
    public var holdReasons: [String]
    /// SHA-256 of the CSV bytes followed by the schema JSON: equal hashes, equal content.
    public var contentHash: String
    /// Release time, ISO 8601 UTC.
    public var created: String
    public var rowCount: Int
    @Nullable public var previousVersion: String?
    public var definitionHash: String
    public var versionScheme: String = ReleaseMetadata.versionScheme
    /// One per format, the CSV first.
    public var dataFiles: [ReleaseFile]
    /// The published-file gate version every other file of this release passed before
    /// promotion (0: made before the gate, never reused as "unchanged").
    public var publishedFileGate: Int
    /// Set when SHA256SUMS is signed; the release then carries `SHA256SUMS.sig`.
    @Nullable public var signature: ReleaseSignature?
    /// Nil for the first version.
    @Nullable public var changes: ChangeSummary?

    public init(datasetId: String, version: String, status: Status, holdReasons: [String], contentHash: String, created: String,
                rowCount: Int, previousVersion: String?, definitionHash: String, dataFiles: [ReleaseFile], publishedFileGate: Int,
                signature: ReleaseSignature?, changes: ChangeSummary?) {
        self.datasetId = datasetId
        self.version = version
        self.status = status
        self.holdReasons = holdReasons
        self.contentHash = contentHash
        self.created = created
        self.rowCount = rowCount
        self.previousVersion = previousVersion
        self.definitionHash = definitionHash
        self.dataFiles = dataFiles
        self.publishedFileGate = publishedFileGate
        self.signature = signature
        self.changes = changes
    }

    enum CodingKeys: String, CodingKey {
        case version, status, created, signature, changes
        case datasetId = "dataset_id"
        case holdReasons = "hold_reasons"
        case contentHash = "content_hash"
        case rowCount = "row_count"
        case previousVersion = "previous_version"
        case definitionHash = "definition_hash"
        case versionScheme = "version_scheme"
        case dataFiles = "data_files"
        case publishedFileGate = "published_file_gate"
    }

    public static func migrate(_ json: inout ArtifactJSON, from version: Int) throws {
        if version < 1, json["published_file_gate"] == nil { json["published_file_gate"] = .int(0) }
    }

    public var isSigned: Bool { signature != nil }

    /// The metadata of the release in `directory`; nil when there is none (an incomplete
    /// folder), an error when it cannot be read.
    public static func read(release directory: URL) throws -> ReleaseMetadata? {
        try ArtifactCodec.read(ReleaseMetadata.self, at: directory.appendingPathComponent(fileName))
    }
}

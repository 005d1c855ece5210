import Foundation
import ODPCore

/// Everything known about a release being written, shared by the descriptor, README and
/// release.json builders.
struct ReleaseDescription {
    var definition: DatasetDefinition
    var schema: Schema
    var version: String
    /// ISO 8601 UTC.
    var created: String
    var rowCount: Int
    var status: ReleaseStatus
    var contentHash: String
    var previousVersion: String?
    var changes: ChangeSummary?
    /// One per `definition.formats`, in that order (the CSV first).
    var dataFiles: [ReleaseFile]
    /// Loaded code tables, for the codes a `code` field may hold.
    var codeTables: [String: CodeTable] = [:]
    /// Set when SHA256SUMS is signed.
    var signature: ReleaseSignature?
    /// Who publishes it where: its identifiers and citation.
    var publishing = ReleasePublishing()

    var id: String { definition.id }

    /// Bumped when the published-file gate learns something an older release may not have passed.
    static let publishedFileGateVersion = 1

    var metadata: ReleaseMetadata {
        ReleaseMetadata(datasetId: id, version: version, status: status.stored, holdReasons: status.holdReasons,
                        contentHash: contentHash, created: created, rowCount: rowCount, previousVersion: previousVersion,
                        definitionHash: definition.definitionHash, dataFiles: dataFiles,
                        publishedFileGate: ReleaseDescription.publishedFileGateVersion, signature: signature, changes: changes)
    }
}

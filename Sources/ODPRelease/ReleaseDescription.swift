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

    var id: String { definition.id }

    /// Bumped when the published-file gate learns something an older release may not have passed.
    static let publishedFileGateVersion = 1

    func releaseJSON() throws -> Data {
        var object: [String: Any] = [
            "dataset_id": id,
            "version": version,
            "status": status.slug,
            "hold_reasons": status.holdReasons,
            "content_hash": contentHash,
            "created": created,
            "row_count": rowCount,
            "previous_version": previousVersion ?? NSNull(),
            "definition_hash": definition.definitionHash,
            "version_scheme": "YYYY.MM.DD.N (UTC day of the run, N from 1)",
            "data_files": dataFiles.map { ["path": $0.path, "bytes": $0.bytes, "sha256": $0.sha256] },
            // Every other file of this release passed the published-file gate before promotion;
            // a release without this mark is never reused as "unchanged" (it was made before the gate).
            "published_file_gate": ReleaseDescription.publishedFileGateVersion,
        ]
        object["signature"] = signature?.json ?? NSNull()
        if let changes {
            object["changes"] = [
                "previous_version": changes.previousVersion,
                "compared_by": changes.comparedBy,
                "added": changes.added,
                "removed": changes.removed,
                "changed": changes.changed,
                "schema_changes": changes.schemaChanges.map { c -> [String: Any] in
                    ["change": c.kind.rawValue, "field": c.field, "from": c.from ?? NSNull(), "to": c.to ?? NSNull()]
                },
            ]
        } else {
            object["changes"] = NSNull()
        }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]) + Data("\n".utf8)
    }
}

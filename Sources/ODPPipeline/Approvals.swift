import Foundation
import ODPCore

/// Data officers' decisions on releases that need approval (`approval: required`), kept in
/// `state/approvals.json` (`ApprovalDecisions`), or as the `approvals.json` document of a
/// shared state store, and mirrored in the audit trail.
public struct Approvals: Sendable {
    public private(set) var file: ApprovalDecisions
    let url: URL
    let records: SharedRecords?

    /// - Throws: `ODPError.io` naming the file when it is not an approvals file this odp reads.
    public init(url: URL) throws {
        self.init(url: url, records: nil, file: try ArtifactCodec.read(ApprovalDecisions.self, at: url) ?? ApprovalDecisions())
    }

    /// The decisions where `store` keeps them: its records when it is shared, else the file.
    public init(layout: OutputLayout, store: StateStore) throws {
        guard let records = store as? SharedRecords else {
            try self.init(url: layout.approvals)
            return
        }
        let stored = try records.document(Self.documentName).map { try ArtifactCodec.decode(ApprovalDecisions.self, from: $0, file: Self.documentName) }
        self.init(url: layout.approvals, records: records, file: stored ?? ApprovalDecisions())
    }

    private init(url: URL, records: SharedRecords?, file: ApprovalDecisions) {
        self.url = url
        self.records = records
        self.file = file
    }

    static let documentName = "approvals.json"

    public func isApproved(dataset: String, version: String) -> Bool {
        decision(dataset: dataset, version: version)?.verdict == .approved
    }

    public func decision(dataset: String, version: String) -> ApprovalDecision? { file.decision(dataset: dataset, version: version) }

    /// Re-reads the file under an exclusive lock before writing, so two decisions made at
    /// once (portal and CLI) never overwrite each other.
    public mutating func record(dataset: String, version: String, approved: Bool, by: String, note: String?) throws {
        let decision = ApprovalDecision(verdict: approved ? .approved : .rejected, by: by, note: note, time: Date())
        if let records {
            var updated = file
            try records.updateDocument(Self.documentName) { current in
                updated = try current.map { try ArtifactCodec.decode(ApprovalDecisions.self, from: $0, file: Self.documentName) } ?? ApprovalDecisions()
                updated.decisions[dataset, default: [:]][version] = decision
                return try ArtifactCodec.encode(updated)
            }
            file = updated
            // Mirrored for the portal's queue, which reads the output folder.
            try ArtifactCodec.write(updated, to: url)
            return
        }
        file = try ArtifactCodec.update(ApprovalDecisions.self, at: url, empty: ApprovalDecisions()) {
            $0.decisions[dataset, default: [:]][version] = decision
        }
    }
}

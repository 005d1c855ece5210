import Foundation
import ODPCore

/// Data officers' decisions on releases that need approval (`approval: required`), kept in
/// `state/approvals.json` (`ApprovalDecisions`) and mirrored in the audit trail.
public struct Approvals: Sendable {
    public private(set) var file: ApprovalDecisions
    let url: URL

    /// - Throws: `ODPError.io` naming the file when it is not an approvals file this odp reads.
    public init(url: URL) throws {
        self.url = url
        file = try ArtifactCodec.read(ApprovalDecisions.self, at: url) ?? ApprovalDecisions()
    }

    public func isApproved(dataset: String, version: String) -> Bool {
        decision(dataset: dataset, version: version)?.verdict == .approved
    }

    public func decision(dataset: String, version: String) -> ApprovalDecision? { file.decision(dataset: dataset, version: version) }

    /// Re-reads the file under an exclusive lock before writing, so two decisions made at
    /// once (portal and CLI) never overwrite each other.
    public mutating func record(dataset: String, version: String, approved: Bool, by: String, note: String?) throws {
        file = try ArtifactCodec.update(ApprovalDecisions.self, at: url, empty: ApprovalDecisions()) {
            $0.decisions[dataset, default: [:]][version] = ApprovalDecision(verdict: approved ? .approved : .rejected, by: by, note: note, time: Date())
        }
    }
}

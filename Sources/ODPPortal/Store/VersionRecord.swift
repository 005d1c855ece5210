import Foundation
import ODPCore

/// One release version as recorded in its release.json, plus whether the public may see it.
struct VersionRecord: Sendable {
    var metadata: ReleaseMetadata
    /// The data officer's decision from state/approvals.json, if any.
    var decision: ApprovalDecision?
    var isLatest: Bool

    var version: String { metadata.version }
    /// `released`, `held`, `awaiting_approval` (release.json), or `released` for the version
    /// latest.json points at.
    var status: String { isLatest ? ReleaseMetadata.Status.released.rawValue : metadata.status.rawValue }
    var created: String? { metadata.created }
    var rowCount: Int? { metadata.rowCount }
    var previousVersion: String? { metadata.previousVersion }
    var holdReasons: [String] { metadata.holdReasons }
    /// Nil for the first version.
    var changes: ChangeSummary? { metadata.changes }

    /// Researchers see released versions and those a data officer approved.
    var isPublished: Bool {
        isLatest || metadata.status == .released || decision?.verdict == .approved
    }

    /// Waiting for a data officer: complete, marked for approval, not yet decided.
    var isAwaitingApproval: Bool {
        !isPublished && metadata.status == .awaitingApproval && decision == nil
    }

    var statusTitle: String {
        if isPublished { return "已发布" }
        if decision?.verdict == .rejected { return "已驳回" }
        switch metadata.status {
        case .held: return "暂缓发布"
        case .awaitingApproval: return "待审核"
        case .released: return "已发布"
        }
    }

    /// One line in Chinese: rows added, removed, changed and schema changes.
    var changeSummary: String { ChangeSummary.text(changes, previousVersion: previousVersion) }

    var json: ArtifactJSON {
        [
            "version": .string(version), "status": .string(status), "published": .bool(isPublished), "latest": .bool(isLatest),
            "created": ArtifactJSON(created), "row_count": ArtifactJSON(rowCount),
            "previous_version": ArtifactJSON(previousVersion), "hold_reasons": ArtifactJSON(holdReasons),
            "change_summary": .string(changeSummary), "changes": (try? changes.map(ArtifactJSON.init(encoding:))) ?? .null,
        ]
    }
}

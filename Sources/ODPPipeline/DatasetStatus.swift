import Foundation
import ODPCore

/// One dataset in `odp status` (and its `--json`): its newest version and what state that
/// version is in, the version the public sees, the last run, uploads per target, and
/// where to look next.
public struct DatasetStatus: Codable, Sendable, Equatable {
    /// The state of the dataset's newest version.
    public enum State: String, Codable, Sendable {
        /// Released and uploaded (or unchanged since).
        case published
        /// Held by the quality or privacy gate.
        case held
        /// Waiting for a data officer (`odp approve`).
        case awaitingApproval = "awaiting_approval"
        /// Approved since the last run: the next run publishes it.
        case approved
        /// Rejected by a data officer: stays unpublished until the data changes.
        case rejected
        /// The last run failed for this dataset.
        case failed
        /// The last run was stopped by a signal before this dataset finished.
        case interrupted
        /// No run has reached it yet.
        case neverRun = "never_run"
        /// Withdrawn as a whole (`odp withdraw`): `odp run` skips it until it is restored.
        case withdrawn

        public var label: String {
            switch self {
            case .published: return "已发布 published"
            case .held: return "已拦截 held"
            case .awaitingApproval: return "待审核 awaiting approval"
            case .approved: return "已批准，下次运行发布 approved"
            case .rejected: return "已驳回 rejected"
            case .failed: return "失败 failed"
            case .interrupted: return "已中断 interrupted"
            case .neverRun: return "尚未运行 never run"
            case .withdrawn: return "已撤回 withdrawn"
            }
        }
    }

    /// The last run that included this dataset.
    public struct LastRun: Codable, Sendable, Equatable {
        /// When that run started (ISO 8601 UTC).
        public var started: String
        public var status: DatasetRunStatus
        public var version: String?
        /// Its error, when it failed.
        public var error: String?
        /// The run report it is in.
        public var report: String
    }

    /// Uploads of this dataset to one target, from the upload journal.
    public struct Uploads: Codable, Sendable, Equatable {
        public var target: String
        /// The newest version every file of which the target confirmed.
        public var publishedVersion: String?
        /// Files a run set out to upload and the target has not confirmed, as `version/file`.
        public var pending: [String]
    }

    public var dataset: String
    public var title: String
    /// The newest version the last runs made, whatever its state.
    public var version: String?
    public var state: State
    /// The version `latest.json` points at: what the public sees.
    public var publishedVersion: String?
    /// Gate findings of a held version.
    public var reasons: [String]
    public var lastRun: LastRun?
    public var uploads: [Uploads]
    /// Whether the public version is within the dataset's 更新周期; nil before a release.
    public var timeliness: DatasetTimeliness?
    /// Where to look next, for a person (Chinese, with paths and commands).
    public var next: [String]
    /// Versions taken out by `odp withdraw`, oldest first.
    public var withdrawnVersions: [String] = []

    enum CodingKeys: String, CodingKey {
        case dataset, title, version, state, publishedVersion = "published_version", reasons, lastRun = "last_run", uploads, timeliness, next
        case withdrawnVersions = "withdrawn_versions"
    }
}

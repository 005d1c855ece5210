/// How one dataset's run ended: the run report, dataset state, status and notifications
/// all use these names.
public enum DatasetRunStatus: String, Codable, Sendable, CaseIterable {
    /// A new version was released (and uploaded, when targets exist).
    case published
    /// Nothing changed since the last release.
    case unchanged
    /// The gate held the release (quality or privacy).
    case held
    /// Packaged, waiting for a data officer's approval.
    case awaitingApproval = "awaiting_approval"
    /// Extraction, packaging or upload failed.
    case failed
    /// Not due (`--due`) or not selected.
    case skipped
    /// The run was stopped by a signal before this dataset finished; nothing of it is visible.
    case interrupted
    /// Withdrawn as a whole by `odp withdraw` and not restored: not run.
    case withdrawn

    /// The Chinese label people read in summaries and `odp status`.
    public var label: String {
        switch self {
        case .published: return "published 已发布"
        case .unchanged: return "unchanged 无变化"
        case .held: return "held 已拦截"
        case .awaitingApproval: return "awaiting approval 待审核"
        case .failed: return "FAILED 失败"
        case .skipped: return "skipped 未到期"
        case .interrupted: return "interrupted 已中断"
        case .withdrawn: return "withdrawn 已撤回"
        }
    }
}

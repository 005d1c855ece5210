import Foundation
import ODPCore

/// How one dataset's run ended, for the exit code, the run report and metrics.
public struct DatasetOutcome: Sendable {
    public enum Status: String, Sendable {
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
    }

    public var dataset: String
    public var status: Status
    public var version: String?
    /// Read, unreadable and rejected rows and feedback entries, as the quality report counts them.
    public var counts = RowCounts()
    public var rowsRead: Int { get { counts.read } set { counts.read = newValue } }
    /// Rejected rows, unreadable ones included.
    public var rowsRejected: Int { get { counts.rejected } set { counts.rejected = newValue } }
    public var rowsReleased = 0
    public var seconds = 0.0
    public var bytesPublished = 0
    public var reasons: [String] = []
    public var metrics: [String: Double] = [:]
    public var error: String?
    /// Wall time per stage (`extract`, `check`, `desensitize`, `package`, `finish`, `upload`), for the benchmark.
    public var stageSeconds: [String: Double] = [:]
    /// What reconciliation found, by kind (`hard_delete`, `late_write`, `null_watermark`,
    /// `drift`); nil when it did not run.
    public var reconciliation: [String: Int]?

    public init(dataset: String, status: Status) {
        self.dataset = dataset
        self.status = status
    }

    var json: [String: Any] {
        var o: [String: Any] = ["dataset": dataset, "status": status.rawValue, "rows_read": rowsRead, "rows_rejected": rowsRejected,
                                "rows_unreadable": counts.unreadable, "problems": counts.problemEntries,
                                "rows_released": rowsReleased, "seconds": (seconds * 1000).rounded() / 1000, "bytes_published": bytesPublished]
        if let version { o["version"] = version }
        if !reasons.isEmpty { o["reasons"] = reasons }
        if !metrics.isEmpty { o["metrics"] = metrics }
        if let error { o["error"] = error }
        if let reconciliation { o["reconciliation"] = reconciliation }
        return o
    }
}

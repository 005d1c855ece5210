import Foundation
import ODPCore

/// How one dataset's run ended, for the exit code, the run report and metrics.
public struct DatasetOutcome: Sendable {
    public typealias Status = DatasetRunStatus

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
    public var metrics = DatasetMetrics()
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

    /// Its part of the run report.
    var report: DatasetReport {
        DatasetReport(dataset: dataset, status: status, version: version, rowsRead: rowsRead, rowsRejected: rowsRejected,
                      rowsUnreadable: counts.unreadable, problems: counts.problemEntries, rowsReleased: rowsReleased,
                      seconds: (seconds * 1000).rounded() / 1000, bytesPublished: bytesPublished,
                      reasons: reasons.isEmpty ? nil : reasons, metrics: metrics.isEmpty ? nil : metrics, error: error,
                      reconciliation: reconciliation)
    }
}

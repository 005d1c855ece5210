/// One dataset's part of a run report: how its run ended, rows, time, uploads and why.
public struct DatasetReport: Codable, Sendable, Equatable {
    public var dataset: String
    public var status: DatasetRunStatus
    public var version: String?
    public var rowsRead: Int
    /// Rejected rows, unreadable ones included.
    public var rowsRejected: Int
    public var rowsUnreadable: Int
    /// Problem entries in the department feedback list.
    public var problems: Int
    public var rowsReleased: Int
    public var seconds: Double
    public var bytesPublished: Int
    /// Why it was held (gate findings), when it was.
    public var reasons: [String]?
    public var metrics: DatasetMetrics?
    public var error: String?
    /// What reconciliation found, by kind (`hard_delete`, `late_write`, `null_watermark`,
    /// `drift`), when it ran.
    public var reconciliation: [String: Int]?

    enum CodingKeys: String, CodingKey {
        case dataset, status, version, rowsRead = "rows_read", rowsRejected = "rows_rejected", rowsUnreadable = "rows_unreadable"
        case problems, rowsReleased = "rows_released", seconds, bytesPublished = "bytes_published", reasons, metrics, error
        case reconciliation
    }

    public init(dataset: String, status: DatasetRunStatus, version: String? = nil, rowsRead: Int = 0, rowsRejected: Int = 0,
                rowsUnreadable: Int = 0, problems: Int = 0, rowsReleased: Int = 0, seconds: Double = 0, bytesPublished: Int = 0,
                reasons: [String]? = nil, metrics: DatasetMetrics? = nil, error: String? = nil,
                reconciliation: [String: Int]? = nil) {
        self.dataset = dataset
        self.status = status
        self.version = version
        self.rowsRead = rowsRead
        self.rowsRejected = rowsRejected
        self.rowsUnreadable = rowsUnreadable
        self.problems = problems
        self.rowsReleased = rowsReleased
        self.seconds = seconds
        self.bytesPublished = bytesPublished
        self.reasons = reasons
        self.metrics = metrics
        self.error = error
        self.reconciliation = reconciliation
    }
}

/// What an audit entry records besides its event, by name. Never a personal value or a
/// secret: counts, versions, hashes, names of people who decided, error messages.
public struct AuditDetails: Codable, Sendable, Equatable {
    // Runs.
    public var pid: Int?
    public var datasets: Int?
    public var dryRun: Bool?
    public var exitCode: Int?
    public var seconds: Double?
    /// The signal that stopped a run (`SIGTERM`, `SIGINT`).
    public var signal: String?
    /// Datasets a stopped run abandoned or never started.
    public var abandoned: [String]?
    // Datasets and releases.
    public var version: String?
    public var rowsRead: Int?
    public var rowsRejected: Int?
    public var rowsReleased: Int?
    public var changed: Bool?
    public var definitionSHA256: String?
    /// `pass` or `hold`.
    public var gate: String?
    public var holdReasons: [String]?
    public var reasons: [String]?
    public var files: Int?
    public var error: String?
    // Incremental extraction.
    public var mode: String?
    public var inserted: Int?
    public var updated: Int?
    public var deleted: Int?
    // Reconciliation: why it ran, how much it compared and re-read, and what it found by kind
    // (`hard_delete`, `late_write`, `null_watermark`, `drift`).
    public var reason: String?
    public var rangesCompared: Int?
    public var rangesDiffering: Int?
    public var rowsReread: Int?
    public var found: [String: Int]?
    // Approvals.
    public var by: String?
    public var note: String?
    /// Where a decision was made: `portal`, or nil for the command line.
    public var via: String?
    // Audit trail repairs.
    public var tornLine: Int?
    public var droppedBytes: Int?
    // 有条件开放: the application number (never the applicant's data) and the file or API path used.
    public var application: String?
    public var path: String?
    /// 纠错与意见: the feedback number (never its text or the submitter's contact).
    public var feedback: String?

    enum CodingKeys: String, CodingKey {
        case pid, datasets, dryRun = "dry_run", exitCode = "exit_code", seconds, signal, abandoned
        case version, rowsRead = "rows_read", rowsRejected = "rows_rejected", rowsReleased = "rows_released", changed
        case definitionSHA256 = "definition_sha256", gate, holdReasons = "hold_reasons", reasons, files, error
        case mode, inserted, updated, deleted, reason, rangesCompared = "ranges_compared", rangesDiffering = "ranges_differing"
        case rowsReread = "rows_reread", found, by, note, via, tornLine = "torn_line", droppedBytes = "dropped_bytes"
        case application, path, feedback
    }

    public init(pid: Int? = nil, datasets: Int? = nil, dryRun: Bool? = nil, exitCode: Int? = nil, seconds: Double? = nil,
                signal: String? = nil, abandoned: [String]? = nil, version: String? = nil, rowsRead: Int? = nil,
                rowsRejected: Int? = nil, rowsReleased: Int? = nil, changed: Bool? = nil, definitionSHA256: String? = nil,
                gate: String? = nil, holdReasons: [String]? = nil, reasons: [String]? = nil, files: Int? = nil, error: String? = nil,
                mode: String? = nil, inserted: Int? = nil, updated: Int? = nil, deleted: Int? = nil, reason: String? = nil,
                rangesCompared: Int? = nil, rangesDiffering: Int? = nil, rowsReread: Int? = nil, found: [String: Int]? = nil, by: String? = nil,
                note: String? = nil, via: String? = nil, tornLine: Int? = nil, droppedBytes: Int? = nil,
                application: String? = nil, path: String? = nil, feedback: String? = nil) {
        self.pid = pid
        self.datasets = datasets
        self.dryRun = dryRun
        self.exitCode = exitCode
        self.seconds = seconds
        self.signal = signal
        self.abandoned = abandoned
        self.version = version
        self.rowsRead = rowsRead
        self.rowsRejected = rowsRejected
        self.rowsReleased = rowsReleased
        self.changed = changed
        self.definitionSHA256 = definitionSHA256
        self.gate = gate
        self.holdReasons = holdReasons
        self.reasons = reasons
        self.files = files
        self.error = error
        self.mode = mode
        self.inserted = inserted
        self.updated = updated
        self.deleted = deleted
        self.reason = reason
        self.rangesCompared = rangesCompared
        self.rangesDiffering = rangesDiffering
        self.rowsReread = rowsReread
        self.found = found
        self.by = by
        self.note = note
        self.via = via
        self.tornLine = tornLine
        self.droppedBytes = droppedBytes
        self.application = application
        self.path = path
        self.feedback = feedback
    }
}

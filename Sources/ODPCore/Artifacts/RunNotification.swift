/// What `notify.command` reads on stdin and `notify.webhook` receives: the datasets of a run
/// that need someone (failed, held, awaiting approval, interrupted), a catalog that was not
/// published, a signal that stopped the run, 数据申请 and 纠错与意见 waiting too long.
public struct RunNotification: Artifact, Equatable {
    public static let artifactName = "notification"
    public static let schemaVersion = 1

    public struct Dataset: Codable, Sendable, Equatable {
        public var dataset: String
        public var status: DatasetRunStatus
        public var version: String?
        public var reasons: [String]
        public var error: String?

        public init(dataset: String, status: DatasetRunStatus, version: String?, reasons: [String], error: String?) {
            self.dataset = dataset
            self.status = status
            self.version = version
            self.reasons = reasons
            self.error = error
        }
    }

    /// A 数据申请 waiting longer than `access.review_working_days`, or a 纠错与意见 (`number`
    /// `<dataset>-F<n>`, `submitted` its receipt) no one answered in that time.
    public struct Application: Codable, Sendable, Equatable {
        public var number: String
        public var dataset: String
        public var submitted: String
        public var workingDays: Int

        enum CodingKeys: String, CodingKey { case number, dataset, submitted, workingDays = "working_days" }

        public init(number: String, dataset: String, submitted: String, workingDays: Int) {
            self.number = number
            self.dataset = dataset
            self.submitted = submitted
            self.workingDays = workingDays
        }
    }

    /// Always `odp_run_attention`.
    public var event: String
    /// Path of the run report.
    public var report: String
    public var datasets: [Dataset]
    /// Datasets whose public version is older than their 更新周期 allows (absent in files
    /// written before it existed).
    public var overdue: [String]
    /// Why the open list and DCAT catalog were not updated, when they were not.
    public var catalogError: String?
    /// The signal that stopped the run, when one did.
    public var signal: String?
    /// Applications for 有条件开放 datasets not reviewed in time (absent in older files).
    public var applicationsOverdue: [Application]
    /// 纠错与意见 still 已收到 after `access.review_working_days` (absent in older files).
    public var feedbackOverdue: [Application]

    enum CodingKeys: String, CodingKey {
        case event, report, datasets, overdue, catalogError = "catalog_error", signal, applicationsOverdue = "applications_overdue"
        case feedbackOverdue = "feedback_overdue"
    }

    public init(report: String, datasets: [Dataset], overdue: [String] = [], catalogError: String? = nil, signal: String? = nil,
                applicationsOverdue: [Application] = [], feedbackOverdue: [Application] = []) {
        event = "odp_run_attention"
        self.report = report
        self.datasets = datasets
        self.overdue = overdue
        self.catalogError = catalogError
        self.signal = signal
        self.applicationsOverdue = applicationsOverdue
        self.feedbackOverdue = feedbackOverdue
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        event = try c.decode(String.self, forKey: .event)
        report = try c.decode(String.self, forKey: .report)
        datasets = try c.decode([Dataset].self, forKey: .datasets)
        overdue = try c.decodeIfPresent([String].self, forKey: .overdue) ?? []
        catalogError = try c.decodeIfPresent(String.self, forKey: .catalogError)
        signal = try c.decodeIfPresent(String.self, forKey: .signal)
        applicationsOverdue = try c.decodeIfPresent([Application].self, forKey: .applicationsOverdue) ?? []
        feedbackOverdue = try c.decodeIfPresent([Application].self, forKey: .feedbackOverdue) ?? []
    }
}

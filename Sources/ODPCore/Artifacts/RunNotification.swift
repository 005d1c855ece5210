/// What `notify.command` reads on stdin and `notify.webhook` receives: the datasets of a run
/// that need someone (failed, held, awaiting approval, interrupted), a catalog that was not
/// published, a signal that stopped the run.
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

    /// Always `odp_run_attention`.
    public var event: String
    /// Path of the run report.
    public var report: String
    public var datasets: [Dataset]
    /// Why the open list and DCAT catalog were not updated, when they were not.
    public var catalogError: String?
    /// The signal that stopped the run, when one did.
    public var signal: String?

    enum CodingKeys: String, CodingKey { case event, report, datasets, catalogError = "catalog_error", signal }

    public init(report: String, datasets: [Dataset], catalogError: String? = nil, signal: String? = nil) {
        event = "odp_run_attention"
        self.report = report
        self.datasets = datasets
        self.catalogError = catalogError
        self.signal = signal
    }
}

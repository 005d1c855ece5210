import Foundation

/// What a stage hands to the release: report files and a verdict for the gate.
public struct StageReport: Sendable {
    /// Files for the release folder by name (`quality-report.json`, `privacy-report.json` …).
    public var files: [String: Data]
    /// Why the dataset must not be released; empty when it may go out.
    public var holdReasons: [String]
    /// Markdown (Chinese) for the release README, e.g. the quality summary.
    public var readmeSection: String?
    /// Per-field notes for the data dictionary (how a field was desensitized), by field name.
    public var fieldNotes: [String: String]
    /// Problems found per row (for the department feedback list).
    public var problems: [RowProblem]
    /// Headline numbers for logs, metrics and the run report (score, rejected rows, k …).
    public var metrics: DatasetMetrics
    /// The desensitizer's report as a value (its bytes are in `files`), for the stages after
    /// it that describe the release (provenance.json).
    public var privacy: PrivacyReport?

    public init(files: [String: Data] = [:], holdReasons: [String] = [], readmeSection: String? = nil,
                fieldNotes: [String: String] = [:], problems: [RowProblem] = [], metrics: DatasetMetrics = DatasetMetrics(),
                privacy: PrivacyReport? = nil) {
        self.privacy = privacy
        self.files = files
        self.holdReasons = holdReasons
        self.readmeSection = readmeSection
        self.fieldNotes = fieldNotes
        self.problems = problems
        self.metrics = metrics
    }
}

import Foundation

/// The contracts between stages. Data flows one way, extract → check → desensitize →
/// package → upload, as `RowBatch`es; each stage reports what it saw in plain values.
/// Only ODPPipeline wires stages together.

/// A reader of department data (ODPExtract). Pull-based so memory stays bounded.
public protocol RowSource: AnyObject {
    /// The next batch of at most `maxRows` rows, columns in schema order; nil when done.
    /// Throws `ODPError` for faults that stop the dataset (source down, `on_error: fail`).
    func next(maxRows: Int) throws -> RowBatch?
    /// Rows left out because they could not be read (`on_error: reject`).
    var problems: [RowProblem] { get }
    /// The highest watermark value seen so far (incremental extraction), as text.
    var watermark: String? { get }
    /// Primary keys (values in `primary_key` order) of rows the source marked deleted
    /// (`incremental.deleted_flag`); such rows are not returned in batches.
    var deletedKeys: [[String]] { get }
    /// Releases connections and files. Safe to call twice.
    func close()
}

/// One problem with one source row, for the department feedback list (问题数据清单) and
/// the quality report. `value` may hold personal data: it goes to `output/state/` only.
public struct RowProblem: Sendable, Hashable {
    public var sourceRow: Int
    /// The last source row of a problem that spans several (a quoted field that ran on
    /// across lines swallows them all); nil for one row.
    public var lastSourceRow: Int?
    public var field: String?
    /// The rule or reader check that failed (`type`, `gb11643`, `ragged_row` …).
    public var rule: String
    public var message: String
    public var value: String?

    public init(sourceRow: Int, lastSourceRow: Int? = nil, field: String?, rule: String, message: String, value: String? = nil) {
        self.sourceRow = sourceRow
        self.lastSourceRow = lastSourceRow.flatMap { $0 > sourceRow ? $0 : nil }
        self.field = field
        self.rule = rule
        self.message = message
        self.value = value
    }

    /// Rows this problem stands for: 1, or the whole range a runaway quoted field swallowed.
    public var rowCount: Int { (lastSourceRow ?? sourceRow) - sourceRow + 1 }

    /// `12` or `12-70`, for lists and messages.
    public var rowLabel: String { lastSourceRow.map { "\(sourceRow)-\($0)" } ?? String(sourceRow) }
}

/// What every stage may need besides the definition.
public struct StageContext: Sendable {
    public var config: PipelineConfig?
    /// Loaded code tables by name (`gb2260`, `sex` …).
    public var codeTables: [String: CodeTable]
    /// Pseudonym key id and secret bytes. Never logged or written.
    public var pseudonymKeyID: String?
    public var pseudonymKey: [UInt8]?
    /// Why a configured pseudonym key could not be read (naming the reference, never the
    /// value): a dataset that pseudonymizes fails with it, the others never need the key.
    public var pseudonymKeyProblem: String?
    /// "Today" for date sanity and time-based rules; fixed in tests for determinism.
    public var runDate: CivilDateTime
    /// The latest complete release of this dataset, if any.
    public var previousRelease: URL?

    public init(config: PipelineConfig? = nil, codeTables: [String: CodeTable] = [:], pseudonymKeyID: String? = nil,
                pseudonymKey: [UInt8]? = nil, runDate: CivilDateTime, previousRelease: URL? = nil) {
        self.config = config
        self.codeTables = codeTables
        self.pseudonymKeyID = pseudonymKeyID
        self.pseudonymKey = pseudonymKey
        self.runDate = runDate
        self.previousRelease = previousRelease
    }
}

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

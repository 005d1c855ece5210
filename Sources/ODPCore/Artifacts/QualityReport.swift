import Foundation

/// quality-report.json: rule tallies, GB/T 36344-2018 dimension scores, the gate's verdict,
/// the released profile and its comparison with the previous release. Written by ODPCheck;
/// read by ODPCheck (the previous release's profile) and the portal.
///
/// ## Versions
/// 0 (before `schema_version`): the oldest reports have no `rows_read`, `rows_unreadable` or
/// `problems` (every row read was checked then) and may lack `profile`.
public struct QualityReport: Artifact, Hashable {
    public static let artifactName = "quality-report.json"
    public static let schemaVersion = 1
    public static let fileName = "quality-report.json"

    public var dataset: String
    public var title: String
    public var definitionHash: String
    /// `YYYY-MM-DD`.
    public var runDate: String
    public var rowsRead: Int
    public var rowsUnreadable: Int
    public var rowsChecked: Int
    public var rejectedRows: Int
    public var rejectShare: Double
    public var rules: [Rule]
    /// Keyed by the Chinese dimension name (规范性, 完整性, …).
    public var dimensions: [String: Dimension]
    public var gate: Gate
    public var overallMethod: String
    public var dimensionMethod: String
    /// Nil in reports that predate profiles.
    public var profile: QualityProfile?
    /// The comparison with the previous release (`note` alone for a first release): shown,
    /// never read back, so it stays a JSON tree.
    public var comparison: ArtifactJSON
    public var problems: Problems
    /// Mean of the evaluated dimensions; nil when none was evaluated.
    public var overallScore: Double?
    public var overallScoreText: String?
    /// Benford screens: each one's metric with its field and note.
    public var benford: [ArtifactJSON]?

    public init(dataset: String, title: String, definitionHash: String, runDate: String, rowsRead: Int, rowsUnreadable: Int,
                rowsChecked: Int, rejectedRows: Int, rejectShare: Double, rules: [Rule], dimensions: [String: Dimension], gate: Gate,
                overallMethod: String, dimensionMethod: String, profile: QualityProfile?, comparison: ArtifactJSON,
                problems: Problems, overallScore: Double?, overallScoreText: String?, benford: [ArtifactJSON]?) {
        self.dataset = dataset
        self.title = title
        self.definitionHash = definitionHash
        self.runDate = runDate
        self.rowsRead = rowsRead
        self.rowsUnreadable = rowsUnreadable
        self.rowsChecked = rowsChecked
        self.rejectedRows = rejectedRows
        self.rejectShare = rejectShare
        self.rules = rules
        self.dimensions = dimensions
        self.gate = gate
        self.overallMethod = overallMethod
        self.dimensionMethod = dimensionMethod
        self.profile = profile
        self.comparison = comparison
        self.problems = problems
        self.overallScore = overallScore
        self.overallScoreText = overallScoreText
        self.benford = benford
    }

    enum CodingKeys: String, CodingKey {
        case dataset, title, rules, dimensions, gate, profile, comparison, problems, benford
        case definitionHash = "definition_hash"
        case runDate = "run_date"
        case rowsRead = "rows_read"
        case rowsUnreadable = "rows_unreadable"
        case rowsChecked = "rows_checked"
        case rejectedRows = "rejected_rows"
        case rejectShare = "reject_share"
        case overallMethod = "overall_method"
        case dimensionMethod = "dimension_method"
        case overallScore = "overall_score"
        case overallScoreText = "overall_score_text"
    }

    public static func migrate(_ json: inout ArtifactJSON, from version: Int) throws {
        guard version < 1 else { return }
        if json["rows_read"] == nil { json["rows_read"] = json["rows_checked"] }
        if json["rows_unreadable"] == nil { json["rows_unreadable"] = .int(0) }
        if json["problems"] == nil { json["problems"] = ["count": 0, "listed": 0, "unreadable": 0] }
        if json["comparison"] == nil { json["comparison"] = .object([:]) }
    }

    /// One rule's metric next to its verdict (Deequ's layering).
    public struct Rule: Codable, Sendable, Hashable {
        public var type: String
        public var field: String?
        /// `warn`, `hold` or `reject`.
        public var severity: String
        public var dimension: String
        public var dimensionEn: String
        public var description: String
        public var rowsChecked: Int
        public var failed: Int
        public var share: Double
        /// Source row numbers, never values.
        public var examples: [Int]
        public var note: String?
        /// A data officer's explanation is in force for this failure.
        public var explained: Bool?
        /// What the rule measured; its keys depend on the rule type.
        public var metric: [String: ArtifactJSON]?

        public init(type: String, field: String?, severity: String, dimension: String, dimensionEn: String, description: String,
                    rowsChecked: Int, failed: Int, share: Double, examples: [Int], note: String?, explained: Bool?,
                    metric: [String: ArtifactJSON]?) {
            self.type = type
            self.field = field
            self.severity = severity
            self.dimension = dimension
            self.dimensionEn = dimensionEn
            self.description = description
            self.rowsChecked = rowsChecked
            self.failed = failed
            self.share = share
            self.examples = examples
            self.note = note
            self.explained = explained
            self.metric = metric
        }

        enum CodingKeys: String, CodingKey {
            case type, field, severity, dimension, description, failed, share, examples, note, explained, metric
            case dimensionEn = "dimension_en"
            case rowsChecked = "rows_checked"
        }
    }

    /// A dimension's score, or only `note` (未评估) when nothing measured it.
    public struct Dimension: Codable, Sendable, Hashable {
        public var english: String
        public var note: String?
        public var score: Double?
        public var scoreText: String?
        public var passed: Int?
        public var checks: Int?
        public var rowsPassed: Int?
        public var rows: Int?
        public var tableChecksPassed: Int?
        public var tableChecks: Int?

        public init(english: String, note: String? = nil, score: Double? = nil, scoreText: String? = nil, passed: Int? = nil,
                    checks: Int? = nil, rowsPassed: Int? = nil, rows: Int? = nil, tableChecksPassed: Int? = nil, tableChecks: Int? = nil) {
            self.english = english
            self.note = note
            self.score = score
            self.scoreText = scoreText
            self.passed = passed
            self.checks = checks
            self.rowsPassed = rowsPassed
            self.rows = rows
            self.tableChecksPassed = tableChecksPassed
            self.tableChecks = tableChecks
        }

        enum CodingKeys: String, CodingKey {
            case english, note, score, passed, checks, rows
            case scoreText = "score_text"
            case rowsPassed = "rows_passed"
            case tableChecksPassed = "table_checks_passed"
            case tableChecks = "table_checks"
        }
    }

    public struct Gate: Codable, Sendable, Hashable {
        public enum Decision: String, Codable, Sendable, Hashable { case publish, hold }
        public var decision: Decision
        public var reasons: [String]
        public var maxRejectShare: Double
        public var allowEmpty: Bool
        /// Dimension name → minimum score, when configured.
        public var minScores: [String: Double]?
        public var minOverall: Double?

        public init(decision: Decision, reasons: [String], maxRejectShare: Double, allowEmpty: Bool,
                    minScores: [String: Double]?, minOverall: Double?) {
            self.decision = decision
            self.reasons = reasons
            self.maxRejectShare = maxRejectShare
            self.allowEmpty = allowEmpty
            self.minScores = minScores
            self.minOverall = minOverall
        }

        enum CodingKeys: String, CodingKey {
            case decision, reasons
            case maxRejectShare = "max_reject_share"
            case allowEmpty = "allow_empty"
            case minScores = "min_scores"
            case minOverall = "min_overall"
        }
    }

    /// 问题数据 entries for the department's feedback list.
    public struct Problems: Codable, Sendable, Hashable {
        public var count: Int
        public var listed: Int
        public var unreadable: Int

        public init(count: Int, listed: Int, unreadable: Int) {
            self.count = count
            self.listed = listed
            self.unreadable = unreadable
        }
    }

    /// Dimension names in the order of GB/T 36344-2018, then any others.
    public var dimensionNames: [String] {
        let order = ["规范性", "完整性", "准确性", "一致性", "时效性", "可访问性"]
        return order.filter { dimensions[$0] != nil } + dimensions.keys.filter { !order.contains($0) }.sorted()
    }

    /// The report of the release in `directory`; nil when it has none.
    public static func read(release directory: URL) throws -> QualityReport? {
        try ArtifactCodec.read(QualityReport.self, at: directory.appendingPathComponent(fileName))
    }
}

/// The headline numbers of one dataset's run, for logs, the run report and the Prometheus
/// metrics: the checker fills the quality part, the desensitizer the privacy part. Named
/// fields, so a reader never looks a number up by a string.
public struct DatasetMetrics: Codable, Sendable, Equatable {
    // Quality (ODPCheck).
    public var rowsRead: Int?
    public var rowsUnreadable: Int?
    public var rowsChecked: Int?
    public var rejectedRows: Int?
    /// Problem entries (the feedback list's rows).
    public var problems: Int?
    /// Overall GB/T 36344 score, 0–1.
    public var score: Double?
    /// Score per GB/T 36344 dimension, by its Chinese name (规范性, 完整性 …).
    public var dimensionScores: [String: Double]?

    // Privacy (ODPDesensitize).
    public var suppressedRecords: Int?
    public var identifierHitsBefore: Int?
    public var identifierHitsAfter: Int?
    public var identifierHitsAllowed: Int?
    public var equivalenceClasses: Int?
    /// k and l achieved, when k-anonymity / l-diversity apply.
    public var k: Int?
    public var l: Int?
    public var prosecutorRiskMax: Double?
    public var marketerRisk: Double?

    enum CodingKeys: String, CodingKey {
        case rowsRead = "rows_read", rowsUnreadable = "rows_unreadable", rowsChecked = "rows_checked", rejectedRows = "rejected_rows"
        case problems, score, dimensionScores = "dimension_scores"
        case suppressedRecords = "suppressed_records", identifierHitsBefore = "identifier_hits_before"
        case identifierHitsAfter = "identifier_hits_after", identifierHitsAllowed = "identifier_hits_allowed"
        case equivalenceClasses = "equivalence_classes", k, l, prosecutorRiskMax = "prosecutor_risk_max", marketerRisk = "marketer_risk"
    }

    public init() {}

    /// These metrics with every number this one lacks taken from `other` (stages fill
    /// disjoint parts; where both have one, this one's wins).
    public func merging(_ other: DatasetMetrics) -> DatasetMetrics {
        var m = self
        m.rowsRead = rowsRead ?? other.rowsRead
        m.rowsUnreadable = rowsUnreadable ?? other.rowsUnreadable
        m.rowsChecked = rowsChecked ?? other.rowsChecked
        m.rejectedRows = rejectedRows ?? other.rejectedRows
        m.problems = problems ?? other.problems
        m.score = score ?? other.score
        m.dimensionScores = dimensionScores ?? other.dimensionScores
        m.suppressedRecords = suppressedRecords ?? other.suppressedRecords
        m.identifierHitsBefore = identifierHitsBefore ?? other.identifierHitsBefore
        m.identifierHitsAfter = identifierHitsAfter ?? other.identifierHitsAfter
        m.identifierHitsAllowed = identifierHitsAllowed ?? other.identifierHitsAllowed
        m.equivalenceClasses = equivalenceClasses ?? other.equivalenceClasses
        m.k = k ?? other.k
        m.l = l ?? other.l
        m.prosecutorRiskMax = prosecutorRiskMax ?? other.prosecutorRiskMax
        m.marketerRisk = marketerRisk ?? other.marketerRisk
        return m
    }

    /// True when no stage reported anything.
    public var isEmpty: Bool { self == DatasetMetrics() }

    /// Version 0 run reports kept the dimension scores flat, as `score_<dimension>` keys.
    static func migrateFlatScores(_ json: inout ArtifactJSON) {
        guard case .object(var members) = json else { return }
        var scores: [String: ArtifactJSON] = [:]
        for (key, value) in members where key.hasPrefix("score_") {
            scores[String(key.dropFirst("score_".count))] = value
            members[key] = nil
        }
        if !scores.isEmpty { members["dimension_scores"] = .object(scores) }
        json = .object(members)
    }
}

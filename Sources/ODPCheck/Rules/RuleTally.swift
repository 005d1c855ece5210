import ODPCore

/// What happens when a rule fails: the row leaves the release, the whole release is held, or
/// the failure is only recorded.
public enum CheckSeverity: String, Sendable, CaseIterable, Comparable {
    case warn, hold, reject

    private var rank: Int { self == .warn ? 0 : self == .hold ? 1 : 2 }
    public static func < (a: CheckSeverity, b: CheckSeverity) -> Bool { a.rank < b.rank }

    var chinese: String {
        switch self {
        case .reject: return "剔除该行"
        case .hold: return "暂缓发布"
        case .warn: return "警告"
        }
    }
}

/// The six data quality dimensions of GB/T 36344-2018.
public enum QualityDimension: String, Sendable, CaseIterable {
    case conformity = "规范性"
    case completeness = "完整性"
    case accuracy = "准确性"
    case consistency = "一致性"
    case timeliness = "时效性"
    case accessibility = "可访问性"

    public var english: String {
        switch self {
        case .conformity: return "conformity"
        case .completeness: return "completeness"
        case .accuracy: return "accuracy"
        case .consistency: return "consistency"
        case .timeliness: return "timeliness"
        case .accessibility: return "accessibility"
        }
    }

    /// Accepts the Chinese name or the English one.
    public init?(name: String) {
        if let d = QualityDimension(rawValue: name) { self = d; return }
        guard let d = QualityDimension.allCases.first(where: { $0.english == name.lowercased() }) else { return nil }
        self = d
    }

    static var allNames: [String] { allCases.map(\.rawValue) + allCases.map(\.english) }
}

/// The metric of one rule (Deequ's metric next to its verdict): how many rows or values it
/// looked at (B) and how many failed (A), with a few source row numbers as examples.
final class RuleTally {
    let type: String
    let field: String?
    var severity: CheckSeverity
    let dimension: QualityDimension
    /// Chinese description for the report.
    let label: String
    var checked = 0
    var failed = 0
    var examples: [Int] = []
    /// Set when the rule could not be evaluated ("not checked", "not applicable").
    var note: String?
    /// A flagged change the definition explains (`compare.explain`): shown, not held.
    var explained = false
    /// Extra figures (a table rule's measured value, Benford MAD …).
    var metric: [String: ArtifactJSON] = [:]

    init(type: String, field: String?, severity: CheckSeverity, dimension: QualityDimension, label: String) {
        self.type = type
        self.field = field
        self.severity = severity
        self.dimension = dimension
        self.label = label
    }

    var passed: Int { explained ? checked : checked - failed }
    var share: Double { checked == 0 ? 0 : Double(failed) / Double(checked) }

    func recordExample(row: Int) {
        guard examples.count < 5 else { return }
        examples.append(row)
    }
}

import Foundation

/// `state/approvals.json`: decisions by dataset id, then version. Version 0 (before
/// versions) had the same shape.
public struct ApprovalDecisions: Artifact, Equatable {
    public static let artifactName = "approvals.json"
    public static let schemaVersion = 1

    public var decisions: [String: [String: ApprovalDecision]]

    public init(_ decisions: [String: [String: ApprovalDecision]] = [:]) { self.decisions = decisions }

    public func decision(dataset: String, version: String) -> ApprovalDecision? { decisions[dataset]?[version] }

    // The file is the map itself (dataset ids are its keys), beside `schema_version`.
    public init(from decoder: Decoder) throws {
        decisions = try decoder.singleValueContainer().decode([String: [String: ApprovalDecision]].self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(decisions)
    }
}

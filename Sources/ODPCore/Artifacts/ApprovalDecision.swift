import Foundation

/// A data officer's decision on one release version (`odp approve` / `odp reject`, or the
/// portal's review page). Part of `ApprovalDecisions` (`state/approvals.json`).
public struct ApprovalDecision: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable { case approved, rejected }

    public var verdict: Verdict
    /// The 数据专员 who decided.
    public var by: String
    public var note: String?
    public var time: Date

    enum CodingKeys: String, CodingKey { case verdict = "decision", by, note, time }

    public init(verdict: Verdict, by: String, note: String?, time: Date) {
        self.verdict = verdict
        self.by = by
        self.note = note
        self.time = time
    }
}

import Foundation

/// One line of `state/audit.jsonl` (全程留痕). `prev` is the SHA-256 of the previous line's
/// bytes as written, so the chain holds across lines written by any odp version; the writer
/// and `odp audit verify` are in ODPPipeline's `AuditTrail`. Version 0 (before versions) had
/// the same keys.
public struct AuditEntry: Artifact, Equatable {
    public static let artifactName = "audit entry"
    public static let schemaVersion = 1

    /// ISO 8601 UTC, seconds.
    public var time: String
    /// What happened: `run_started`, `dataset_packaged`, `dataset_uploaded`, `dataset_failed`,
    /// `release_approved`, `run_interrupted`, `run_finished` …
    public var event: String
    public var prev: String
    public var dataset: String?
    public var details: AuditDetails?

    public init(time: String, event: String, prev: String, dataset: String? = nil, details: AuditDetails? = nil) {
        self.time = time
        self.event = event
        self.prev = prev
        self.dataset = dataset
        self.details = details
    }
}

import Foundation

/// What a subscriber is told: one public change, the JSON body of a signed POST. The id is
/// stable (`version:<dataset>:<version>`, `erratum:<number>`), so a receiver can drop a
/// delivery it has already seen (`X-ODP-Event-Id`).
public struct WebhookEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable, Hashable {
        /// A new public version.
        case version
        /// A correction notice (勘误) on a version.
        case erratum
        /// A dataset or version withdrawn (`odp withdraw`).
        case withdrawn
    }

    public var id: String
    public var event: Kind
    public var dataset: String
    /// The 资源代码.
    public var code: String
    public var version: String
    /// When it happened (release time, notice time), ISO 8601 UTC.
    public var time: String
    /// The version's `DatasetURI`.
    public var identifier: String
    /// Chinese: what changed (a version), the notice (an erratum) or the reason (a withdrawal).
    public var summary: String
    /// The version's change log (a version after the first).
    public var changes: ChangeSummary?

    public init(id: String, event: Kind, dataset: String, code: String, version: String, time: String, identifier: String,
                summary: String, changes: ChangeSummary? = nil) {
        self.id = id
        self.event = event
        self.dataset = dataset
        self.code = code
        self.version = version
        self.time = time
        self.identifier = identifier
        self.summary = summary
        self.changes = changes
    }
}

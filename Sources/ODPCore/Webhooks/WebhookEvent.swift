import Foundation

/// What a subscriber is told: one public change, the JSON body of a signed POST. The id is
/// stable (`version:<dataset>:<version>`, `erratum:<number>`, `withdrawn:<number>`, `feedback:<number>`), so a receiver can drop a
/// delivery it has already seen (`X-ODP-Event-Id`).
public struct WebhookEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable, Hashable {
        /// A new public version.
        case version
        /// A correction notice (勘误) on a version.
        case erratum
        /// A dataset or version withdrawn (`odp withdraw`).
        case withdrawn
        /// A 纠错与意见 the public sent on a dataset: its number and kind only (the text and
        /// the contact stay in the department's private list). Sent only to subscribers that
        /// list it in `events:`, the department's own receivers.
        case feedbackReceived = "feedback_received"

        /// What a subscriber without `events:` follows: the public changes, the kinds platforms subscribed to.
        public static let defaults: Set<Kind> = [.version, .erratum, .withdrawn]
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
    /// A 纠错与意见's acknowledgement number (`<dataset>-F<n>`) and kind (`correction`, `request`).
    public var feedback: String?
    public var feedbackKind: FeedbackItem.Kind?

    enum CodingKeys: String, CodingKey {
        case id, event, dataset, code, version, time, identifier, summary, changes, feedback, feedbackKind = "feedback_kind"
    }

    public init(id: String, event: Kind, dataset: String, code: String, version: String, time: String, identifier: String,
                summary: String, changes: ChangeSummary? = nil, feedback: String? = nil, feedbackKind: FeedbackItem.Kind? = nil) {
        self.id = id
        self.event = event
        self.dataset = dataset
        self.code = code
        self.version = version
        self.time = time
        self.identifier = identifier
        self.summary = summary
        self.changes = changes
        self.feedback = feedback
        self.feedbackKind = feedbackKind
    }

    /// `feedback_received` for `item` on the dataset with 资源代码 `code`: the number, kind and
    /// version it names, never its text or the submitter's contact (personal data stays in
    /// the department's private list; a text may hold some, see `FeedbackItem.withheld`).
    public static func feedbackReceived(_ item: FeedbackItem, code: String, baseURL: String?) -> WebhookEvent {
        WebhookEvent(id: "feedback:\(item.number)", event: .feedbackReceived, dataset: item.dataset, code: code, version: item.version ?? "",
                     time: item.received,
                     identifier: item.version.map { DatasetURI.version(code: code, version: $0, baseURL: baseURL) } ?? DatasetURI.series(code: code, baseURL: baseURL),
                     summary: "收到公众\(item.kind.title)（\(item.kind.rawValue)）：受理编号 \(item.number)，请在部门反馈清单中处理", feedback: item.number,
                     feedbackKind: item.kind)
    }
}

/// One public submission (纠错 or 意见/需求) on a dataset, as kept in the department's private
/// feedback file `state/feedback/<dataset>.public.json`. The number, kind, dates, status and —
/// unless it holds personal identifiers — the text are shown publicly; the contact never is.
public struct FeedbackItem: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case correction, request

        public var title: String { self == .correction ? "纠错" : "意见/需求" }
    }

    public enum Status: String, Codable, Sendable, CaseIterable {
        case received, accepted, fixed, declined

        public var title: String {
            switch self {
            case .received: return "已收到"
            case .accepted: return "已受理"
            case .fixed: return "已修正"
            case .declined: return "不予采纳"
            }
        }
    }

    /// `<dataset>-F<n>`, n counting from 1 per dataset: the acknowledgement number.
    public var number: String
    public var dataset: String
    public var kind: Kind
    /// The version the submitter was looking at, when given.
    public var version: String?
    public var text: String
    /// The identifier scan found personal data in `text`: kept here, never shown publicly.
    public var withheld: Bool
    /// Personal data: never published, shown only to data officers.
    public var contact: String?
    /// ISO 8601 UTC.
    public var received: String
    public var status: Status
    /// When a data officer first answered it (accepted, fixed or declined): the response time's end.
    public var responded: String?
    /// When the status last changed.
    public var changed: String?
    public var by: String?
    /// The version that fixes it and the correction notice (`<dataset>-E<n>`) that says so.
    public var fixedIn: String?
    public var erratum: String?
    /// Why it was declined (public, scanned like every published note).
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case number, dataset, kind, version, text, withheld, contact, received, status, responded, changed, by
        case fixedIn = "fixed_in", erratum, reason
    }

    /// What the public list shows instead of a text that holds personal identifiers.
    public static let withheldText = "内容含个人信息，不予公开"

    /// The status as the public list reads it: `已在 2026.11.23.1 版本修正` for a fix.
    public var statusTitle: String {
        if status == .fixed, let fixedIn { return "已在 \(fixedIn) 版本修正" }
        return status.title
    }

    public var publicText: String { withheld ? Self.withheldText : text }

    /// Seconds from receipt to the first answer; nil while unanswered.
    public var responseSeconds: Double? {
        guard let responded, let from = BeijingTime.parse(received), let to = BeijingTime.parse(responded) else { return nil }
        return max(0, to.timeIntervalSince(from))
    }
}

/// `state/feedback/<dataset>.public.json`: one dataset's public submissions, oldest first.
/// It sits beside the run's 问题数据清单 (`<dataset>.csv`) in the department's private
/// feedback folder and, like it, is never published or uploaded.
public struct FeedbackEntries: Artifact, Equatable {
    public static let artifactName = "feedback/<dataset>.public.json"
    public static let schemaVersion = 1

    public var items: [FeedbackItem]

    public init(items: [FeedbackItem] = []) { self.items = items }
}

/// One 数据申请 (application for a 有条件开放 dataset), as kept in
/// `state/access/applications.json`. Its personal fields are private state: never published,
/// uploaded, logged or written to the audit trail, and emptied when the retention period ends.
public struct AccessApplication: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case pending, approved, rejected, revoked

        /// The status as the data officer and the applicant read it.
        public var title: String {
            switch self {
            case .pending: return "待审核"
            case .approved: return "已批准"
            case .rejected: return "已驳回"
            case .revoked: return "已撤销"
            }
        }
    }

    /// `SQ` + the Beijing date + a random suffix: `SQ20261207-7KQ2MD`.
    public var number: String
    public var dataset: String
    /// ISO 8601 UTC.
    public var submitted: String
    public var status: Status
    // Personal data: nil once purged.
    public var name: String?
    public var organisation: String?
    public var purpose: String?
    public var contact: String?
    /// SHA-256 of the 开放条件 text the applicant accepted, so a later change of the
    /// conditions shows which text an approval rests on.
    public var conditionsSHA256: String
    public var decidedBy: String?
    public var decided: String?
    public var note: String?
    /// SHA-256 of the access token; the token itself is never stored.
    public var tokenSHA256: String?
    /// When the token stops working (ISO 8601 UTC).
    public var expires: String?
    /// The version range the token opens (nil: no bound on that side).
    public var firstVersion: String?
    public var lastVersion: String?
    public var revoked: String?
    /// File downloads and API calls made with the token.
    public var downloads: Int
    public var apiCalls: Int
    public var lastUsed: String?
    /// When the personal fields were emptied.
    public var purged: String?
    /// SHA-256 of the 查询码 the applicant got with the number, which opens the status page;
    /// nil for applications submitted before status pages existed.
    public var statusSecretSHA256: String?

    enum CodingKeys: String, CodingKey {
        case number, dataset, submitted, status, name, organisation, purpose, contact
        case conditionsSHA256 = "conditions_sha256", decidedBy = "decided_by", decided, note
        case tokenSHA256 = "token_sha256", expires, firstVersion = "first_version", lastVersion = "last_version", revoked
        case downloads, apiCalls = "api_calls", lastUsed = "last_used", purged, statusSecretSHA256 = "status_secret_sha256"
    }

    /// When the application stopped needing its personal data: rejected or revoked, or its
    /// token expired; nil while pending or in use.
    public var ended: String? {
        switch status {
        case .pending: return nil
        case .rejected: return decided
        case .revoked: return revoked
        case .approved: return expires
        }
    }
}

/// `state/access/applications.json`: every application, oldest first.
public struct AccessApplications: Artifact, Equatable {
    public static let artifactName = "access/applications.json"
    public static let schemaVersion = 1

    public var applications: [AccessApplication]

    public init(applications: [AccessApplication] = []) { self.applications = applications }
}

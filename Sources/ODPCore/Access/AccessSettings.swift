/// `access:` in `odp.yml`: how 有条件开放 (conditional) datasets are applied for and used.
/// Absent, the defaults below apply.
public struct AccessSettings: Sendable, Hashable {
    /// Days an access token is valid from its approval (`token_days`).
    public var tokenDays = 180
    /// Days an application's personal data (name, organisation, purpose, contact) is kept
    /// after it ended — rejected, revoked, or its token expired (`retention_days`).
    public var retentionDays = 365
    /// Working days (Monday to Friday, Beijing time) a pending application may wait before
    /// the run's notification names it (`review_working_days`; Shandong's rule is 5).
    public var reviewWorkingDays = 5

    public init() {}

    /// The `access:` block; problems are reported through `r`.
    static func parse(_ r: ConfigReader) -> AccessSettings {
        var out = AccessSettings()
        if let days = r.int("token_days", range: 1...3660) { out.tokenDays = days }
        if let days = r.int("retention_days", range: 1...3660) { out.retentionDays = days }
        if let days = r.int("review_working_days", range: 1...60) { out.reviewWorkingDays = days }
        return out
    }
}

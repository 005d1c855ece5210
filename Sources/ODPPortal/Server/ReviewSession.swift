import Foundation
import ODPCore

/// The review cookie: an expiry time and a MAC over it keyed by the token, so the cookie
/// never holds the token, cannot be extended by editing it, and stops working after
/// `lifetime` even in a browser that keeps it.
struct ReviewSession: Sendable {
    static let cookieName = "odp_review"
    /// Eight hours: one working day of reviewing, then the token is asked again.
    static let lifetime: TimeInterval = 8 * 3600

    let token: String

    /// The cookie value for a session that ends at `expires`.
    func value(expires: Date) -> String {
        let seconds = Int(expires.timeIntervalSince1970)
        return "\(seconds).\(mac(seconds))"
    }

    /// The `Set-Cookie` header for a session starting `now`.
    func setCookie(now: Date = Date()) -> String {
        "\(Self.cookieName)=\(value(expires: now.addingTimeInterval(Self.lifetime))); Path=/approvals; Max-Age=\(Int(Self.lifetime)); HttpOnly; SameSite=Strict"
    }

    /// Whether `cookie` was issued for this token and has not expired at `now`.
    func isValid(_ cookie: String, now: Date = Date()) -> Bool {
        let parts = cookie.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let seconds = Int(parts[0]), Double(seconds) > now.timeIntervalSince1970,
              Double(seconds) <= now.addingTimeInterval(Self.lifetime).timeIntervalSince1970 else { return false }
        return ApprovalRoutes.equal(String(parts[1]), mac(seconds))
    }

    private func mac(_ seconds: Int) -> String {
        SHA256Hex.of(Array("odp-portal-review\u{0}\(token)\u{0}\(seconds)".utf8))
    }
}

import Foundation
import Hummingbird

/// Bounds how often a client may submit (an application): at most `perClient` in `window`
/// per client, and `total` from everyone, so rotating a forged client name cannot flood the
/// store either.
///
/// The client is the last `X-Forwarded-For` address when present (the reverse proxy in front
/// of the portal appends it), else one shared name: Hummingbird's basic request context does
/// not expose the peer address.
final class RateLimiter: @unchecked Sendable {
    let perClient: Int
    let total: Int
    let window: TimeInterval
    private let lock = NSLock()
    private var times: [String: [Date]] = [:]
    private var all: [Date] = []

    init(perClient: Int, total: Int, window: TimeInterval) {
        self.perClient = perClient
        self.total = total
        self.window = window
    }

    /// Records an attempt and says whether it is within the limits.
    func allow(_ request: Request, now: Date = Date()) -> Bool {
        let client = Self.client(request)
        return lock.withLock {
            let since = now.addingTimeInterval(-window)
            all.removeAll { $0 < since }
            var mine = (times[client] ?? []).filter { $0 >= since }
            guard mine.count < perClient, all.count < total else { return false }
            mine.append(now)
            all.append(now)
            times[client] = mine
            if times.count > 10_000 { times = times.filter { entry in entry.value.contains { $0 >= since } } }
            return true
        }
    }

    static func client(_ request: Request) -> String {
        guard let forwarded = request.headers[values: HeaderName.forwardedFor].last else { return "-" }
        return forwarded.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "-"
    }
}

import Foundation

/// A token bucket per client address: `burst` requests at once, refilled at `perSecond`.
/// Full buckets are forgotten when the table grows, so memory stays bounded by the number of
/// clients active in the last `burst / perSecond` seconds.
final class RateLimiter: @unchecked Sendable {
    let perSecond: Double
    let burst: Double
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, time: UInt64)] = [:]
    private static let maxClients = 10_000

    init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = Double(max(1, burst))
    }

    /// Takes a token for `client`; nil when allowed, else the whole seconds until one is free.
    func take(_ client: String, now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if buckets.count >= Self.maxClients {
            buckets = buckets.filter { refilled($0.value, now) < burst }
        }
        var tokens = buckets[client].map { refilled($0, now) } ?? burst
        guard tokens >= 1 else {
            buckets[client] = (tokens, now)
            return max(1, Int(((1 - tokens) / perSecond).rounded(.up)))
        }
        tokens -= 1
        buckets[client] = (tokens, now)
        return nil
    }

    private func refilled(_ bucket: (tokens: Double, time: UInt64), _ now: UInt64) -> Double {
        min(burst, bucket.tokens + Double(now &- bucket.time) / 1e9 * perSecond)
    }
}

/// The rows API's limits (`PortalServer`'s `apiLimits`), documented in docs/api.md.
public struct RowsAPILimits: Sendable {
    /// Sustained requests per second per client address, and the burst allowed at once.
    public var perSecond: Double
    public var burst: Int
    /// The longest one query may run before it is stopped (503 `query_timeout`).
    public var queryTimeout: Double

    public init(perSecond: Double = 20, burst: Int = 40, queryTimeout: Double = 2) {
        self.perSecond = perSecond
        self.burst = burst
        self.queryTimeout = queryTimeout
    }
}

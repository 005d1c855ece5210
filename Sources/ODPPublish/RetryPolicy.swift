import Foundation
import ODPCore

/// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
/// Jitter"): the wait before try n is uniform in [0, min(cap, base·2ⁿ)], so clients that
/// failed together do not come back together. A server's Retry-After wins when longer.
struct RetryPolicy: Sendable {
    var attempts = 8
    var baseDelay = 0.25
    var maxDelay = 20.0
    /// Retry-After above this is not honoured by waiting; the run fails and resumes later.
    var maxRetryAfter = 120.0

    func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(attempt)))
        let jittered = Double.random(in: 0...ceiling)
        if let retryAfter { return max(jittered, min(retryAfter, maxRetryAfter)) }
        return jittered
    }

    /// Runs `body` until it succeeds, fails for good, or the tries are spent.
    ///
    /// `recheck` runs before every retry of an operation that is not idempotent: when the
    /// failed try did reach the server (the answer was lost on the way back), it returns the
    /// result found remotely and no second copy is made.
    func run<T>(_ what: String, log: PublishLog?, recheck: (() throws -> T?)? = nil, _ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as TransferError {
                attempt += 1
                guard error.retryable, attempt < min(attempts, error.maxAttempts ?? attempts) else {
                    let suffix = error.retryable ? " (gave up after \(attempt) tries)" : ""
                    throw ODPError.io(what, error.message + suffix)
                }
                if let retryAfter = error.retryAfter, retryAfter > maxRetryAfter {
                    throw ODPError.io(what, "server asks to wait \(Int(retryAfter)) s; run again later")
                }
                let wait = delay(afterAttempt: attempt, retryAfter: error.retryAfter)
                log?.note("retry \(attempt)/\(attempts - 1) of \(what) in \(String(format: "%.2f", wait)) s: \(error.message)")
                Thread.sleep(forTimeInterval: wait)
                if let recheck {
                    // A recheck may itself hit a fault; then the retry loop goes on.
                    if let found = try? retryingRecheck(recheck) { return found }
                }
            }
        }
    }

    private func retryingRecheck<T>(_ recheck: () throws -> T?) throws -> T? {
        try run("recheck", log: nil, recheck: nil, recheck)
    }
}

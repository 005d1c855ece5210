import Foundation
import ODPCore

/// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
/// Jitter"): the wait before try n is uniform in [0, min(cap, base·2ⁿ)], so clients that
/// failed together do not come back together. A server's Retry-After wins when longer.
///
/// Every operation of one target draws on one `RetryBudget`: the time its failed tries and
/// waits may take in one run with no success in between. A target that is down is given up
/// on within the budget, and its remaining operations fail at once, naming the cause; a
/// flaky one that keeps answering is not (each operation is still bounded by its tries).
struct RetryPolicy: Sendable {
    var attempts = 8
    var baseDelay = 0.25
    var maxDelay = 20.0
    /// Retry-After above this is not honoured by waiting; the run fails and resumes later.
    var maxRetryAfter = 120.0
    var budget = RetryBudget(seconds: RetryBudget.defaultSeconds)

    func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double {
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(attempt)))
        let jittered = Double.random(in: 0...ceiling)
        if let retryAfter { return max(jittered, min(retryAfter, maxRetryAfter)) }
        return jittered
    }

    /// Runs `body` until it succeeds, fails for good, or the tries or the budget are spent.
    ///
    /// `recheck` runs before every retry of an operation that is not idempotent: when the
    /// failed try did reach the server (the answer was lost on the way back), it returns the
    /// result found remotely and no second copy is made. The retry goes ahead only once a
    /// recheck has answered that there is no copy: a recheck that fails takes a try of its own
    /// (it is not a loop of its own), and the next try rechecks again. A conflict (HTTP 409)
    /// on a retried create means the copy is probably there, so it is rechecked too.
    ///
    /// ## Errors
    /// `ODPError.io(what, …)` with the root cause: the first refusal, timeout, unreachable host
    /// or HTTP status, with the URL — not a 429 that the retries themselves provoked.
    func run<T>(_ what: String, log: PublishLog?, recheck: (() throws -> T?)? = nil, _ body: () throws -> T) throws -> T {
        if let spent = budget.exhausted() {
            throw ODPError.io(what, "本目标本次运行的重试时间预算（retry_budget \(Int(budget.seconds)) s）已用完，不再尝试（gave up）；此前的失败原因：\(spent)")
        }
        var attempt = 0
        var failures: [TransferError] = []
        var mustRecheck = false
        let started = Date()
        while true {
            let tried = Date()
            do {
                if mustRecheck, let recheck {
                    do {
                        if let found = try recheck() {
                            budget.answered()
                            return found
                        }
                    } catch let error as TransferError { throw error } catch {}
                    mustRecheck = false
                }
                let result = try body()
                budget.answered()
                return result
            } catch let error as TransferError {
                attempt += 1
                failures.append(error)
                budget.spend(Date().timeIntervalSince(tried), cause: Self.cause(failures).message)
                let conflictAfterRetry = recheck != nil && attempt > 1 && error.status == 409
                let retryable = error.retryable || conflictAfterRetry
                guard retryable, attempt < min(attempts, error.maxAttempts ?? attempts) else {
                    throw ODPError.io(what, Self.giveUp(failures, retried: retryable, since: started))
                }
                if let retryAfter = error.retryAfter, retryAfter > maxRetryAfter {
                    throw ODPError.io(what, "server asks to wait \(Int(retryAfter)) s; run again later (\(error.message))")
                }
                let wait = delay(afterAttempt: attempt, retryAfter: error.retryAfter)
                guard budget.allows(wait) else {
                    budget.spend(wait, cause: nil)  // spent: the target's other operations fail at once
                    throw ODPError.io(what, Self.giveUp(failures, retried: true, since: started)
                        + "；重试时间预算 retry_budget \(Int(budget.seconds)) s 已用完")
                }
                log?.note("retry \(attempt)/\(attempts - 1) of \(what) in \(String(format: "%.2f", wait)) s: \(error.message)")
                Thread.sleep(forTimeInterval: wait)
                budget.spend(wait, cause: nil)
                mustRecheck = recheck != nil
            }
        }
    }

    /// The failure to report: the last one, unless it is a 429 (the retries provoked it, often
    /// from a proxy in front of a server that is down); then the last one before it.
    static func cause(_ failures: [TransferError]) -> TransferError {
        guard let last = failures.last else { return TransferError(message: "unknown failure", retryable: false) }
        guard last.status == 429 else { return last }
        return failures.last { $0.status != 429 } ?? last
    }

    private static func giveUp(_ failures: [TransferError], retried: Bool, since started: Date) -> String {
        let cause = cause(failures)
        guard retried else { return cause.message }
        var text = cause.message + "（共尝试 \(failures.count) 次、\(String(format: "%.1f", Date().timeIntervalSince(started))) 秒后放弃 gave up）"
        if let last = failures.last, last.message != cause.message { text += "；最后一次的回答：\(last.message)" }
        return text
    }
}

/// Time one target may spend on failed tries and waits in one run (`retry_budget`), shared
/// by every operation on it. A success gives the time back: the budget exists to give up on a
/// target that is down, and one that answers is not; counting a flaky target's failures over
/// the whole run gave up on a 30%-faulty CKAN after a few hundred calls that mostly worked.
final class RetryBudget: @unchecked Sendable {
    static let defaultSeconds = 60.0
    let seconds: Double
    private let lock = NSLock()
    private var spent = 0.0
    private var lastCause: String?

    init(seconds: Double) { self.seconds = seconds }

    func spend(_ time: Double, cause: String?) {
        lock.withLock {
            spent += time
            if let cause { lastCause = cause }
        }
    }

    /// The target answered: it is not down. Once spent the budget stays spent, so every
    /// operation after the give-up fails the same way.
    func answered() {
        lock.withLock { if spent < seconds { spent = 0 } }
    }

    func allows(_ wait: Double) -> Bool { lock.withLock { spent + wait <= seconds } }

    /// The last failure's cause once the budget is spent, nil while time is left.
    func exhausted() -> String? { lock.withLock { spent >= seconds ? (lastCause ?? "unknown") : nil } }
}

import Foundation
import ODPCore
import Testing
@testable import ODPPublish

@Suite("retries")
struct RetryTests {
    @Test("backoff grows, stays under its cap, and honours Retry-After")
    func delays() {
        let p = RetryPolicy(attempts: 5, baseDelay: 1, maxDelay: 4)
        for attempt in 1...10 {
            let d = p.delay(afterAttempt: attempt, retryAfter: nil)
            #expect(d >= 0 && d <= min(4, pow(2, Double(attempt))))
        }
        #expect(p.delay(afterAttempt: 1, retryAfter: 3) >= 3)
    }

    @Test("retryable failures are tried again until they succeed; 4xx fails at once")
    func classification() throws {
        let p = RetryPolicy(attempts: 4, baseDelay: 0.001, maxDelay: 0.002)
        var calls = 0
        let value = try p.run("x", log: nil) { () throws -> Int in
            calls += 1
            if calls < 3 { throw TransferError(message: "HTTP 503", retryable: true, status: 503) }
            return 7
        }
        #expect(value == 7 && calls == 3)
        calls = 0
        #expect(throws: ODPError.self) {
            try p.run("x", log: nil) { () throws -> Int in calls += 1; throw TransferError(message: "HTTP 403", retryable: false, status: 403) }
        }
        #expect(calls == 1)
        calls = 0
        #expect(throws: ODPError.self) {
            try p.run("x", log: nil) { () throws -> Int in calls += 1; throw TransferError(message: "reset", retryable: true) }
        }
        #expect(calls == 4)
    }

    @Test("before retrying a non-idempotent call, the recheck finds the copy the lost answer made")
    func recheck() throws {
        let p = RetryPolicy(attempts: 4, baseDelay: 0.001, maxDelay: 0.002)
        var calls = 0
        let value = try p.run("create", log: nil, recheck: { "found" }) { () throws -> String in
            calls += 1
            throw TransferError(message: "connection reset", retryable: true)
        }
        #expect(value == "found" && calls == 1)
    }

    @Test("a create is not repeated blind: a recheck that fails takes a try of its own, and the next try rechecks again")
    func recheckBeforeEveryRetry() throws {
        let p = RetryPolicy(attempts: 4, baseDelay: 0.001, maxDelay: 0.002)
        var (calls, rechecks) = (0, 0)
        #expect(throws: ODPError.self) {
            try p.run("create", log: nil, recheck: { () throws -> String? in
                rechecks += 1
                throw TransferError(message: "recheck failed", retryable: true)
            }) { () throws -> String in
                calls += 1
                throw TransferError(message: "connection reset", retryable: true)
            }
        }
        #expect(calls == 1 && rechecks == 3, "\(calls) tries, \(rechecks) rechecks")
    }

    @Test("a conflict on a retried create (the first request arrived after the recheck) is rechecked again and finds the copy")
    func conflictAfterLateArrival() throws {
        let p = RetryPolicy(attempts: 4, baseDelay: 0.001, maxDelay: 0.002)
        var (calls, rechecks) = (0, 0)
        let value = try p.run("create", log: nil, recheck: { () throws -> String? in
            rechecks += 1
            return rechecks == 1 ? nil : "found"
        }) { () throws -> String in
            calls += 1
            if calls == 1 { throw TransferError(message: "connection reset", retryable: true) }
            throw TransferError(message: "HTTP 409 That URL is already in use.", retryable: false, status: 409)
        }
        #expect(value == "found" && calls == 2 && rechecks == 2, "\(calls) tries, \(rechecks) rechecks")
    }

    @Test("a conflict on the first try is a real conflict: no retry")
    func conflictFirstTry() throws {
        let p = RetryPolicy(attempts: 4, baseDelay: 0.001, maxDelay: 0.002)
        var calls = 0
        #expect(throws: ODPError.self) {
            try p.run("create", log: nil, recheck: { () throws -> String? in "found" }) { () throws -> String in
                calls += 1
                throw TransferError(message: "HTTP 409 That URL is already in use.", retryable: false, status: 409)
            }
        }
        #expect(calls == 1)
    }

    @Test("the final message names the root cause, not the 429 the retries provoked")
    func rootCause() throws {
        let p = RetryPolicy(attempts: 5, baseDelay: 0.001, maxDelay: 0.002)
        var calls = 0
        var message = ""
        do {
            _ = try p.run("upload x", log: nil) { () throws -> Int in
                calls += 1
                if calls == 1 { throw TransferError(message: "http://ckan/api: HTTP 502 bad gateway", retryable: true, status: 502) }
                throw TransferError(message: "http://ckan/api: HTTP 429 slow down", retryable: true, status: 429)
            }
        } catch { message = "\(error)" }
        #expect(message.hasPrefix("upload x: http://ckan/api: HTTP 502"), "\(message)")
        #expect(message.contains("5 次") && message.contains("最后一次的回答：http://ckan/api: HTTP 429"), "\(message)")
    }

    @Test("a closed port is reported as refused, with the URL; the target's retry budget bounds the time, and then its other uploads fail at once")
    func budget() throws {
        let port = try FileDropFailureTests.FaultProxy.freePort()
        let url = "http://127.0.0.1:\(port)/upload"
        let p = RetryPolicy(attempts: 20, baseDelay: 0.2, maxDelay: 0.5, budget: RetryBudget(seconds: 1.5))
        var message = ""
        var tries = 0
        do {
            _ = try p.run("upload a", log: nil) { () throws -> TransferResponse in
                tries += 1
                return try Transfer.perform(TransferRequest(url: url), options: TransferOptions())
            }
        } catch { message = "\(error)" }
        // The budget, not the 20 tries, ended it (no wall-clock bound: flaky on a loaded machine).
        #expect(tries < 20, "\(tries) tries")
        #expect(message.contains("连接被拒绝（connection refused）") && message.contains(url) && message.contains("retry_budget"), "\(message)")
        var tried = false
        var second = ""
        do { _ = try p.run("upload b", log: nil) { () throws -> Int in tried = true; return 1 } } catch { second = "\(error)" }
        #expect(!tried, "no further try once the budget is spent")
        #expect(second.contains("retry_budget") && second.contains("connection refused"), "\(second)")
    }

    @Test("a flaky target that keeps answering is not given up on: each success gives the budget back; once spent it stays spent")
    func budgetRefilledByAnswers() {
        // The budget's own arithmetic, without the clock: a loaded machine stretches every
        // real try and wait, and the question is what is counted, not how long it took.
        let budget = RetryBudget(seconds: 1)
        for _ in 0..<100 {
            budget.spend(0.6, cause: "reset by peer")
            #expect(budget.exhausted() == nil && budget.allows(0.3))
            budget.answered()
        }
        // 60 s of failures in all, never a second without an answer: not spent. Down for good:
        budget.spend(0.6, cause: "reset by peer")
        #expect(!budget.allows(0.5))
        budget.spend(0.6, cause: "connection refused")
        #expect(budget.exhausted() == "connection refused")
        budget.answered()  // a late answer from an operation still in flight
        #expect(budget.exhausted() == "connection refused", "spent stays spent, so every later operation fails the same way")
    }

    @Test("behind a proxy whose server is down, the message names the proxy's URL and real answer, not its 429")
    func proxyInFrontOfDeadServer() throws {
        let dead = try FileDropFailureTests.FaultProxy.freePort()
        let proxy = try FileDropFailureTests.FaultProxy(target: dead, modes: "429", rate: 0.5)
        let p = RetryPolicy(attempts: 8, baseDelay: 0.01, maxDelay: 0.05, budget: RetryBudget(seconds: 10))
        let url = "http://127.0.0.1:\(proxy.port)/api/3/action/package_show"
        var message = ""
        do {
            _ = try p.run("package_show", log: nil) { () throws -> Int in
                let response = try Transfer.perform(TransferRequest(url: url), options: TransferOptions())
                throw TransferError.httpStatus(response, what: "package_show")
            }
        } catch { message = "\(error)" }
        #expect(message.contains(url), "\(message)")
        #expect(!message.hasPrefix("package_show: \(url): HTTP 429"), "\(message)")
    }

    @Test("retry_budget is read from the target and must be positive")
    func budgetKey() throws {
        let dir = Fixtures.tempDirectory("budget")
        let (config, _) = Fixtures.config("  - {type: dir, path: out, retry_budget: 5}\n  - {type: dir, name: two, path: out2, retry_budget: 0}", in: dir)
        let specs = try #require(config).targets
        #expect(TargetSettings.parse(specs[0], config: config).0?.retry.budget.seconds == 5)
        #expect(TargetSettings.parse(specs[1], config: config).1.contains { $0.message.contains("retry_budget") })
    }

    @Test("429 and 5xx answers are retryable, other 4xx are not, and Retry-After is read")
    func statusClassification() {
        func error(_ status: Int, _ headers: [String: String] = [:]) -> TransferError {
            .httpStatus(TransferResponse(status: status, headers: headers, body: Data(), bytes: 0, contentLength: -1), what: "t")
        }
        #expect(error(500).retryable && error(503).retryable && error(429).retryable)
        #expect(!error(400).retryable && !error(403).retryable && !error(409).retryable && !error(413).retryable)
        #expect(error(429, ["retry-after": "2"]).retryAfter == 2)
    }

    @Test("the redactor removes every secret from text")
    func redactor() {
        var r = Redactor()
        r.add("s3cr3t-token")
        r.add("pw")
        #expect(r.clean("Authorization: s3cr3t-token failed") == "Authorization: *** failed")
        #expect(Transfer.redactURL("ftp://user:pass@host/x") == "ftp://***@host/x")
    }
}

@Suite("libcurl calls")
struct CurlTests {
    @Test("typed setopt wrappers drive libcurl: string, long, off_t, pointer and callbacks (file:// round trip)")
    func fileRoundTrip() throws {
        let dir = Fixtures.tempDirectory("curl")
        let source = dir.appendingPathComponent("in.bin")
        var bytes = [UInt8](repeating: 0, count: 300_000)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        try Data(bytes).write(to: source)
        let target = dir.appendingPathComponent("out.bin")
        _ = try Transfer.perform(TransferRequest(url: target.absoluteString, method: "PUT", body: .file(source, size: Int64(bytes.count))),
                                 options: TransferOptions())
        #expect(try Data(contentsOf: target) == Data(bytes))
        let back = try Transfer.perform(TransferRequest(url: target.absoluteString, sink: .sha256), options: TransferOptions())
        #expect(back.sha256 == SHA256Hex.of(bytes))
        #expect(back.bytes == Int64(bytes.count))
        let head = try Transfer.perform(TransferRequest(url: target.absoluteString, method: "HEAD"), options: TransferOptions())
        #expect(head.contentLength == Int64(bytes.count))
    }

    @Test("a refused connection is a retryable transport error")
    func refused() {
        do {
            _ = try Transfer.perform(TransferRequest(url: "http://127.0.0.1:1/x"), options: TransferOptions())
            Issue.record("expected a failure")
        } catch {
            #expect(error.retryable)
            #expect(error.curlCode == 7)
        }
    }
}

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

import Foundation
import ODPCore
import Testing
@testable import ODPPublish

/// `webhooks:` subscribers: a real HTTP receiver on 127.0.0.1 (Python's http.server) checks
/// each request's HMAC-SHA256 signature with its own copy of the secret, answers as the
/// test's mode file says, and appends what it saw to a log.
@Suite("webhook subscribers", .serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "python3 missing"))
struct SubscriberDeliveryTests {
    static let receiver = """
    import hashlib, hmac, http.server, json, os, sys, time
    secret, mode_file, log_file = os.environ["RECEIVER_SECRET"].encode(), sys.argv[2], sys.argv[3]
    seen = {}
    class H(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            ts, sig, eid = self.headers["X-ODP-Timestamp"], self.headers["X-ODP-Signature"], self.headers["X-ODP-Event-Id"]
            good = hmac.compare_digest("sha256=" + hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest(), sig)
            fresh = abs(time.time() - int(ts)) < 300
            mode = open(mode_file).read().strip()
            seen[eid] = seen.get(eid, 0) + 1
            status = 500 if mode == "fail" or (mode == "flaky" and seen[eid] == 1) else (200 if good and fresh else 401)
            with open(log_file, "a") as f:
                f.write(json.dumps({"id": eid, "event": self.headers["X-ODP-Event"], "valid": good, "fresh": fresh, "status": status,
                                    "body": json.loads(body)}) + "\\n")
            self.send_response(status); self.send_header("Content-Length", "0"); self.end_headers()
        def log_message(self, *a): pass
    http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
    """

    final class Receiver {
        let port: Int
        let mode: URL
        let log: URL
        private let process = Process()

        init(dir: URL, secret: String) throws {
            port = try FileDropFailureTests.FaultProxy.freePort()
            mode = dir.appendingPathComponent("mode")
            log = dir.appendingPathComponent("received.jsonl")
            try Data("ok".utf8).write(to: mode)
            let script = dir.appendingPathComponent("receiver.py")
            try Data(SubscriberDeliveryTests.receiver.utf8).write(to: script)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script.path, "\(port)", mode.path, log.path]
            process.environment = ProcessInfo.processInfo.environment.merging(["RECEIVER_SECRET": secret]) { $1 }
            try process.run()
            var up = false
            for _ in 0..<100 where !up {
                up = TLSTests.listening(port)
                if !up { usleep(50_000) }
            }
            try #require(up, "the receiver did not start")
        }

        deinit {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func set(_ mode: String) throws { try Data(mode.utf8).write(to: self.mode) }

        var requests: [[String: Any]] {
            (String(data: (try? Data(contentsOf: log)) ?? Data(), encoding: .utf8) ?? "").split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }

    static func event(_ n: Int, time: String, kind: WebhookEvent.Kind = .version) -> WebhookEvent {
        WebhookEvent(id: "\(kind.rawValue):roads:2026.12.0\(n).1", event: kind, dataset: "roads", code: "370100-JT-0002", version: "2026.12.0\(n).1",
                     time: time, identifier: "urn:odp:370100-JT-0002:2026.12.0\(n).1", summary: "新增 \(n) 行，删除 0 行，变更 0 行")
    }

    @Test("each event reaches the subscriber once, signed and fresh; a 500 is retried, a failing subscriber is retried on the next run, history before the subscription is not sent")
    func deliversOnce() throws {
        let dir = Fixtures.tempDirectory("webhooks")
        let secret = "s3cret-\(UUID().uuidString)"
        let receiver = try Receiver(dir: dir, secret: secret)
        let journal = dir.appendingPathComponent("state/webhooks.json")
        let subscriber = WebhookSubscriber(url: "http://127.0.0.1:\(receiver.port)/hook?token=abc", secret: .environment("HOOK_SECRET"))
        let delivery = SubscriberDelivery(subscribers: [subscriber], journal: journal, secretBase: nil, environment: ["HOOK_SECRET": secret])
        // The run that first sees the subscriber is at 10:00; an older version is history.
        let now = Date(timeIntervalSince1970: 1_796_637_600) // 2026-12-07T10:00:00Z
        let old = Self.event(1, time: "2026-12-01T08:00:00Z")
        let first = Self.event(7, time: "2026-12-07T10:00:00Z")
        let notice = Self.event(8, time: "2026-12-07T11:00:00Z", kind: .erratum)

        // A 500 on each event's first try: retried within the run, delivered once each.
        try receiver.set("flaky")
        let run1 = try delivery.deliver([notice, first, old], runTime: now)
        #expect(run1.delivered == 2 && run1.failures.isEmpty, "\(run1)")
        let seen1 = receiver.requests
        #expect(seen1.map { $0["status"] as? Int } == [500, 200, 500, 200])
        #expect(seen1.map { $0["id"] as? String } == [first.id, first.id, notice.id, notice.id], "oldest first")
        #expect(seen1.allSatisfy { $0["valid"] as? Bool == true && $0["fresh"] as? Bool == true })
        #expect((seen1.last?["body"] as? [String: Any])?["event"] as? String == "erratum")
        #expect(!seen1.contains { $0["id"] as? String == old.id }, "history before the subscription is not sent")

        // Re-run: nothing new, nothing sent.
        let run2 = try delivery.deliver([notice, first, old], runTime: now)
        #expect(run2.delivered == 0 && run2.failures.isEmpty)
        #expect(receiver.requests.count == 4)

        // The subscriber is down: the new event fails after 3 tries and stays due.
        try receiver.set("fail")
        let later = Self.event(9, time: "2026-12-08T10:00:00Z")
        let run3 = try delivery.deliver([notice, first, later], runTime: now)
        #expect(run3.delivered == 0 && run3.failures.count == 1)
        #expect(receiver.requests.count == 7)
        let key = WebhookJournal.key(subscriber.url)
        let failing = try #require(try ArtifactCodec.read(WebhookJournal.self, at: journal)?.subscribers[key]?.failing[later.id])
        #expect(failing.attempts == 1 && failing.error.contains("HTTP 500"))
        #expect(!key.contains("token"), "the query stays out of state")

        // Back up: delivered on the next run, the failure cleared, and never again.
        try receiver.set("ok")
        #expect(try delivery.deliver([notice, first, later], runTime: now).delivered == 1)
        #expect(try delivery.deliver([notice, first, later], runTime: now).delivered == 0)
        let ids = receiver.requests.filter { $0["status"] as? Int == 200 }.compactMap { $0["id"] as? String }
        #expect(ids == [first.id, notice.id, later.id])
        let state = try ArtifactCodec.read(WebhookJournal.self, at: journal)?.subscribers[key]
        #expect(state?.failing.isEmpty == true && state?.delivered.count == 3)
        let stateText = String(decoding: try Data(contentsOf: journal), as: UTF8.self)
        #expect(!stateText.contains(secret) && !run3.failures.joined().contains(secret))
    }

    @Test("a receiver holding another secret refuses the signature, and the event stays due")
    func wrongSecret() throws {
        let dir = Fixtures.tempDirectory("webhooks-wrong")
        let receiver = try Receiver(dir: dir, secret: "the-receivers-secret")
        let delivery = SubscriberDelivery(subscribers: [WebhookSubscriber(url: "http://127.0.0.1:\(receiver.port)/hook", secret: .environment("S"))],
                                          journal: dir.appendingPathComponent("webhooks.json"), secretBase: nil, environment: ["S": "another"])
        let outcome = try delivery.deliver([Self.event(7, time: "2026-12-07T10:00:00Z")], runTime: Date(timeIntervalSince1970: 1_796_637_600))
        #expect(outcome.delivered == 0 && outcome.failures.count == 1)
        #expect(receiver.requests.first?["valid"] as? Bool == false && receiver.requests.first?["status"] as? Int == 401)
    }

    @Test("`webhooks:` in odp.yml: url, secret and events are read; events filter what is sent; an inline secret, a bad URL or an unknown event is a definition error")
    func configured() throws {
        let dir = Fixtures.tempDirectory("webhooks-config")
        func load(_ hooks: String) throws -> (PipelineConfig?, [Diagnostic]) {
            let file = dir.appendingPathComponent("odp.yml")
            try Data("output: out\ndatasets:\n  - \"*.yml\"\nwebhooks:\n\(hooks)".utf8).write(to: file)
            return PipelineConfig.load(path: file.path)
        }
        let receiver = try Receiver(dir: dir, secret: "k")
        let (config, diagnostics) = try load("  - url: http://127.0.0.1:\(receiver.port)/hook\n    secret: env:HOOK_KEY\n    events: [erratum]\n")
        let subscriber = try #require(config?.webhooks.first, "\(diagnostics)")
        #expect(subscriber.events == [.erratum] && subscriber.secret == .environment("HOOK_KEY"))
        let delivery = SubscriberDelivery(subscribers: [subscriber], journal: dir.appendingPathComponent("webhooks.json"), secretBase: dir, environment: ["HOOK_KEY": "k"])
        let outcome = try delivery.deliver([Self.event(7, time: "2026-12-07T10:00:00Z"), Self.event(8, time: "2026-12-07T11:00:00Z", kind: .erratum)],
                                           runTime: Date(timeIntervalSince1970: 1_796_637_600))
        #expect(outcome.delivered == 1 && receiver.requests.map { $0["event"] as? String } == ["erratum"])
        #expect(try #require(try load("  - url: http://x/hook\n    secret: env:K\n").0).webhooks.first?.events == [.version, .erratum, .withdrawn])
        for (bad, says) in [("  - url: http://x/hook\n    secret: plain-text\n", "明文"), ("  - url: ftp://x/hook\n    secret: env:K\n", "http(s)"),
                            ("  - url: http://x/hook\n    secret: env:K\n    events: [deleted]\n", "deleted"), ("  - url: http://x/hook\n", "secret")] {
            let (none, found) = try load(bad)
            #expect(none == nil && found.contains { $0.description.contains(says) }, "\(bad): \(found)")
        }
    }

    @Test("a 纠错与意见 reaches the department's subscriber (events: [feedback_received]) once, with dataset, number and kind but never the text or contact; a subscriber without events: is not sent it")
    func feedbackReceived() throws {
        let dir = Fixtures.tempDirectory("webhooks-feedback")
        let receiver = try Receiver(dir: dir, secret: "k")
        let file = dir.appendingPathComponent("odp.yml")
        try Data("""
            output: out
            datasets:
              - "*.yml"
            webhooks:
              - url: http://127.0.0.1:\(receiver.port)/department
                secret: env:K
                events: [feedback_received]
              - url: http://127.0.0.1:\(receiver.port)/platform
                secret: env:K

            """.utf8).write(to: file)
        let (loaded, diagnostics) = PipelineConfig.load(path: file.path)
        let config = try #require(loaded, "\(diagnostics)")
        #expect(config.webhooks.map(\.events) == [[.feedbackReceived], [.version, .erratum, .withdrawn]])
        let now = Date(timeIntervalSince1970: 1_796_637_600) // 2026-12-07T10:00:00Z
        let text = "经十路段名称有误，应为经十东路", contact = "wang@example.org"
        let item = try FeedbackBook(state: dir.appendingPathComponent("state")).submit(
            dataset: "roads", FeedbackForm.Submission(kind: .correction, text: text, contact: contact, version: "2026.12.07.1"), withheld: false,
            now: now.addingTimeInterval(60))
        let events = [Self.event(7, time: "2026-12-07T10:00:00Z"), WebhookEvent.feedbackReceived(item, code: "370100-JT-0002", baseURL: nil)]
        let delivery = SubscriberDelivery(subscribers: config.webhooks, journal: dir.appendingPathComponent("webhooks.json"), secretBase: dir,
                                          environment: ["K": "k"])
        let outcome = try delivery.deliver(events, runTime: now)
        #expect(outcome.delivered == 2 && outcome.failures.isEmpty, "\(outcome)")
        // The department's subscriber first (in odp.yml order): only the feedback; the platform: only the version.
        let seen = receiver.requests
        #expect(seen.map { $0["event"] as? String } == ["feedback_received", "version"])
        #expect(seen.allSatisfy { $0["valid"] as? Bool == true && $0["status"] as? Int == 200 })
        let body = try #require(seen.first?["body"] as? [String: Any])
        #expect(Set(body.keys) == ["id", "event", "dataset", "code", "version", "time", "identifier", "summary", "feedback", "feedback_kind"])
        #expect(body["id"] as? String == "feedback:roads-F1" && body["dataset"] as? String == "roads" && body["feedback"] as? String == "roads-F1")
        #expect(body["feedback_kind"] as? String == "correction" && body["version"] as? String == "2026.12.07.1" && body["time"] as? String == item.received)
        let values = body.values.compactMap { $0 as? String }
        #expect(!values.contains { $0.contains(contact) || $0.contains("经十") }, "personal data never leaves: \(values)")
        #expect(try delivery.deliver(events, runTime: now).delivered == 0 && receiver.requests.count == 2, "once")
    }
}

import Crypto
import Foundation
import ODPCore

/// Delivers events to the `webhooks:` subscribers, each signed, each at most once per
/// subscriber across runs (`state/webhooks.json`, written after every answer).
///
/// ## The request
/// `POST <url>` with the event as JSON and
/// - `X-ODP-Event: version|erratum|withdrawn|feedback_received`, `X-ODP-Event-Id: <id>`;
/// - `X-ODP-Timestamp: <unix seconds>`;
/// - `X-ODP-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
/// A receiver recomputes the HMAC over the timestamp and the raw body, compares in constant
/// time, and refuses a timestamp older than a few minutes (a replayed request).
///
/// ## Retries
/// `Webhook.post` tries 3 times with backoff. A subscriber still failing keeps its remaining
/// events for the next run (in order: a receiver never sees a newer event before an older
/// one it was due); `odp status` lists what is failing.
///
/// A crash between the receiver's 2xx and the journal's write sends that one event again on
/// the next run: receivers drop a repeated `X-ODP-Event-Id`.
public struct SubscriberDelivery {
    public struct Outcome: Sendable, Equatable {
        public var delivered = 0
        /// Subscriber (journal key) and why, never a secret.
        public var failures: [String] = []
    }

    let subscribers: [WebhookSubscriber]
    let journal: URL
    let secretBase: URL?
    let environment: [String: String]

    public init(subscribers: [WebhookSubscriber], journal: URL, secretBase: URL?,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.subscribers = subscribers
        self.journal = journal
        self.secretBase = secretBase
        self.environment = environment
    }

    /// Sends what each subscriber has not received yet, oldest first. `runTime` starts a new
    /// subscriber's `since`; signatures carry the clock's time (what a receiver checks).
    public func deliver(_ events: [WebhookEvent], runTime: Date = Date()) throws -> Outcome {
        var outcome = Outcome()
        let ordered = events.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
        for subscriber in subscribers {
            let key = WebhookJournal.key(subscriber.url)
            var state = try ArtifactCodec.read(WebhookJournal.self, at: journal)?.subscribers[key]
            if state == nil {
                let seeded = WebhookJournal.Subscriber(since: ReleaseTime.iso(runTime))
                try record(key) { $0 = $0 ?? seeded }
                state = seeded
            }
            guard let state else { continue }
            let due = ordered.filter { subscriber.events.contains($0.event) && $0.time >= state.since && state.delivered[$0.id] == nil }
            guard !due.isEmpty else { continue }
            let secret: String
            do { secret = try subscriber.secret.resolve(relativeTo: secretBase, environment: environment) } catch {
                outcome.failures.append("\(key)：\(ODPError.from(error).message)")
                continue
            }
            for event in due {
                let body = try ArtifactJSON(encoding: event).encoded(pretty: false)
                let timestamp = String(Int(Date().timeIntervalSince1970))
                do {
                    try Webhook.post(url: subscriber.url, json: body, headers: Self.headers(event: event, body: body, timestamp: timestamp, secret: secret))
                    let at = ReleaseTime.iso(Date())
                    try record(key) { s in
                        s?.delivered[event.id] = at
                        s?.failing[event.id] = nil
                    }
                    outcome.delivered += 1
                } catch {
                    let reason = ODPError.from(error).message
                    let at = ReleaseTime.iso(Date())
                    try record(key) { s in
                        let attempts = (s?.failing[event.id]?.attempts ?? 0) + 1
                        s?.failing[event.id] = .init(attempts: attempts, last: at, error: reason)
                    }
                    outcome.failures.append("\(key)：\(event.id)：\(reason)")
                    break
                }
            }
        }
        return outcome
    }

    /// The signature headers of one request.
    public static func headers(event: WebhookEvent, body: Data, timestamp: String, secret: String) -> [String] {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).".utf8) + body, using: SymmetricKey(data: Data(secret.utf8)))
        return ["X-ODP-Event: \(event.event.rawValue)", "X-ODP-Event-Id: \(event.id)", "X-ODP-Timestamp: \(timestamp)",
                "X-ODP-Signature: sha256=\(mac.map { String(format: "%02x", $0) }.joined())"]
    }

    private func record(_ key: String, _ change: (inout WebhookJournal.Subscriber?) -> Void) throws {
        try ArtifactCodec.update(WebhookJournal.self, at: journal, empty: WebhookJournal()) { j in
            var s = j.subscribers[key]
            change(&s)
            j.subscribers[key] = s
        }
    }
}

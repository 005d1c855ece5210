import Foundation

/// `state/webhooks.json`: per subscriber URL, when it was first configured and the events
/// delivered to it or still failing. An event is sent only when it happened at or after
/// `since` (a new subscriber is not flooded with the catalog's history) and has no receipt;
/// a failure is retried on the next run and shown by `odp status`.
public struct WebhookJournal: Artifact, Equatable {
    public static let artifactName = "webhooks.json"
    public static let schemaVersion = 1

    public struct Subscriber: Codable, Sendable, Equatable {
        /// ISO 8601 UTC: the run that first saw this subscriber.
        public var since: String
        /// Event id → when the subscriber answered 2xx.
        public var delivered: [String: String] = [:]
        /// Event id → the last failure.
        public var failing: [String: Failure] = [:]

        public init(since: String) { self.since = since }
    }

    public struct Failure: Codable, Sendable, Equatable {
        public var attempts: Int
        public var last: String
        /// The HTTP status or transport error, never the body or a secret.
        public var error: String

        public init(attempts: Int, last: String, error: String) {
            self.attempts = attempts
            self.last = last
            self.error = error
        }
    }

    /// Keyed by the subscriber's URL without query (a token in the query stays out of state).
    public var subscribers: [String: Subscriber]

    public init(subscribers: [String: Subscriber] = [:]) { self.subscribers = subscribers }

    /// The journal key of a URL: scheme, host and path (query and user info dropped).
    public static func key(_ url: String) -> String {
        guard var c = URLComponents(string: url) else { return String(url.split(separator: "?").first ?? "") }
        c.query = nil
        c.user = nil
        c.password = nil
        c.fragment = nil
        return c.string ?? ""
    }
}

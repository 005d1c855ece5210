import Foundation

/// One `webhooks:` entry of odp.yml: a platform told about each new public version and
/// correction notice (or a department told of each new 纠错与意见), by a signed POST (ODPPublish's `SubscriberDelivery`).
///
/// ```yaml
/// webhooks:
///   - url: https://platform.example.gov.cn/odp-events
///     secret: env:ODP_WEBHOOK_SECRET     # HMAC-SHA256 key; env: or file:, never inline
///     events: [version, erratum]         # default: version, erratum, withdrawn (feedback_received only when listed)
/// ```
public struct WebhookSubscriber: Sendable, Hashable {
    public var url: String
    public var secret: SecretRef
    public var events: Set<WebhookEvent.Kind>

    public init(url: String, secret: SecretRef, events: Set<WebhookEvent.Kind> = WebhookEvent.Kind.defaults) {
        self.url = url
        self.secret = secret
        self.events = events
    }

    /// The entries of `webhooks:`; a mistake is a diagnostic on `r`, the entry left out.
    static func parse(_ r: ConfigReader) -> [WebhookSubscriber] {
        var out: [WebhookSubscriber] = []
        for (i, item) in r.list("webhooks").enumerated() {
            let w = ConfigReader(item, context: "odp.webhooks[\(i + 1)]")
            let url = w.string("url", required: true)
            let secret = w.secret("secret", required: true)
            var kinds = WebhookEvent.Kind.defaults
            if w.has("events") {
                kinds = []
                for name in w.strings("events") {
                    guard let kind = WebhookEvent.Kind(rawValue: name) else {
                        w.error("odp.webhooks[\(i + 1)].events：未知的事件（unknown event）`\(name)`",
                                at: w.raw("events")?.location, hint: "可用的事件：" + WebhookEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))
                        continue
                    }
                    kinds.insert(kind)
                }
            }
            if let url, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                w.error("odp.webhooks[\(i + 1)].url 必须是 http(s) 网址（URL）", at: w.raw("url")?.location)
            }
            r.absorb(w.finish())
            if let url, let secret, url.hasPrefix("http") { out.append(WebhookSubscriber(url: url, secret: secret, events: kinds)) }
        }
        return out
    }
}

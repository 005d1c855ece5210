import Foundation
import ODPCore
import ODPRelease

/// The events the `webhooks:` subscribers follow, from what is public after the catalog
/// step: every published version of every listed dataset, every correction notice and every
/// withdrawal (`version` empty and `identifier` the series' for a whole dataset); and each
/// 纠错与意见 received on a defined dataset (its number and kind only), for the department.
/// `SubscriberDelivery` sends each subscriber those it has not had.
enum SubscriberEvents {
    static func all(definitions: [DatasetDefinition], withheld: Set<String>, root: URL, errata: [Erratum], withdrawals: [Withdrawal] = [],
                    feedback: [FeedbackItem] = [], baseURL: String?) throws -> [WebhookEvent] {
        var events: [WebhookEvent] = []
        var codes: [String: String] = [:]
        for d in definitions where !withheld.contains(d.id) {
            let published = try ReleaseReader.published(datasetId: d.id, root: root)
            if !published.isEmpty { codes[d.id] = d.catalog.code }
            for r in published {
                events.append(WebhookEvent(id: "version:\(d.id):\(r.version)", event: .version, dataset: d.id, code: d.catalog.code, version: r.version,
                                           time: r.created, identifier: DatasetURI.version(code: d.catalog.code, version: r.version, baseURL: baseURL),
                                           summary: ChangeSummary.text(r.metadata.changes, previousVersion: r.previousVersion), changes: r.metadata.changes))
            }
        }
        for e in errata {
            guard let code = codes[e.dataset] else { continue }
            events.append(WebhookEvent(id: "erratum:\(e.number)", event: .erratum, dataset: e.dataset, code: code, version: e.version, time: e.recorded,
                                       identifier: DatasetURI.version(code: code, version: e.version, baseURL: baseURL), summary: e.text))
        }
        let defined = Dictionary(definitions.map { ($0.id, $0.catalog.code) }, uniquingKeysWith: { a, _ in a })
        for w in withdrawals {
            guard let code = defined[w.dataset] else { continue }
            events.append(WebhookEvent(id: "withdrawn:\(w.number)", event: .withdrawn, dataset: w.dataset, code: code, version: w.version ?? "",
                                       time: w.recorded,
                                       identifier: w.version.map { DatasetURI.version(code: code, version: $0, baseURL: baseURL) }
                                           ?? DatasetURI.series(code: code, baseURL: baseURL),
                                       summary: "撤回原因：\(w.reason)"))
        }
        for f in feedback {
            guard let code = defined[f.dataset] else { continue }
            events.append(.feedbackReceived(f, code: code, baseURL: baseURL))
        }
        return events
    }
}

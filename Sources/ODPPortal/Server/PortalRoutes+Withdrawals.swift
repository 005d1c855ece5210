import Foundation
import Hummingbird
import ODPCore

/// Withdrawn datasets and versions (`odp withdraw`): every old URL answers 410 Gone with the
/// reason and date (a Chinese page, or JSON under /api), and the feeds announce them.
extension PortalRoutes {
    /// 410 when the dataset at path segment `index` is withdrawn, or its `version` is.
    func gone(_ request: Request, index: Int, version: String?, json: Bool) throws -> Response? {
        let s = try segments(request)
        guard s.count > index, let notice = store.withdrawn(s[index], version: version) else { return nil }
        return json ? Self.goneJSON(notice) : Self.gone(notice)
    }

    static func gone(_ notice: WithdrawnNotice) -> Response { Responses.html(WithdrawnPage.render(notice), status: .gone) }

    static func goneJSON(_ notice: WithdrawnNotice) -> Response {
        Responses.json(["error": .string("已撤回（withdrawn）：\(notice.reason)"), "withdrawn": notice.json], status: .gone)
    }

    /// The `?version=` a page or the API was asked for.
    func queryVersion(_ request: Request) -> String? { CatalogQuery.parameters(request.uri.query)["version"] }

    /// A withdrawn dataset's identifier (`/id/<资源代码>[/<version>]`): gone from the catalog,
    /// so its code is found in its tombstones.
    func withdrawnIdentifier(_ rest: [String]) -> WithdrawnNotice? {
        guard !rest.isEmpty else { return nil }
        let full = rest.joined(separator: "/"), series = rest.dropLast().joined(separator: "/")
        for id in store.datasetIds() {
            guard let code = store.tombstones(id).last?.code else { continue }
            if code == full { return store.withdrawn(id, version: nil) }
            if code == series, let notice = store.withdrawn(id, version: rest.last) { return notice }
        }
        return nil
    }

    /// Feed entries of the withdrawals (of one dataset, or all), titled as the catalog had it.
    func withdrawalEntries(dataset: String? = nil) -> [AtomFeed.Entry] {
        let records = Dictionary(index.current().records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return store.withdrawals().filter { dataset == nil || $0.dataset == dataset }.map { w in
            let record = records[w.dataset]
            let dataset = record.map(AtomFeed.Dataset.init) ?? AtomFeed.Dataset(unlisted: w.dataset, tombstone: store.tombstones(w.dataset).last)
            return AtomFeed.withdrawal(dataset, w)
        }
    }

    /// `/api/changes` items of withdrawals and restores after `since`.
    func withdrawalChanges(since: String) -> [(time: String, json: ArtifactJSON)] {
        var items: [(time: String, json: ArtifactJSON)] = []
        for w in store.withdrawals() {
            var o: ArtifactJSON = ["number": .string(w.number), "dataset": .string(w.dataset), "version": ArtifactJSON(w.version),
                                   "reason": .string(w.reason), "url": .string("/api/datasets/\(w.dataset)" + (w.version.map { "?version=\($0)" } ?? ""))]
            if w.recorded > since {
                o["kind"] = "withdrawal"
                o["time"] = .string(w.recorded)
                items.append((w.recorded, o))
            }
            if let restored = w.restored, restored > since {
                o["kind"] = "restore"
                o["time"] = .string(restored)
                items.append((restored, o))
            }
        }
        return items
    }
}

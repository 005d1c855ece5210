import Foundation
import ODPCore

/// The Atom feeds the catalog step writes beside the open list: `catalog/feed.atom` (each
/// dataset's newest version and every correction notice, like the portal's `/feed.atom`)
/// and `catalog/feeds/<id>.atom` (one dataset's versions and notices, like
/// `/datasets/<id>/feed.atom`). Built by `AtomFeed`, the portal's builder, from the same
/// versions and errata, so both say the same.
enum CatalogFeeds {
    static let folder = "feeds"

    /// What the feeds announce besides versions.
    struct Notices {
        var errata: [Erratum] = []
        var withdrawals: [CatalogWithdrawal] = []
    }

    static func dataset(_ e: CatalogEntry) -> AtomFeed.Dataset {
        AtomFeed.Dataset(id: e.id, code: e.catalog.code.isEmpty ? nil : e.catalog.code, title: e.catalog.title, provider: e.catalog.provider)
    }

    static func entry(_ e: CatalogEntry, _ r: ReleaseInfo, linkBase: String) -> AtomFeed.Entry {
        AtomFeed.version(dataset(e), version: r.version, created: r.created,
                         changeSummary: ChangeSummary.text(r.metadata.changes, previousVersion: r.previousVersion), rowCount: r.rowCount, linkBase: linkBase)
    }

    static func site(_ entries: [CatalogEntry], notices: Notices, linkBase: String) -> Data {
        let byID = Dictionary(entries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var items = entries.map { entry($0, $0.release, linkBase: linkBase) }
        items += notices.errata.compactMap { e in byID[e.dataset].map { AtomFeed.erratum(dataset($0), e, linkBase: linkBase) } }
        items += notices.withdrawals.map { w in AtomFeed.withdrawal(byID[w.withdrawal.dataset].map(dataset) ?? w.unlisted, w.withdrawal, linkBase: linkBase) }
        return Data(AtomFeed.site(entries: items, linkBase: linkBase).utf8)
    }

    static func dataset(_ e: CatalogEntry, notices: Notices, linkBase: String) -> Data {
        let items = e.versions.map { entry(e, $0.release, linkBase: linkBase) }
            + notices.errata.filter { $0.dataset == e.id }.map { AtomFeed.erratum(dataset(e), $0, linkBase: linkBase) }
            + notices.withdrawals.filter { $0.withdrawal.dataset == e.id }.map { AtomFeed.withdrawal(dataset(e), $0.withdrawal, linkBase: linkBase) }
        return Data(AtomFeed.dataset(dataset(e), entries: items, linkBase: linkBase).utf8)
    }
}

/// A withdrawal for the feeds, with how to name its dataset once the catalog no longer lists
/// it (the title and code its tombstone kept).
public struct CatalogWithdrawal: Sendable {
    public var withdrawal: Withdrawal
    public var unlisted: AtomFeed.Dataset

    public init(withdrawal: Withdrawal, unlisted: AtomFeed.Dataset) {
        self.withdrawal = withdrawal
        self.unlisted = unlisted
    }
}

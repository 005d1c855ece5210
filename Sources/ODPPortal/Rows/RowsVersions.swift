import Foundation
import ODPCore

/// The published versions of each dataset the rows API is asked for, and which of them have
/// a SQLite file, re-read only when the dataset's folder, its `latest.json` or the approvals
/// moved: the stamps `PortalIndexCache` trusts, since a version appears by a rename into the
/// dataset's folder and is published by `latest.json` or a decision. Reading every version's
/// release.json on each request was a tenth of the API's time.
///
/// Withdrawals are not cached here: the route asks the store about tombstones every time.
final class RowsVersions: @unchecked Sendable {
    struct Published {
        /// Oldest first.
        var versions: [String]
        /// The version `/rows` serves without a cursor: the latest pointer's, else the newest.
        var newest: String?
        /// Per version, whether its SHA256SUMS lists the SQLite file (filled when asked).
        var hasRows: [String: Bool] = [:]
    }

    private struct Entry {
        var stamps: [PortalIndexCache.Stamp]
        var published: Published
    }

    let store: PortalStore
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// Past this many datasets the cache starts again, so memory stays bounded.
    static let capacity = 4096

    init(store: PortalStore) { self.store = store }

    func published(_ id: String) -> Published {
        let dir = store.releasesDirectory.appendingPathComponent(id)
        // Stamped before reading, so a change during the read is seen by the next request.
        let stamps = [dir.path, dir.appendingPathComponent(LatestPointer.fileName).path,
                      store.root.appendingPathComponent("state/approvals.json").path].map(PortalIndexCache.Stamp.init)
        if let known = lock.withLock({ entries[id] }), known.stamps == stamps { return known.published }
        let versions = store.versions(id).filter(\.isPublished)
        let published = Published(versions: versions.map(\.version), newest: (versions.last(where: \.isLatest) ?? versions.last)?.version)
        store(id, Entry(stamps: stamps, published: published))
        return published
    }

    /// Whether `version`'s SHA256SUMS lists `name`; a published version's list never changes.
    func hasRows(_ id: String, _ version: String, file name: String) -> Bool {
        if let known = lock.withLock({ entries[id]?.published.hasRows[version] }) { return known }
        let listed = store.checksums(id, version)?[name] != nil
        lock.withLock { entries[id]?.published.hasRows[version] = listed }
        return listed
    }

    private func store(_ id: String, _ entry: Entry) {
        lock.withLock {
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[id] = entry
        }
    }
}

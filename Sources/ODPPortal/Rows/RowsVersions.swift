import Foundation
import ODPCore

/// The published versions of each dataset the rows API is asked for, and their SQLite
/// files, re-read only when the dataset's folder, its `latest.json` or the approvals
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
        /// Per version asked for, its SQLite file's real path, or nil when the version's
        /// SHA256SUMS does not list one or it is not inside the version's folder.
        var rowsFiles: [String: URL?] = [:]
    }

    private struct Entry {
        var stamps: [PortalIndexCache.Stamp]
        var published: Published
    }

    let store: PortalStore
    /// Paths as text: building them with `URL` was 7% of a request.
    private let releases: String
    private let approvals: String
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// Past this many datasets the cache starts again, so memory stays bounded.
    static let capacity = 4096

    init(store: PortalStore) {
        self.store = store
        releases = store.releasesPath
        approvals = store.root.appendingPathComponent("state/approvals.json").path
    }

    /// `id` must be a dataset id (`SafePath.isDatasetId`).
    func published(_ id: String) -> Published {
        let dir = releases + "/" + id
        // Stamped before reading, so a change during the read is seen by the next request.
        let stamps = [dir, dir + "/" + LatestPointer.fileName, approvals].map(PortalIndexCache.Stamp.init)
        if let known = lock.withLock({ entries[id] }), known.stamps == stamps { return known.published }
        let versions = store.versions(id).filter(\.isPublished)
        let published = Published(versions: versions.map(\.version), newest: (versions.last(where: \.isLatest) ?? versions.last)?.version)
        lock.withLock {
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[id] = Entry(stamps: stamps, published: published)
        }
        return published
    }

    /// The SQLite file of a published `version`, checked once: a published version's files
    /// and SHA256SUMS never change (a withdrawal is answered before this is asked).
    func rowsFile(_ id: String, _ version: String) -> URL? {
        if let known = lock.withLock({ entries[id]?.published.rowsFiles[version] }) { return known }
        let name = "data/\(id).sqlite"
        let folder = store.releaseDirectory(id, version)
        let file = store.checksums(id, version)?[name] == nil ? nil : SafePath.contained(folder.appendingPathComponent(name), in: folder)
        lock.withLock { entries[id]?.published.rowsFiles[version] = .some(file) }
        return file
    }
}

import Foundation
import ODPCore

/// What the rows API needs to know about a dataset before it opens a version: whether it or
/// the version was withdrawn, its published versions, and their SQLite files. Re-read only
/// when the dataset's folder, its `latest.json`, the approvals or the withdrawals move: a
/// version appears, and a withdrawal replaces it by its tombstone, by a rename in the
/// dataset's folder, and is published by `latest.json` or a decision (the stamps
/// `PortalIndexCache` trusts too). Reading every version's release.json and looking for
/// tombstones on each request was a fifth of the API's time.
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
        /// `store.withdrawn` for the dataset ("") and for published versions asked for.
        var notices: [String: WithdrawnNotice?] = [:]
    }

    let store: PortalStore
    /// Paths as text: building them with `URL` was 7% of a request.
    private let releases: String
    private let approvals: String
    private let withdrawals: String
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// Past this many datasets the cache starts again, so memory stays bounded.
    static let capacity = 4096

    init(store: PortalStore) {
        self.store = store
        releases = store.releasesPath
        approvals = store.root.appendingPathComponent("state/approvals.json").path
        withdrawals = store.root.appendingPathComponent("state/withdrawals.json").path
    }

    /// Why `id` (or `version` of it) answers 410, if it does, and its published versions.
    /// `id` must be a dataset id (`SafePath.isDatasetId`).
    func lookup(_ id: String, version: String?) -> (withdrawn: WithdrawnNotice?, published: Published) {
        let dir = releases + "/" + id
        // Stamped before reading, so a change during the read is seen by the next request.
        let stamps = [dir, dir + "/" + LatestPointer.fileName, approvals, withdrawals].map(PortalIndexCache.Stamp.init)
        var entry: Entry
        var changed = false
        if let known = lock.withLock({ entries[id] }), known.stamps == stamps {
            entry = known
        } else {
            let versions = store.versions(id).filter(\.isPublished)
            entry = Entry(stamps: stamps, published: Published(versions: versions.map(\.version),
                                                               newest: (versions.last(where: \.isLatest) ?? versions.last)?.version))
            changed = true
        }
        let notice: WithdrawnNotice?
        if let known = entry.notices[version ?? ""] {
            notice = known
        } else {
            notice = store.withdrawn(id, version: version)
            // Only the dataset and its published versions are kept: a version named in a URL
            // is anyone's text.
            if version.map(entry.published.versions.contains) ?? true {
                entry.notices[version ?? ""] = .some(notice)
                changed = true
            }
        }
        if changed {
            lock.withLock {
                if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
                entries[id] = entry
            }
        }
        return (notice, entry.published)
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

import Foundation
import ODPCore

/// Keeps one `PortalIndex` for the server and rebuilds it when the output tree changed.
///
/// Each request `stat`s three paths: `catalog/open-list.json` (rewritten by every run that
/// released something), `state/approvals.json` (a decision publishes a version) and the
/// `releases/` folder (a new dataset). Only when one moved is the index rebuilt, and then a
/// dataset whose folder and `latest.json` did not move keeps what was read from it before
/// (its newest published version and its datapackage.json facts): a new release of one
/// dataset re-reads that dataset, not all 21,000. Requests wait for a rebuild under the lock.
final class PortalIndexCache: @unchecked Sendable {
    /// A file's modification time and size, or nil fields when it is missing.
    struct Stamp: Equatable {
        var seconds = 0, nanoseconds = 0, size = 0

        init(_ path: String) {
            var st = stat()
            guard stat(path, &st) == 0 else { return }
            seconds = st.st_mtim.tv_sec
            nanoseconds = st.st_mtim.tv_nsec
            size = Int(st.st_size)
        }
    }

    /// What the index keeps of one dataset between rebuilds.
    struct Dataset {
        var stamps: [Stamp]
        var newest: VersionRecord?
        var package: PackageFacts?
    }

    let store: PortalStore
    private let lock = NSLock()
    private var stamps: [Stamp] = []
    private var index: PortalIndex?
    private var datasets: [String: Dataset] = [:]

    /// The three paths stamped on every request, built once (`URL` path building is not cheap).
    private let watched: [String]

    init(store: PortalStore) {
        self.store = store
        watched = [store.root.appendingPathComponent("catalog/\(OpenListDocument.fileName)").path,
                   store.root.appendingPathComponent("state/approvals.json").path, store.releasesDirectory.path]
    }

    /// The index for what is on disk now.
    func current() -> PortalIndex {
        lock.withLock {
            let now = watched.map(Stamp.init)
            if let index, now == stamps { return index }
            let approvalsMoved = stamps.count < 2 || now[1] != stamps[1]
            let built = rebuild(approvalsMoved: approvalsMoved)
            stamps = now
            index = built
            return built
        }
    }

    private func rebuild(approvalsMoved: Bool) -> PortalIndex {
        let list = store.openList()
        let decisions = store.approvals()
        var next: [String: Dataset] = [:]
        var records: [DatasetRecord] = []
        var fields: [String: [(name: String, title: String)]] = [:]
        for id in store.datasetIds() {
            let dir = store.releasesDirectory.appendingPathComponent(id)
            let stamps = [Stamp(dir.path), Stamp(dir.appendingPathComponent(LatestPointer.fileName).path)]
            var dataset: Dataset
            if !approvalsMoved, let known = datasets[id], known.stamps == stamps {
                dataset = known
            } else {
                let newest = store.versions(id, approvals: decisions).last(where: \.isPublished)
                dataset = Dataset(stamps: stamps, newest: newest,
                                  package: newest.flatMap { store.dataPackage(id, $0.version) }.map(PackageFacts.init))
            }
            next[id] = dataset
            guard let newest = dataset.newest else { continue }
            let entry = list[id]
            records.append(PortalStore.record(id, version: newest, entry: entry, package: dataset.package))
            let listed = (entry?.fields ?? []).map { (name: $0.name, title: $0.title) }
            fields[id] = listed.isEmpty ? dataset.package?.fields ?? [] : listed
        }
        datasets = next
        return PortalIndex(records: records, fields: fields, openList: list)
    }
}

import Foundation

/// Reads the output tree (releases, packages, catalog, state/approvals.json) on every
/// request, so the portal always shows what is on disk without a cache to invalidate.
struct PortalStore: Sendable {
    let root: URL

    var releasesDirectory: URL { root.appendingPathComponent("releases") }

    func datasetIds() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: releasesDirectory.path)) ?? []
        return names.filter { SafePath.isDatasetId($0) }.sorted()
    }

    func latestVersion(_ id: String) -> String? {
        JSONValue.load(releasesDirectory.appendingPathComponent(id).appendingPathComponent("latest.json"))?["version"].string
    }

    func approvals() -> JSONValue {
        JSONValue.load(root.appendingPathComponent("state/approvals.json")) ?? JSONValue(nil)
    }

    func releaseDirectory(_ id: String, _ version: String) -> URL {
        releasesDirectory.appendingPathComponent(id).appendingPathComponent(version)
    }

    /// Every complete version (one with a readable release.json), oldest first.
    func versions(_ id: String, approvals: JSONValue? = nil) -> [VersionRecord] {
        guard SafePath.isDatasetId(id) else { return [] }
        let dir = releasesDirectory.appendingPathComponent(id)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let latest = latestVersion(id)
        let decisions = (approvals ?? self.approvals())[id]
        return names.filter { SafePath.isVersion($0) }.sorted(by: SafePath.versionPrecedes).compactMap { v in
            guard let r = JSONValue.load(dir.appendingPathComponent(v).appendingPathComponent("release.json")) else { return nil }
            return VersionRecord(version: v, status: r["status"].string ?? "released", created: r["created"].string,
                                 rowCount: r["row_count"].int, previousVersion: r["previous_version"].string,
                                 holdReasons: r["hold_reasons"].strings, changes: r["changes"], decision: decisions[v],
                                 isLatest: v == latest)
        }
    }

    func openList() -> [String: JSONValue] {
        guard let list = JSONValue.load(root.appendingPathComponent("catalog/open-list.json")) else { return [:] }
        // Either a bare array or an object holding the array under a list key.
        var entries = list.array
        if entries.isEmpty { entries = list.first("datasets", "items", "resources", "dataset").array }
        var out: [String: JSONValue] = [:]
        for e in entries {
            if let id = e.first("dataset_id", "id", "name", "identifier").string { out[id] = e }
        }
        return out
    }

    /// The catalog record of a dataset from its newest published version (nil when none is).
    func dataset(_ id: String, versions: [VersionRecord]? = nil, openList: [String: JSONValue]? = nil) -> DatasetRecord? {
        let versions = versions ?? self.versions(id)
        guard let newest = versions.last(where: { $0.isPublished }) else { return nil }
        return record(id, version: newest, openList: openList)
    }

    /// The catalog record as of one version (the open list first, then its datapackage.json).
    func record(_ id: String, version: VersionRecord, openList: [String: JSONValue]? = nil) -> DatasetRecord {
        var record = DatasetRecord(id: id, title: id)
        if let entry = (openList ?? self.openList())[id] { record.merge(openList: entry) }
        if let package = JSONValue.load(releaseDirectory(id, version.version).appendingPathComponent("datapackage.json")) {
            record.merge(dataPackage: package)
        }
        record.latestVersion = version.version
        record.updated = version.created ?? record.updated
        record.rowCount = version.rowCount ?? record.rowCount
        return record
    }

    /// Every dataset with at least one published version, sorted by title.
    func publishedDatasets() -> [DatasetRecord] {
        let list = openList()
        let decisions = approvals()
        return datasetIds().compactMap { dataset($0, versions: versions($0, approvals: decisions), openList: list) }
            .sorted { ($0.title, $0.id) < ($1.title, $1.id) }
    }

    /// Versions waiting for a data officer, across all datasets.
    func awaitingApproval() -> [(id: String, version: VersionRecord)] {
        let decisions = approvals()
        return datasetIds().flatMap { id in versions(id, approvals: decisions).filter(\.isAwaitingApproval).map { (id: id, version: $0) } }
    }

    /// Decided versions (approved or rejected), newest decision first.
    func decided() -> [(id: String, version: String, decision: JSONValue)] {
        let a = approvals()
        var out: [(id: String, version: String, decision: JSONValue)] = []
        for id in a.keys { for v in a[id].keys { out.append((id: id, version: v, decision: a[id][v])) } }
        return out.sorted { ($0.decision["time"].string ?? "") > ($1.decision["time"].string ?? "") }
    }

    /// SHA256SUMS of a release as path → lowercase hex.
    func checksums(_ id: String, _ version: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: releaseDirectory(id, version).appendingPathComponent("SHA256SUMS").path),
              let text = String(data: data, encoding: .utf8) else { return [:] }
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64 else { continue }
            var path = parts[1]
            if path.hasPrefix(" ") || path.hasPrefix("*") { path = path.dropFirst() }
            out[String(path)] = parts[0].lowercased()
        }
        return out
    }

    func packageZip(_ id: String, _ version: String) -> URL {
        root.appendingPathComponent("packages/\(id)-\(version).zip")
    }
}

import Foundation
import ODPCore

/// Reads the output tree (releases, packages, catalog, state/approvals.json). A dataset's
/// page reads its own folder on every request; the list, search, department and topic pages
/// read the catalog-wide index `PortalIndexCache` keeps, which is rebuilt when the open
/// list, the approvals or the set of datasets change.
/// Release files are read through their artifact types; one that cannot be read (damaged,
/// or written by a newer odp) is left out of the pages rather than failing them.
struct PortalStore: Sendable {
    let root: URL
    let releasesDirectory: URL
    /// `releasesDirectory` as text, for paths built on every request.
    let releasesPath: String

    init(root: URL) {
        self.root = root
        releasesDirectory = root.appendingPathComponent("releases")
        releasesPath = releasesDirectory.path
    }

    func datasetIds() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: releasesDirectory.path)) ?? []
        return names.filter { SafePath.isDatasetId($0) }.sorted()
    }

    func latestVersion(_ id: String) -> String? {
        (try? LatestPointer.read(datasetDirectory: releasesDirectory.appendingPathComponent(id)))??.version
    }

    /// The data officers' decisions (an unreadable file reads as none: nothing unapproved is
    /// shown as approved).
    func approvals() -> ApprovalDecisions {
        (try? ArtifactCodec.read(ApprovalDecisions.self, at: root.appendingPathComponent("state/approvals.json"))) ?? ApprovalDecisions()
    }

    func releaseDirectory(_ id: String, _ version: String) -> URL {
        releasesDirectory.appendingPathComponent(id).appendingPathComponent(version)
    }

    /// Every complete version (one with a readable release.json), oldest first.
    func versions(_ id: String, approvals: ApprovalDecisions? = nil) -> [VersionRecord] {
        guard SafePath.isDatasetId(id) else { return [] }
        let dir = releasesDirectory.appendingPathComponent(id)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let latest = latestVersion(id)
        let decisions = (approvals ?? self.approvals()).decisions[id] ?? [:]
        return names.filter { SafePath.isVersion($0) }.sorted(by: SafePath.versionPrecedes).compactMap { v in
            guard let metadata = (try? ReleaseMetadata.read(release: dir.appendingPathComponent(v))) ?? nil,
                  metadata.version == v else { return nil }
            return VersionRecord(metadata: metadata, decision: decisions[v], isLatest: v == latest)
        }
    }

    /// The open-data list's entries by dataset id.
    func openList() -> [String: OpenListDocument.Entry] {
        guard let list = (try? OpenListDocument.read(catalogDirectory: root.appendingPathComponent("catalog"))) ?? nil else { return [:] }
        return Dictionary(list.datasets.map { ($0.datasetId, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The catalog record of a dataset from its newest published version (nil when none is).
    func dataset(_ id: String, versions: [VersionRecord]? = nil, openList: [String: OpenListDocument.Entry]? = nil) -> DatasetRecord? {
        let versions = versions ?? self.versions(id)
        guard let newest = versions.last(where: { $0.isPublished }) else { return nil }
        return record(id, version: newest, openList: openList)
    }

    /// The catalog record as of one version (the open list first, then its datapackage.json).
    func record(_ id: String, version: VersionRecord, openList: [String: OpenListDocument.Entry]? = nil) -> DatasetRecord {
        Self.record(id, version: version, entry: (openList ?? self.openList())[id], package: dataPackage(id, version.version).map(PackageFacts.init))
    }

    static func record(_ id: String, version: VersionRecord, entry: OpenListDocument.Entry?, package: PackageFacts?) -> DatasetRecord {
        var record = DatasetRecord(id: id, title: id)
        if let entry { record.merge(openList: entry) }
        if let package { record.merge(package: package) }
        record.latestVersion = version.version
        record.updated = version.created ?? record.updated
        record.rowCount = version.rowCount ?? record.rowCount
        return record
    }

    /// Versions waiting for a data officer, across all datasets.
    func awaitingApproval() -> [(id: String, version: VersionRecord)] {
        let decisions = approvals()
        return datasetIds().flatMap { id in versions(id, approvals: decisions).filter(\.isAwaitingApproval).map { (id: id, version: $0) } }
    }

    /// Decided versions (approved or rejected), newest decision first.
    func decided() -> [(id: String, version: String, decision: ApprovalDecision)] {
        approvals().decisions.flatMap { id, versions in versions.map { (id: id, version: $0.key, decision: $0.value) } }
            .sorted { ($0.decision.time, $0.id, $0.version) > ($1.decision.time, $1.id, $1.version) }
    }

    /// SHA256SUMS of a release (nil when it has none or it cannot be read).
    func checksums(_ id: String, _ version: String) -> SHA256Sums? {
        (try? SHA256Sums.read(release: releaseDirectory(id, version))) ?? nil
    }

    /// The release's datapackage.json (nil when it has none or it cannot be read).
    func dataPackage(_ id: String, _ version: String) -> DataPackageDescriptor? {
        (try? DataPackageDescriptor.read(release: releaseDirectory(id, version))) ?? nil
    }

    func packageZip(_ id: String, _ version: String) -> URL {
        root.appendingPathComponent("packages/\(id)-\(version).zip")
    }
}

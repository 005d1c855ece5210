import Foundation
import ODPCore

/// What the portal tells a visitor of a withdrawn dataset or version (410 Gone): which, why
/// and when. Never who withdrew it.
struct WithdrawnNotice: Sendable, Equatable {
    var number: String
    var dataset: String
    /// Nil: the whole dataset.
    var version: String?
    var title: String
    var reason: String
    /// ISO 8601 UTC.
    var time: String

    init(_ tombstone: WithdrawnVersion) {
        number = tombstone.number
        dataset = tombstone.dataset
        version = tombstone.version
        title = tombstone.title
        reason = tombstone.reason
        time = tombstone.withdrawn
    }

    init(_ w: Withdrawal, title: String) {
        number = w.number
        dataset = w.dataset
        version = w.version
        self.title = title
        reason = w.reason
        time = w.recorded
    }

    var json: ArtifactJSON {
        ["number": .string(number), "dataset": .string(dataset), "version": ArtifactJSON(version), "title": .string(title),
         "reason": .string(reason), "time": .string(time)]
    }
}

extension PortalStore {
    /// `odp withdraw`'s records (state/withdrawals.json); none when missing or unreadable.
    func withdrawals() -> [Withdrawal] {
        ((try? ArtifactCodec.read(WithdrawalList.self, at: root.appendingPathComponent("state/withdrawals.json"))) ?? nil)?.withdrawals ?? []
    }

    /// The tombstone of a withdrawn version, if it is one.
    func tombstone(_ id: String, _ version: String) -> WithdrawnVersion? {
        guard SafePath.isDatasetId(id), SafePath.isVersion(version) else { return nil }
        // Asked for every version on most requests, and almost always absent: a failed read
        // builds a Foundation error, a failed access(2) costs one system call.
        guard access(releasesPath + "/\(id)/\(version)/\(WithdrawnVersion.fileName)", F_OK) == 0 else { return nil }
        return (try? WithdrawnVersion.read(release: releaseDirectory(id, version))) ?? nil
    }

    /// Every tombstone of a dataset, oldest version first.
    func tombstones(_ id: String) -> [WithdrawnVersion] {
        guard SafePath.isDatasetId(id) else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: releasesDirectory.appendingPathComponent(id).path)) ?? []
        return names.filter { SafePath.isVersion($0) }.sorted(by: SafePath.versionPrecedes).compactMap { tombstone(id, $0) }
    }

    /// Why a URL of `id` (at `version`, nil or `latest` for the dataset itself) answers 410, or
    /// nil when it does not: a withdrawn version; a dataset withdrawn as a whole; or one whose
    /// every published version was withdrawn.
    func withdrawn(_ id: String, version: String?) -> WithdrawnNotice? {
        if let version, version != "latest", let t = tombstone(id, version) { return WithdrawnNotice(t) }
        let tombstones = self.tombstones(id)
        guard let newest = tombstones.last else { return nil }
        if let w = WithdrawalList(withdrawals: withdrawals()).activeDatasetWithdrawal(id) { return WithdrawnNotice(w, title: newest.title) }
        return versions(id).contains(where: \.isPublished) ? nil : WithdrawnNotice(newest)
    }
}

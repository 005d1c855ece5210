import Foundation
import ODPCore

/// What one `withdraw` call hands each target: one withdrawal (撤回), the published versions
/// it covers, and the version that stays current, if any.
struct WithdrawJob {
    var withdrawal: Withdrawal
    var catalog: CatalogMetadata
    /// Every published version the withdrawal covers.
    var covered: [String]
    /// Those this target has not confirmed yet (per the journal): the only ones it works on.
    var pending: [String]
    /// The newest version that stays published, as a complete local release: CKAN switches to
    /// it and a file drop's `latest.json` points at it when the withdrawn one was current. Nil
    /// when none is left (or the release is not at hand): then nothing is current.
    var current: PublishJob?

    var dataset: String { withdrawal.dataset }
    var wholeDataset: Bool { withdrawal.version == nil }

    /// The tombstone of one version (nil: the dataset folder's).
    func marker(_ version: String?) throws -> Data {
        try ArtifactCodec.encode(WithdrawalMarker(withdrawal, version: version))
    }
}

/// The journal and log as one target sees a withdrawal. A version is confirmed once the
/// target no longer serves it: its receipt (file `_ODP_WITHDRAWN`, the sha256 of its
/// tombstone) is journaled like an upload's, so a re-run skips it.
final class WithdrawSession {
    let target: String
    let journal: Journal
    let log: PublishLog
    let job: WithdrawJob
    private(set) var receipts: [Receipt] = []

    init(target: String, journal: Journal, log: PublishLog, job: WithdrawJob) {
        self.target = target
        self.journal = journal
        self.log = log
        self.job = job
    }

    static func key(target: String, dataset: String, version: String) -> JournalKey {
        JournalKey(target: target, dataset: dataset, version: version, file: WithdrawalMarker.fileName)
    }

    /// Records that `version` is withdrawn on the target, its tombstone (or CKAN dataset) at `remote`.
    func confirm(_ version: String, remote: String) throws {
        let bytes = try job.marker(version)
        var r = Receipt(target: target, dataset: job.dataset, version: version, file: WithdrawalMarker.fileName,
                        sha256: SHA256Hex.of(bytes), size: Int64(bytes.count), remote: remote, time: Receipt.now())
        try journal.append(r)
        r.newlyUploaded = true
        receipts.append(r)
        log.note("\(target): withdrew \(job.dataset)/\(version) (\(job.withdrawal.number))")
    }
}

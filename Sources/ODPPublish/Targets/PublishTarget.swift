import Foundation
import ODPCore

/// What one `publish` call hands each target: one dataset version (or the open-data list).
struct PublishJob {
    var dataset: String
    var version: String
    /// Catalog metadata of the dataset; nil for the open-data list.
    var catalog: CatalogMetadata?
    var files: [ReleaseFile]
    var isCatalog: Bool { catalog == nil }
}

/// An upload destination. Implementations upload data files before metadata, never upload a
/// file whose identical copy is already there, and confirm each file through the session
/// (which journals it) before going on.
protocol PublishTarget: AnyObject {
    var settings: TargetSettings { get }
    func publish(_ job: PublishJob, session: PublishSession) throws
}

/// The journal and log as one target sees them.
final class PublishSession {
    let target: String
    let journal: Journal
    let log: PublishLog
    let job: PublishJob
    private(set) var receipts: [Receipt] = []

    init(target: String, journal: Journal, log: PublishLog, job: PublishJob) {
        self.target = target
        self.journal = journal
        self.log = log
        self.job = job
    }

    func key(_ file: ReleaseFile) -> JournalKey {
        JournalKey(target: target, dataset: job.dataset, version: job.version, file: file.path)
    }

    /// The journal's receipt for this exact content, if any.
    func journaled(_ file: ReleaseFile) -> Receipt? { journal.receipt(for: key(file), sha256: file.sha256) }

    /// Records that `file` is on the target at `remote`. A receipt already journaled for the
    /// same place is reused, so re-publishing appends nothing.
    func confirm(_ file: ReleaseFile, remote: String, uploaded: Bool) throws {
        if let old = journaled(file), old.remote == remote {
            receipts.append(old)
            return
        }
        var r = Receipt(target: target, dataset: job.dataset, version: job.version, file: file.path, sha256: file.sha256,
                        size: file.size, remote: remote, time: Receipt.now())
        try journal.append(r)
        r.newlyUploaded = uploaded
        receipts.append(r)
        log.note("\(target): \(uploaded ? "uploaded" : "already there") \(job.dataset)/\(job.version)/\(file.path)")
    }
}

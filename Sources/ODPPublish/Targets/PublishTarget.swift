import Foundation
import ODPCore

/// What one `publish` call hands each target: one dataset version (or the open-data list).
struct PublishJob {
    var dataset: String
    var version: String
    /// Catalog metadata of the dataset; nil for the open-data list.
    var catalog: CatalogMetadata?
    var files: [UploadFile]
    /// release.json's `content_hash`, for the `latest.json` a file drop moves; nil for the open-data list.
    var contentHash: String?
    /// `odp verify --targets`: every remote copy is compared by content, and one that is
    /// missing or differs from a file the journal says was published is uploaded again.
    var repair = false
    var isCatalog: Bool { catalog == nil }
}

/// An upload destination. Implementations upload data files before metadata, never upload a
/// file whose identical copy is already there, and confirm each file through the session
/// (which journals it) before going on.
///
/// A published version is immutable: a target that finds a file of the same dataset version
/// with other bytes at the place it would write refuses (`PublishedFile.refusal`) instead of
/// replacing it. Identical bytes are confirmed, so a re-run stays idempotent.
protocol PublishTarget: AnyObject {
    var settings: TargetSettings { get }
    func publish(_ job: PublishJob, session: PublishSession) throws
    /// The versions of one dataset made on `day` (`YYYY.MM.DD`) that this target already
    /// holds, so a new release never takes a number that is already out there.
    func existingVersions(dataset: String, catalog: CatalogMetadata, day: String) throws -> [String]
    /// Takes the withdrawn versions of `job.pending` out of service here (each target's
    /// documentation says how) and confirms each through the session once it is. Safe to
    /// repeat: a re-run after a fault finds the finished steps done and does the rest.
    func withdraw(_ job: WithdrawJob, session: WithdrawSession) throws
}

/// Rules shared by every target about what is already published.
enum PublishedFile {
    /// Why a run stops instead of replacing a published file: named by target (the caller
    /// adds it) and place, in words a data officer can act on.
    static func refusal(_ place: String, version: String) -> ODPError {
        .io(place, "拒绝覆盖：这里已有版本 \(version) 的已发布文件，内容与本次不同。已发布的版本不可更改；"
            + "本地的发布记录（output/releases、output/state）可能丢失或被改动过。请核对后重新运行，ODP 会为新内容选用新的版本号")
    }

    /// Why a run does not upload a version that was withdrawn (撤回) from this target.
    static func withdrawn(_ place: String, version: String) -> ODPError {
        .io(place, "版本 \(version) 已撤回（withdrawn），不再上传到这里；如需恢复，请先处理撤回记录（state/withdrawals.json）").coded(.publish)
    }

    /// Whether version `a` is older than `b`: `YYYY.MM.DD.N` part by part as numbers (a
    /// leading `v` and other non-digits are ignored), then as text.
    static func precedes(_ a: String, _ b: String) -> Bool {
        func parts(_ v: String) -> [Int] { v.split(separator: ".").map { Int($0.filter(\.isNumber)) ?? 0 } }
        let (x, y) = (parts(a), parts(b))
        return x == y ? a < b : x.lexicographicallyPrecedes(y)
    }

    /// The names among `names` that are versions of `day` (`2026.12.07.3` for `2026.12.07`).
    static func versions(_ names: [String], day: String) -> [String] {
        names.filter { name in
            guard name.hasPrefix(day + "."), let n = Int(name.dropFirst(day.count + 1)) else { return false }
            return n >= 1
        }
    }
}

/// The journal and log as one target sees them.
final class PublishSession {
    let target: String
    let journal: Journal
    let log: PublishLog
    let job: PublishJob
    private(set) var receipts: [Receipt] = []
    /// The dataset's journaled receipts, read at first use: under the publisher's lock for
    /// this dataset and target, so no other writer appends to them meanwhile.
    private lazy var journaledReceipts = journal.receipts(dataset: job.dataset)

    init(target: String, journal: Journal, log: PublishLog, job: PublishJob) {
        self.target = target
        self.journal = journal
        self.log = log
        self.job = job
    }

    func key(_ file: UploadFile) -> JournalKey {
        JournalKey(target: target, dataset: job.dataset, version: job.version, file: file.path)
    }

    /// The journal's receipt for this exact content, if any.
    func journaled(_ file: UploadFile) -> Receipt? {
        guard let r = journaledReceipts[key(file)], r.sha256 == file.sha256 else { return nil }
        return r
    }

    /// Records that `file` is on the target at `remote`. A receipt already journaled for the
    /// same place is reused, so re-publishing appends nothing.
    func confirm(_ file: UploadFile, remote: String, uploaded: Bool) throws {
        if var old = journaled(file), old.remote == remote {
            // A repair re-uploads journaled files: reported as uploaded, journaled once.
            old.newlyUploaded = uploaded
            receipts.append(old)
            if uploaded { log.note("\(target): uploaded again \(job.dataset)/\(job.version)/\(file.path)") }
            return
        }
        var r = Receipt(target: target, dataset: job.dataset, version: job.version, file: file.path, sha256: file.sha256,
                        size: file.size, remote: remote, time: Receipt.now())
        try journal.append(r)
        journaledReceipts[r.key] = r
        r.newlyUploaded = uploaded
        receipts.append(r)
        log.note("\(target): \(uploaded ? "uploaded" : "already there") \(job.dataset)/\(job.version)/\(file.path)")
    }
}

import Foundation
import ODPCore

/// Uploads complete releases to the configured targets, exactly once.
///
/// Every file is confirmed in the upload journal of its dataset (`StateStore`; by default
/// `<state>/journal/<dataset>/receipts.jsonl`) as soon as its target accepts it. Before uploading, the journal and the target itself are
/// consulted, so an interrupted or failed run resumes where it stopped and a repeated run
/// uploads nothing. Writes to one dataset on one target are serialised by a lock file.
/// Datasets running in parallel share one publisher: each target takes one call at a time
/// (its retry budget and caches are its own), while different targets work at once.
///
/// ```swift
/// let publisher = try Publisher(config: config, stateDirectory: state, environment: ProcessInfo.processInfo.environment)
/// let receipts = try publisher.publish(release: dir, definition: definition, version: "2026-11-23.1")
/// _ = try publisher.publishCatalog(files: [openListCSV, openListJSON])
/// ```
///
/// ## Errors
/// A target that fails after its retries does not stop the others; the call then throws one
/// `ODPError.publish` naming every failed target. Messages never contain secret values.
public final class Publisher: @unchecked Sendable {
    private let targets: [PublishTarget]
    /// One per target, in the same order: a target serves one dataset at a time in this process.
    private let targetLocks: [NSLock]
    private let journal: Journal
    private let locks: URL
    private let redactor: Redactor
    private let log: PublishLog

    /// - Parameters:
    ///   - store: where the upload journal is kept; nil opens the files under `stateDirectory`.
    ///   - log: receives progress and retry notes (already free of secrets).
    public init(config: PipelineConfig, stateDirectory: URL, store: StateStore? = nil, environment: [String: String],
                log: (@Sendable (String) -> Void)? = nil) throws {
        let diagnostics = Publisher.validate(config)
        if diagnostics.contains(where: { $0.severity == .error }) { throw ODPError.definition(diagnostics.filter { $0.severity == .error }) }
        journal = Journal(store: try store ?? FileStateStore(directory: stateDirectory))
        locks = stateDirectory.appendingPathComponent("publish/locks")
        try? FileManager.default.createDirectory(at: locks, withIntermediateDirectories: true)
        var redactor = Redactor()
        var built: [PublishTarget] = []
        var pending: [(TargetSettings, [String: String])] = []
        for spec in config.targets {
            guard let settings = TargetSettings.parse(spec, config: config).0 else { continue }
            do {
                let secrets = try Self.secrets(of: settings, config: config, environment: environment)
                secrets.values.forEach { redactor.add($0) }
                pending.append((settings, secrets))
            } catch {
                // A missing secret fails this target (and so the uploads that need it), not the run.
                built.append(UnavailableTarget(settings: settings, reason: error))
            }
        }
        self.redactor = redactor
        self.log = PublishLog(redactor: redactor, sink: log)
        for (settings, secrets) in pending {
            built.append(try TargetFactory.make(settings, secrets: secrets, config: config, log: self.log))
        }
        targets = built
        targetLocks = built.map { _ in NSLock() }
    }

    /// The folders of `dir` targets, where a killed run may have left temporary copies.
    public var localFolders: [URL] {
        targets.compactMap { (($0 as? FileDropTarget)?.store as? DirectoryStore)?.root }
    }

    /// Uploads every file of a complete release directory (hashes from its SHA256SUMS) to
    /// every target and returns one receipt per file and target. Idempotent.
    public func publish(release directory: URL, definition: DatasetDefinition, version: String) throws -> [Receipt] {
        try run(releaseJob(directory, definition: definition, version: version))
    }

    private func releaseJob(_ directory: URL, definition: DatasetDefinition, version: String) throws -> PublishJob {
        let files = try UploadFile.release(directory)
        let contentHash = try ReleaseMetadata.read(release: directory)?.contentHash
        return PublishJob(dataset: definition.id, version: version, catalog: definition.catalog, files: files, contentHash: contentHash)
    }

    /// `odp verify --targets`: looks at every file of a published release on every target by
    /// content (the journal is not trusted here) and uploads again what is missing or differs
    /// from the journaled copy; those receipts come back with `newlyUploaded`.
    public func repair(release directory: URL, definition: DatasetDefinition, version: String) throws -> [Receipt] {
        var job = try releaseJob(directory, definition: definition, version: version)
        job.repair = true
        return try run(job)
    }

    /// The same for the open-data list files as last uploaded.
    public func repairCatalog(files: [URL]) throws -> [Receipt] {
        var job = try catalogJob(files)
        job.repair = true
        return try run(job)
    }

    /// Every version of `definition` made on `day` (`YYYY.MM.DD`) that some target holds or
    /// the journal names, so the next release is numbered after all of them even when the
    /// local release folders were lost.
    ///
    /// ## Errors
    /// A target that cannot be asked fails the call (naming the target): guessing a number
    /// that may already be published is worse than not releasing today.
    public func existingVersions(definition: DatasetDefinition, day: String) throws -> [String] {
        var found = Set(PublishedFile.versions(journal.intents(dataset: definition.id).map(\.version), day: day))
        found.formUnion(PublishedFile.versions(journal.receipts(dataset: definition.id).keys.map(\.version), day: day))
        for (target, lock) in zip(targets, targetLocks) {
            do {
                found.formUnion(try lock.withLock { try target.existingVersions(dataset: definition.id, catalog: definition.catalog, day: day) })
            } catch {
                throw ODPError.publish(target.settings.name, "无法查询已发布的版本，为免重复使用版本号，本次不发布：\(redactor.clean("\(error)"))")
            }
        }
        return found.sorted()
    }

    /// The open-data list files, uploaded after the datasets they list.
    /// When the journal already holds a receipt for every file on every target (an unchanged
    /// list), no target is asked: `odp verify --targets` is what compares them with the journal.
    public func publishCatalog(files: [URL]) throws -> [Receipt] {
        let job = try catalogJob(files)
        return try journaled(job) ?? run(job)
    }

    /// Named by its content whatever order the files come in (a run and `verify --targets` list them differently).
    private func catalogJob(_ files: [URL]) throws -> PublishJob {
        let loose = try UploadFile.loose(files)
        let lines = loose.map { "\($0.path) \($0.sha256)" }.sorted()
        let version = String(SHA256Hex.of(Array(lines.joined(separator: "\n").utf8)).prefix(16))
        return PublishJob(dataset: "catalog", version: version, catalog: nil, files: loose)
    }

    /// The journal's receipts for every file of `job` on every target, or nil when one is missing.
    private func journaled(_ job: PublishJob) -> [Receipt]? {
        let receipts = journal.receipts(dataset: job.dataset)
        var out: [Receipt] = []
        for target in targets {
            for file in job.files {
                let key = JournalKey(target: target.settings.name, dataset: job.dataset, version: job.version, file: file.path)
                guard let receipt = receipts[key], receipt.sha256 == file.sha256 else { return nil }
                out.append(receipt)
            }
        }
        return out
    }

    /// What is published where, and what a run set out to publish but has no receipt yet.
    public func status() -> [PublishStatusEntry] { Self.status(store: journal.store) }

    /// The same, read from the journal alone: no target is opened, so no upload secret is
    /// needed (`odp status` on a machine without `CKAN_TOKEN`).
    public static func status(store: StateStore) -> [PublishStatusEntry] {
        store.journaledDatasets().flatMap { status(dataset: $0, journal: Journal(store: store)) }
            .sorted { ($0.target, $0.dataset, $0.version, $0.file) < ($1.target, $1.dataset, $1.version, $1.file) }
    }

    private static func status(dataset: String, journal: Journal) -> [PublishStatusEntry] {
        let receipts = journal.receipts(dataset: dataset)
        var out: [PublishStatusEntry] = []
        var seen = Set<JournalKey>()
        for i in journal.intents(dataset: dataset).reversed() {
            guard seen.insert(i.key).inserted else { continue }
            let receipt = receipts[i.key].flatMap { $0.sha256 == i.sha256 ? $0 : nil }
            out.append(PublishStatusEntry(target: i.target, dataset: i.dataset, version: i.version, file: i.file, sha256: i.sha256,
                                          state: receipt == nil ? .pending : .published, receipt: receipt))
        }
        return out
    }

    /// The names of the well-formed targets of `targets:`, in order; no secret is read.
    public static func targetNames(_ config: PipelineConfig) -> [String] {
        config.targets.compactMap { TargetSettings.parse($0, config: config).0?.name }
    }

    /// Checks `targets:` without touching the network: unknown types and keys, missing URLs,
    /// secrets written inline, and options that would turn off TLS or host key checks.
    public static func validate(_ config: PipelineConfig) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var names: [String: SourceLocation] = [:]
        for spec in config.targets {
            let (settings, diagnostics) = TargetSettings.parse(spec, config: config)
            out += diagnostics
            guard let settings else { continue }
            if let first = names[settings.name] {
                out.append(Diagnostic(spec.location, "上传目标名 `\(settings.name)` 用了两次（used twice，第一次在 \(first)）",
                                      hint: "给每个上传目标起不同的 `name:`"))
            }
            names[settings.name] = spec.location
        }
        return out
    }

    private func run(_ job: PublishJob) throws -> [Receipt] {
        try journal.append(intents: targets.flatMap { t in
            job.files.map { UploadIntent(target: t.settings.name, dataset: job.dataset, version: job.version, file: $0.path, sha256: $0.sha256, size: $0.size) }
        })
        var receipts: [Receipt] = []
        try eachTarget(dataset: job.dataset, what: "\(job.dataset) \(job.version)") { target in
            let session = PublishSession(target: target.settings.name, journal: journal, log: log, job: job)
            defer { receipts += session.receipts }
            try target.publish(job, session: session)
        }
        return receipts
    }

    /// `odp withdraw`: takes a withdrawn dataset or version (撤回) out of service on every
    /// target, exactly once per target and version. `versions` are the published versions it
    /// covers (for a whole dataset, every one). `current` is the newest version that stays
    /// published, as a complete local release (its folder) — CKAN switches to it and a file
    /// drop's `latest.json` points at it when the withdrawn version was current; nil when no
    /// version stays, or its release is gone (then nothing is current on those targets until
    /// the next release).
    ///
    /// Each target confirms each version in the upload journal (file `_ODP_WITHDRAWN`) once it
    /// no longer serves it; a target that has confirmed every version is not contacted again,
    /// and a re-run after a fault does only what is missing. With no `versions` no target is
    /// contacted (a dataset that never reached a target has nothing there). Returns one
    /// receipt per target and version, `newlyUploaded` for those done by this call.
    ///
    /// ## Errors
    /// A target that fails after its retries does not stop the others; the call then throws
    /// one `ODPError.publish` naming every failed target (free of secrets).
    public func withdraw(_ withdrawal: Withdrawal, versions: [String], definition: DatasetDefinition,
                         current: (version: String, release: URL)? = nil) throws -> [Receipt] {
        guard withdrawal.dataset == definition.id else {
            throw ODPError.io(withdrawal.number, "撤回记录属于数据集 \(withdrawal.dataset)，不是 \(definition.id)（withdrawal of another dataset）")
        }
        let remaining = try current.map { try releaseJob($0.release, definition: definition, version: $0.version) }
        let journaled = journal.receipts(dataset: definition.id)
        var receipts: [Receipt] = []
        try eachTarget(dataset: definition.id, what: "withdrawal \(withdrawal.number)") { target in
            var job = WithdrawJob(withdrawal: withdrawal, catalog: definition.catalog, covered: versions, pending: [], current: remaining)
            for version in versions {
                let key = WithdrawSession.key(target: target.settings.name, dataset: definition.id, version: version)
                if let r = journaled[key], r.sha256 == SHA256Hex.of(try job.marker(version)) { receipts.append(r) } else { job.pending.append(version) }
            }
            guard !job.pending.isEmpty else { return }
            let session = WithdrawSession(target: target.settings.name, journal: journal, log: log, job: job)
            defer { receipts += session.receipts }
            try target.withdraw(job, session: session)
        }
        return receipts
    }

    /// Runs `body` for every target, one dataset at a time per target. A target that fails
    /// does not stop the others; the failures are thrown together at the end.
    private func eachTarget(dataset: String, what: String, _ body: (PublishTarget) throws -> Void) throws {
        var failures: [(String, String)] = []
        for (target, lock) in zip(targets, targetLocks) {
            do {
                try lock.withLock {
                    try withLock(target: target.settings.name, dataset: dataset) { try body(target) }
                }
            } catch {
                let message = redactor.clean("\(error)")
                log.note("\(target.settings.name): \(what) failed: \(message)")
                failures.append((target.settings.name, message))
            }
        }
        if !failures.isEmpty { throw ODPError.publish(failures.map(\.0).joined(separator: ", "), failures.map(\.1).joined(separator: "; ")) }
    }

    /// One writer per dataset and target, across threads and processes (flock).
    private func withLock<T>(target: String, dataset: String, _ body: () throws -> T) throws -> T {
        let safe = "\(target)--\(dataset)".map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        let path = locks.appendingPathComponent(String(safe) + ".lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ODPError.io(path, "无法打开锁文件（cannot open lock file）") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw ODPError.io(path, "无法加锁（cannot lock）") }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}

import Foundation
import ODPCheck
import ODPCore
import ODPDesensitize
import ODPExtract
import ODPPublish
import ODPRelease

/// Runs one dataset through every stage in one streaming pass:
/// extract → check (source values) → desensitize → package, then upload if released.
/// A failure anywhere abandons the temporary release, so nothing half-made is visible.
struct DatasetRunner {
    let definition: DatasetDefinition
    let context: StageContext
    let layout: OutputLayout
    let options: RunOptions
    let log: RunLog
    let audit: AuditTrail
    let publisher: Publisher?
    let state: DatasetState
    let approvals: Approvals
    /// Keys for cross-dataset `reference` rules.
    let references: ReferenceKeySource
    /// The Ed25519 seed from `keys.signing`; every release of the run is signed with it.
    let signingKey: [UInt8]?

    /// Asked to stop (SIGTERM/SIGINT): checked between batches and before packaging.
    let stop: RunStopFlag
    /// Throws when this run's lease on the dataset was taken over: checked before the release
    /// is promoted (the journal writes of the upload are checked by the run's state store).
    let fence: () throws -> Void

    static let batchRows = 8192

    /// - Throws: `DatasetFailure`, carrying how far the dataset got, around the stage's error
    ///   (`RunStopped` when a signal abandoned it).
    func run() throws -> (DatasetOutcome, DatasetState) {
        var outcome = DatasetOutcome(dataset: definition.id, status: .failed)
        let started = Date()
        let extraction = IncrementalExtraction.Progress()
        do {
            let next = try run(&outcome, started: started, extraction: extraction)
            return (outcome, next)
        } catch {
            // Rows read by the incremental extraction count too: it may fail before packaging reads any.
            throw DatasetFailure(error: error, rowsRead: max(outcome.rowsRead, extraction.rowsRead), rowsRejected: outcome.rowsRejected,
                                 seconds: Date().timeIntervalSince(started))
        }
    }

    /// The stages of one dataset, in order. Until the release is packaged, any failure (or a
    /// stop) abandons the temporary release; after that the dataset is finished.
    private func run(_ outcome: inout DatasetOutcome, started: Date, extraction: IncrementalExtraction.Progress) throws -> DatasetState {
        var clock = StageClock()
        let stages = try openStages(&outcome, progress: extraction)
        defer { stages.source.close() }
        let release: ReleaseOutcome
        do {
            try stream(stages, outcome: &outcome, clock: &clock, started: started)
            let reports = try finishStages(stages, outcome: &outcome, clock: &clock)
            try stop.check()
            release = try package(stages, reports: reports, outcome: &outcome, clock: &clock)
        } catch {
            stages.writer.abandon()
            throw error
        }
        outcome.status = try settle(release, outcome: &outcome, clock: &clock)
        var next = state
        if outcome.status == .published || outcome.status == .unchanged {
            next.watermark = stages.source.watermark ?? state.watermark
            next.lastSuccess = options.runTime
            next.lastVersion = release.version
        }
        next.lastOutcome = outcome.status
        if let staging = stages.staging { try IncrementalExtraction.finished(staging) }
        outcome.stageSeconds = clock.seconds
        outcome.seconds = Date().timeIntervalSince(started)
        return next
    }

    /// Everything one pass over the data needs, opened before the first row is read.
    private struct Stages {
        let checker: Checker
        let desensitizer: Desensitizer
        let source: RowSource
        /// The private staging copy of an incremental source, marked finished once the run settles.
        let staging: StagingStore?
        let writer: ReleaseWriter
        /// Profiled as written: the report describes exactly the released rows and values.
        let released: ReleasedProfile
    }

    private func openStages(_ outcome: inout DatasetOutcome, progress: IncrementalExtraction.Progress) throws -> Stages {
        let checker = try Checker(definition: definition, context: context)
        references.supply(checker)
        let desensitizer = try Desensitizer(definition: definition, context: context)
        let (source, staging) = try openSource(&outcome, progress: progress)
        do {
            let writer = try ReleaseWriter(definition: definition, schema: desensitizer.outputSchema, outputRoot: layout.root,
                                           runTime: options.runTime, signingKey: signingKey, codeTables: context.codeTables,
                                           minimumVersion: try publishedVersionFloor(), publishing: ReleasePublishing(config: context.config))
            checker.releaseVersion = writer.version
            return Stages(checker: checker, desensitizer: desensitizer, source: source, staging: staging, writer: writer,
                          released: ReleasedProfile(schema: desensitizer.outputSchema))
        } catch {
            source.close()
            throw error
        }
    }

    /// Extract → check → desensitize → write, in one pass; when desensitization needs the
    /// whole table first (k-anonymity), through a private spool and a second pass.
    private func stream(_ stages: Stages, outcome: inout DatasetOutcome, clock: inout StageClock, started: Date) throws {
        guard stages.desensitizer.needsSecondPass else {
            return try firstPass(stages, spool: nil, outcome: &outcome, clock: &clock, started: started)
        }
        try FileManager.default.createDirectory(at: layout.scratch, withIntermediateDirectories: true)
        let url = layout.scratch.appendingPathComponent("\(definition.id)-\(getpid()).spool")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let spool = FileHandle(forUpdatingAtPath: url.path)
        defer {
            try? spool?.close()
            try? FileManager.default.removeItem(at: url)
        }
        try firstPass(stages, spool: spool, outcome: &outcome, clock: &clock, started: started)
        guard let spool else { return }
        stages.desensitizer.endFirstPass()
        try spool.seek(toOffset: 0)
        while let batch = try clock.time("spool", { try RowBatch.unspool(from: spool) }) {
            try stop.check()
            let out = clock.time("desensitize") { stages.desensitizer.suppress(batch) }
            try clock.time("package") {
                stages.released.add(out)
                try stages.writer.write(out)
            }
            outcome.rowsReleased += out.rowCount
        }
    }

    /// The stages' reports (extraction, quality, privacy) and the department's feedback list.
    private func finishStages(_ stages: Stages, outcome: inout DatasetOutcome, clock: inout StageClock) throws -> [StageReport] {
        // Unreadable rows were read and rejected too: the checker counts them toward the
        // gate, and its counts are the ones every report and the run summary show.
        stages.checker.noteUnreadable(stages.source.problems)
        outcome.counts = stages.checker.counts
        let extraction = StageReport(problems: stages.source.problems)
        // Privacy first: the quality report's 发布判定 lists its hold reasons too.
        let privacy = clock.time("desensitize") { stages.desensitizer.finish() }
        let quality = clock.time("check") { stages.checker.finish(released: stages.released, otherHoldReasons: privacy.holdReasons) }
        outcome.metrics = quality.metrics.merging(privacy.metrics)
        let reports = [extraction, quality, privacy]
        try FeedbackList.write(reports.flatMap(\.problems), dataset: definition.id, to: layout.feedback(definition.id))
        return reports
    }

    /// The gate's verdict and the complete release: released, held or awaiting approval.
    private func package(_ stages: Stages, reports: [StageReport], outcome: inout DatasetOutcome, clock: inout StageClock) throws -> ReleaseOutcome {
        var holds = reports.flatMap(\.holdReasons)
        let status: ReleaseStatus = !holds.isEmpty ? .held(holds)
            : definition.approval == .required ? .awaitingApproval : .released
        let gate = PublishedFileScanner(definition: definition, today: context.runDate)
        let result = try clock.time("finish") { try stages.writer.finish(reports: reports, status: status, gate: gate) }
        holds += result.gateFindings.map(\.reason)
        outcome.version = result.version
        outcome.reasons = holds
        try audit.record("dataset_packaged", dataset: definition.id, details: AuditDetails(
            version: result.version, rowsRead: outcome.rowsRead, rowsRejected: outcome.rowsRejected, rowsReleased: outcome.rowsReleased,
            changed: !result.isUnchanged, definitionSHA256: definition.definitionHash, gate: holds.isEmpty ? "pass" : "hold",
            holdReasons: holds))
        return result
    }

    /// What happens to a packaged release: held by the gate, waiting for a data officer, or
    /// promoted to latest and uploaded.
    private func settle(_ release: ReleaseOutcome, outcome: inout DatasetOutcome, clock: inout StageClock) throws -> DatasetRunStatus {
        let id = definition.id
        if !outcome.reasons.isEmpty {
            log.log(.warning, "held by the gate: " + outcome.reasons.joined(separator: "; "), dataset: id)
            return .held
        }
        if definition.approval == .required, !approvals.isApproved(dataset: id, version: release.version) {
            if let rejected = approvals.decision(dataset: id, version: release.version), rejected.verdict == .rejected {
                log.log(.warning, "version \(release.version) was rejected by \(rejected.by)\(rejected.note.map { ": \($0)" } ?? ""); "
                    + "it stays unpublished until the data changes", dataset: id)
            } else {
                log.log(.warning, "version \(release.version) awaits approval (odp approve \(id) \(release.version) --by NAME)", dataset: id)
            }
            return .awaitingApproval
        }
        try fence()
        let wasLatest = try ReleaseReader.latest(datasetId: id, root: layout.root)?.version == release.version
        if !wasLatest { try ReleaseWriter.promote(datasetId: id, version: release.version, root: layout.root) }
        try upload(release, outcome: &outcome, clock: &clock)
        // A version packaged by an earlier run and approved since is published by this one.
        return release.isUnchanged && wasLatest ? .unchanged : .published
    }

    private func upload(_ release: ReleaseOutcome, outcome: inout DatasetOutcome, clock: inout StageClock) throws {
        guard let publisher, !options.dryRun else { return }
        let receipts = try clock.time("upload") {
            try publisher.publish(release: release.directory, definition: definition, version: release.version)
        }
        outcome.bytesPublished = receipts.filter(\.newlyUploaded).reduce(0) { $0 + Int($1.size) }
        if receipts.contains(where: \.newlyUploaded) {
            try audit.record("dataset_uploaded", dataset: definition.id, details: AuditDetails(version: release.version, files: receipts.count))
        }
    }

    /// Reads, checks, desensitizes and writes every batch. A table that ends within its first
    /// `inlineBatches` batches (most of a catalog) is handled on the dataset's own thread:
    /// threads of its own would cost more than they overlap, and a run of thousands of small
    /// datasets would start thousands of them. A larger table reads and writes on threads of
    /// their own, handing batches through bounded queues, so the three overlap on a
    /// multi-core machine. Either way the batch order (and so every output byte) is the same.
    /// When desensitization needs a second pass, transformed batches go to the spool instead.
    private func firstPass(_ stages: Stages, spool: FileHandle?, outcome: inout DatasetOutcome, clock: inout StageClock, started: Date) throws {
        let wall = Date()
        defer { clock.add("stream", Date().timeIntervalSince(wall)) }
        var head: [RowBatch] = []
        var ended = false
        while head.count <= Self.inlineBatches {
            guard let batch = try clock.time("extract", { try stages.source.next(maxRows: Self.batchRows) }) else {
                ended = true
                break
            }
            head.append(batch)
        }
        guard !ended else {
            var lastProgress = Date()
            for batch in head {
                let out = try transform(batch, stages: stages, outcome: &outcome, clock: &clock, started: started, lastProgress: &lastProgress)
                if let spool {
                    try clock.time("spool") { try out.spool(to: spool) }
                } else {
                    try clock.time("package") {
                        stages.released.add(out)
                        try stages.writer.write(out)
                    }
                    outcome.rowsReleased += out.rowCount
                }
            }
            return
        }
        try threadedPass(stages, head: head, spool: spool, outcome: &outcome, clock: &clock, started: started)
    }

    /// Batches a table must exceed before its reading and writing get threads of their own.
    static let inlineBatches = 2

    /// Check (on source values), drop rejected rows, desensitize: the dataset thread's share of a batch.
    private func transform(_ batch: RowBatch, stages: Stages, outcome: inout DatasetOutcome, clock: inout StageClock, started: Date,
                           lastProgress: inout Date) throws -> RowBatch {
        try stop.check()
        outcome.rowsRead += batch.rowCount
        let keep = clock.time("check") { stages.checker.check(batch) }
        let kept = keep.contains(false) ? batch.filtered(keep) : batch
        outcome.rowsRejected += batch.rowCount - kept.rowCount
        let out = clock.time("desensitize") { stages.desensitizer.transform(kept) }
        if Date().timeIntervalSince(lastProgress) > 0.2 {
            log.progress(dataset: definition.id, rows: outcome.rowsRead, elapsed: Date().timeIntervalSince(started))
            lastProgress = Date()
        }
        return out
    }

    /// The first pass of a larger table: `head` (already read) and the rest of the source.
    private func threadedPass(_ stages: Stages, head: [RowBatch], spool: FileHandle?, outcome: inout DatasetOutcome, clock: inout StageClock,
                              started: Date) throws {
        let (writer, released) = (stages.writer, stages.released)
        let batches = HandOff<RowBatch>(capacity: 4)
        let outputs = HandOff<RowBatch>(capacity: 4)
        let boundSource = ThreadBound(stages.source), boundHead = ThreadBound(head)
        let reader = StageThread(name: "odp-extract") { clock in
            defer { batches.close() }
            for batch in boundHead.value { guard batches.put(batch) else { return } }
            while let batch = try clock.time("extract", { try boundSource.value.next(maxRows: Self.batchRows) }) {
                guard batches.put(batch) else { return }
            }
        }
        let boundWriter = ThreadBound(writer), boundProfile = ThreadBound(released)
        let packer = StageThread(name: "odp-package") { clock in
            // Closing on the way out unblocks the checking thread if writing fails.
            defer { outputs.close() }
            while let out = outputs.take() {
                try clock.time("package") {
                    boundProfile.value.add(out)
                    try boundWriter.value.write(out)
                }
            }
        }
        var failure: Error?
        var lastProgress = Date()
        do {
            while let batch = batches.take() {
                let out = try transform(batch, stages: stages, outcome: &outcome, clock: &clock, started: started, lastProgress: &lastProgress)
                if let spool {
                    try clock.time("spool") { try out.spool(to: spool) }
                } else {
                    guard outputs.put(out) else { break }
                    outcome.rowsReleased += out.rowCount
                }
            }
        } catch {
            failure = error
        }
        batches.close()
        outputs.close()
        let read = reader.join(), written = packer.join()
        clock.merge(read.clock)
        clock.merge(written.clock)
        if let error = failure ?? read.error ?? written.error { throw error }
    }

    /// The newest version of today that any target or the upload journal already has: the
    /// local release folders alone may have been lost, and a number out there is never reused.
    /// A dry run uploads nothing, so a target it cannot reach is only a warning there.
    private func publishedVersionFloor() throws -> String? {
        guard let publisher else { return nil }
        do {
            return ReleaseWriter.newestVersion(try publisher.existingVersions(definition: definition, day: ReleaseWriter.versionDay(options.runTime)))
        } catch where options.dryRun {
            log.log(.warning, "\(error)", dataset: definition.id)
            return nil
        }
    }

    /// Incremental sources read only what is new since the last good release and merge it
    /// into a private staging copy, from which the whole table is released.
    private func openSource(_ outcome: inout DatasetOutcome, progress: IncrementalExtraction.Progress) throws -> (RowSource, StagingStore?) {
        guard let incremental = definition.source.incremental, incremental.mode == .merge else {
            return (try Extractor.open(definition, since: nil), nil)
        }
        let opened = try IncrementalExtraction(definition: definition, layout: layout, state: state, options: options, audit: audit, log: log)
            .open(progress: progress)
        outcome.reconciliation = opened.reconciliation?.byKind
        return (opened.source, opened.staging)
    }
}

/// A dataset's failure with the rows it had read by then, for the run summary and report.
struct DatasetFailure: Error, CustomStringConvertible {
    let error: Error
    let rowsRead: Int
    let rowsRejected: Int
    let seconds: Double
    /// Coded and naming its path (a full disk, a read-only folder), never a Foundation dump.
    var description: String { "\(ODPError.from(error))" }
}

/// The staging reader, carrying the delta's watermark and reader problems.
final class WatermarkedSource: RowSource {
    let base: RowSource
    let watermark: String?
    let problems: [RowProblem]
    var deletedKeys: [[String]] { [] }

    init(base: RowSource, watermark: String?, problems: [RowProblem]) {
        self.base = base
        self.watermark = watermark
        self.problems = problems
    }

    func next(maxRows: Int) throws -> RowBatch? { try base.next(maxRows: maxRows) }
    func close() { base.close() }
}

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

    static let batchRows = 8192

    /// - Throws: `DatasetFailure`, carrying how far the dataset got, around the stage's error.
    func run() throws -> (DatasetOutcome, DatasetState) {
        var outcome = DatasetOutcome(dataset: definition.id, status: .failed)
        do {
            let next = try run(&outcome)
            return (outcome, next)
        } catch {
            throw DatasetFailure(error: error, rowsRead: outcome.rowsRead, rowsRejected: outcome.rowsRejected)
        }
    }

    private func run(_ outcome: inout DatasetOutcome) throws -> DatasetState {
        let started = Date()
        let id = definition.id
        let checker = try Checker(definition: definition, context: context)
        references.supply(checker)
        let desensitizer = try Desensitizer(definition: definition, context: context)
        let source = try openSource()
        defer { source.close() }
        let writer = try ReleaseWriter(definition: definition, schema: desensitizer.outputSchema, outputRoot: layout.root,
                                       runTime: options.runTime, signingKey: signingKey, codeTables: context.codeTables,
                                       minimumVersion: try publishedVersionFloor())
        checker.releaseVersion = writer.version
        // Profiled as written: the report describes exactly the released rows and values.
        let released = ReleasedProfile(schema: desensitizer.outputSchema)
        var spool: FileHandle?
        var spoolURL: URL?
        do {
            if desensitizer.needsSecondPass {
                try FileManager.default.createDirectory(at: layout.scratch, withIntermediateDirectories: true)
                let url = layout.scratch.appendingPathComponent("\(id)-\(getpid()).spool")
                _ = FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
                spool = FileHandle(forUpdatingAtPath: url.path)
                spoolURL = url
            }
            defer {
                try? spool?.close()
                if let spoolURL { try? FileManager.default.removeItem(at: spoolURL) }
            }
            var clock = StageClock()
            try firstPass(source: source, checker: checker, desensitizer: desensitizer, writer: writer, released: released,
                          spool: spool, outcome: &outcome, clock: &clock, started: started)
            if let spool {
                desensitizer.endFirstPass()
                try spool.seek(toOffset: 0)
                while let batch = try clock.time("spool", { try RowBatch.unspool(from: spool) }) {
                    let out = clock.time("desensitize") { desensitizer.suppress(batch) }
                    try clock.time("package") {
                        released.add(out)
                        try writer.write(out)
                    }
                    outcome.rowsReleased += out.rowCount
                }
            }
            // Unreadable rows were read and rejected too: the checker counts them toward the
            // gate, and its counts are the ones every report and the run summary show.
            checker.noteUnreadable(source.problems)
            outcome.counts = checker.counts
            let extraction = StageReport(problems: source.problems, metrics: ["rows_unreadable": Double(outcome.counts.unreadable)])
            let quality = clock.time("check") { checker.finish(released: released) }
            let privacy = clock.time("desensitize") { desensitizer.finish() }
            let reports = [extraction, quality, privacy]
            try FeedbackList.write(reports.flatMap(\.problems), dataset: id, to: layout.feedback(id))
            var holds = quality.holdReasons + privacy.holdReasons
            let status: ReleaseStatus = !holds.isEmpty ? .held(holds)
                : definition.approval == .required ? .awaitingApproval : .released
            let gate = PublishedFileScanner(definition: definition, today: context.runDate)
            let result = try clock.time("finish") { try writer.finish(reports: reports, status: status, gate: gate) }
            holds += result.gateFindings.map(\.reason)
            outcome.version = result.version
            outcome.metrics = quality.metrics.merging(privacy.metrics) { a, _ in a }
            outcome.reasons = holds
            try audit.record("dataset_packaged", dataset: id, details: [
                "version": result.version, "rows_read": outcome.rowsRead, "rows_rejected": outcome.rowsRejected,
                "rows_released": outcome.rowsReleased, "changed": !result.isUnchanged, "definition_sha256": definition.definitionHash,
                "gate": holds.isEmpty ? "pass" : "hold", "hold_reasons": holds,
            ])
            var next = state
            next.lastOutcome = nil
            if !holds.isEmpty {
                outcome.status = .held
                log.log(.warning, "held by the gate: " + holds.joined(separator: "; "), dataset: id)
            } else if definition.approval == .required, !approvals.isApproved(dataset: id, version: result.version) {
                outcome.status = .awaitingApproval
                if let rejected = approvals.decision(dataset: id, version: result.version), rejected.decision == "rejected" {
                    log.log(.warning, "version \(result.version) was rejected by \(rejected.by)\(rejected.note.map { ": \($0)" } ?? ""); "
                        + "it stays unpublished until the data changes", dataset: id)
                } else {
                    log.log(.warning, "version \(result.version) awaits approval (odp approve \(id) \(result.version) --by NAME)", dataset: id)
                }
            } else {
                let wasLatest = try ReleaseReader.latest(datasetId: id, root: layout.root)?.version == result.version
                if !wasLatest { try ReleaseWriter.promote(datasetId: id, version: result.version, root: layout.root) }
                // A version packaged by an earlier run and approved since is published by this one.
                outcome.status = result.isUnchanged && wasLatest ? .unchanged : .published
                if let publisher, !options.dryRun {
                    let receipts = try clock.time("upload") {
                        try publisher.publish(release: result.directory, definition: definition, version: result.version)
                    }
                    outcome.bytesPublished = receipts.filter(\.newlyUploaded).reduce(0) { $0 + Int($1.size) }
                    if receipts.contains(where: \.newlyUploaded) {
                        try audit.record("dataset_uploaded", dataset: id, details: ["version": result.version, "files": receipts.count])
                    }
                }
                next.watermark = source.watermark ?? state.watermark
                next.lastSuccess = options.runTime
                next.lastVersion = result.version
            }
            next.lastOutcome = outcome.status.rawValue
            outcome.stageSeconds = clock.seconds
            outcome.seconds = Date().timeIntervalSince(started)
            return next
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// Reads, checks, desensitizes and writes every batch. Reading and writing run on threads
    /// of their own, handing batches through bounded queues, so the three overlap on a
    /// multi-core machine while the batch order (and so every output byte) stays the same.
    /// When desensitization needs a second pass, transformed batches go to the spool instead.
    private func firstPass(source: RowSource, checker: Checker, desensitizer: Desensitizer, writer: ReleaseWriter,
                           released: ReleasedProfile, spool: FileHandle?, outcome: inout DatasetOutcome, clock: inout StageClock, started: Date) throws {
        let wall = Date()
        let batches = HandOff<RowBatch>(capacity: 4)
        let outputs = HandOff<RowBatch>(capacity: 4)
        let boundSource = ThreadBound(source)
        let reader = StageThread(name: "odp-extract") { clock in
            defer { batches.close() }
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
                outcome.rowsRead += batch.rowCount
                let keep = clock.time("check") { checker.check(batch) }
                let kept = keep.contains(false) ? batch.filtered(keep) : batch
                outcome.rowsRejected += batch.rowCount - kept.rowCount
                let out = clock.time("desensitize") { desensitizer.transform(kept) }
                if let spool {
                    try clock.time("spool") { try out.spool(to: spool) }
                } else {
                    guard outputs.put(out) else { break }
                    outcome.rowsReleased += out.rowCount
                }
                if Date().timeIntervalSince(lastProgress) > 0.2 {
                    log.progress(dataset: definition.id, rows: outcome.rowsRead, elapsed: Date().timeIntervalSince(started))
                    lastProgress = Date()
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
        clock.add("stream", Date().timeIntervalSince(wall))
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
    private func openSource() throws -> RowSource {
        let env = ProcessInfo.processInfo.environment
        guard let incremental = definition.source.incremental, incremental.mode == .merge else {
            return try Extractor.open(definition, since: nil, environment: env)
        }
        let staging = try StagingStore(url: layout.staging(definition.id), schema: definition.schema, primaryKey: definition.primaryKey)
        let delta = try Extractor.open(definition, since: state.watermark, environment: env)
        defer { delta.close() }
        let counts = try staging.merge(delta)
        try audit.record("dataset_extracted", dataset: definition.id, details: [
            "mode": state.watermark == nil ? "initial" : "incremental", "inserted": counts.inserted,
            "updated": counts.updated, "deleted": counts.deleted,
        ])
        return WatermarkedSource(base: try staging.reader(), watermark: delta.watermark ?? state.watermark, problems: delta.problems)
    }
}

/// A dataset's failure with the rows it had read by then, for the run summary and report.
struct DatasetFailure: Error, CustomStringConvertible {
    let error: Error
    let rowsRead: Int
    let rowsRejected: Int
    var description: String { "\(error)" }
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

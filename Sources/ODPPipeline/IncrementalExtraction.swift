import Foundation
import ODPCore
import ODPExtract

/// `incremental.mode: merge`: reads the window since the last good release into the private
/// staging copy, reconciles the copy with the source when due, and releases the whole copy.
///
/// Its own bookkeeping lives in the staging store (`odp_meta`): `run` is `open` from the
/// start of extraction until the dataset finishes, so a run that failed or was killed half-way
/// makes the next one reconcile; `last_reconcile` is when the last reconciliation finished.
struct IncrementalExtraction {
    let definition: DatasetDefinition
    let layout: OutputLayout
    let state: DatasetState
    let options: RunOptions
    let audit: AuditTrail
    let log: RunLog

    /// Rows read from the source so far (the delta, then reconciliation's re-reads), kept
    /// current even when extraction fails, for the run summary.
    final class Progress: @unchecked Sendable { var rowsRead = 0 }

    struct Opened {
        let source: RowSource
        let staging: StagingStore
        let reconciliation: Reconciliation?
    }

    func open(progress: Progress) throws -> Opened {
        let env = ProcessInfo.processInfo.environment
        let id = definition.id
        let staging = try StagingStore(url: layout.staging(id), schema: definition.schema, primaryKey: definition.primaryKey)
        // A copy made for other fields, or never completed by a release, is refilled in full;
        // so is one whose watermark cannot start a window (`infinity`, a future time).
        let stored = Extractor.usableWatermark(state.watermark, in: definition)
        let full = stored == nil || staging.schemaChanged
        let reason = try full ? nil : reconcileReason(staging)
        try staging.setMeta("run", "open")
        let delta = CountingSource(try Extractor.open(definition, since: full ? nil : stored, environment: env), progress: progress)
        defer { delta.close() }
        var counts = (inserted: 0, updated: 0, deleted: 0)
        if full {
            try staging.replaceAll(delta)
            counts.inserted = try staging.count()
            // A full read leaves nothing to reconcile: the schedule starts from it.
            try staging.setMeta("last_reconcile", ISO8601DateFormatter().string(from: options.runTime))
        } else {
            counts = try staging.merge(delta)
        }
        try audit.record("dataset_extracted", dataset: id, details: AuditDetails(
            rowsRead: progress.rowsRead, mode: full ? "initial" : "incremental", inserted: counts.inserted, updated: counts.updated,
            deleted: counts.deleted))
        var found: Reconciliation?
        if let reason {
            let started = Date()
            var result = try Reconciler.reconcile(definition, staging: staging, environment: env)
            progress.rowsRead += result.rowsReread
            result.nullWatermarks += delta.problems.filter { $0.rule == "null_watermark" }.count
            try staging.setMeta("last_reconcile", ISO8601DateFormatter().string(from: options.runTime))
            try audit.record("dataset_reconciled", dataset: id, details: AuditDetails(
                seconds: (Date().timeIntervalSince(started) * 1000).rounded() / 1000, reason: reason,
                rangesCompared: result.rangesCompared, rangesDiffering: result.rangesDiffering, rowsReread: result.rowsReread,
                found: result.byKind))
            let kinds = result.byKind.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            log.log(kinds.isEmpty ? .info : .warning, "reconciled with the source" + (kinds.isEmpty ? ": no difference" : ": " + kinds.joined(separator: ", ")),
                    dataset: id)
            found = result
        }
        let watermark = Extractor.later(delta.watermark, stored, in: definition)
        return Opened(source: WatermarkedSource(base: try staging.reader(), watermark: watermark, problems: delta.problems),
                      staging: staging, reconciliation: found)
    }

    /// Why reconciliation runs now, or nil when it is not due.
    private func reconcileReason(_ staging: StagingStore) throws -> String? {
        try Self.reconcileReason(definition, staging: staging, runTime: options.runTime)
    }

    private static func reconcileReason(_ definition: DatasetDefinition, staging: StagingStore, runTime: Date) throws -> String? {
        guard let incremental = definition.source.incremental else { return nil }
        if try staging.meta("run") == "open" { return "previous_run_incomplete" }
        switch incremental.reconcile {
        case .everyRun:
            return "every_run"
        case .cycle(let cycle):
            guard let text = try staging.meta("last_reconcile"), let last = ISO8601DateFormatter().date(from: text) else { return "first" }
            // The same calendar periods as `--due`: 每日 reconciles on the first run of each day.
            return cycle.isDue(lastRelease: last, now: runTime) ? "schedule" : nil
        }
    }

    /// Whether the next run would reconcile (or refill) the staging copy, so it cannot be
    /// skipped as unchanged. A copy that does not exist yet is due.
    static func reconcileDue(_ definition: DatasetDefinition, layout: OutputLayout, runTime: Date) throws -> Bool {
        let url = layout.staging(definition.id)
        guard FileManager.default.fileExists(atPath: url.path) else { return true }
        let staging = try StagingStore(url: url, schema: definition.schema, primaryKey: definition.primaryKey)
        return try staging.schemaChanged || reconcileReason(definition, staging: staging, runTime: runTime) != nil
    }

    /// Marks the run complete: the next one reconciles only on its schedule.
    static func finished(_ staging: StagingStore) throws {
        try staging.setMeta("run", "done")
    }
}

/// Counts rows as they are read, so a failure can report how far it got.
final class CountingSource: RowSource {
    let base: RowSource
    let progress: IncrementalExtraction.Progress

    init(_ base: RowSource, progress: IncrementalExtraction.Progress) {
        self.base = base
        self.progress = progress
    }

    func next(maxRows: Int) throws -> RowBatch? {
        let batch = try base.next(maxRows: maxRows)
        progress.rowsRead += batch?.rowCount ?? 0
        return batch
    }

    var problems: [RowProblem] { base.problems }
    var watermark: String? { base.watermark }
    var deletedKeys: [[String]] { base.deletedKeys }
    func close() { base.close() }
}

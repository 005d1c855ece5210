import Foundation
import Synchronization
import ODPCore
import ODPPublish
import ODPRelease

/// The datasets of one run, in dependency order, each on its own: one dataset's failure is
/// its outcome, never the run's end. Up to `--jobs` datasets run at once, each on one worker
/// that alone touches its state, release folder and journal; a dataset whose `reference`
/// rules name another waits until that one has finished. Outcomes come back in run order,
/// whatever the number of jobs. A stop (signal) abandons the datasets in progress and starts
/// no other.
struct DatasetSequence: @unchecked Sendable {
    let runner: PipelineRunner
    let layout: OutputLayout
    let audit: AuditTrail
    let context: StageContext
    let publisher: Publisher?
    let approvals: Approvals
    let store: StateStore
    let leases: DatasetLeases
    /// A shard's datasets (from its shard plan); nil runs every selected dataset.
    var assigned: Set<String>? = nil
    /// `state/withdrawals.json`: a dataset withdrawn as a whole is not run until restored.
    var withdrawals = WithdrawalList()

    private var options: RunOptions { runner.options }
    private var log: RunLog { runner.log }

    func run() -> [DatasetOutcome] {
        let workspace = runner.workspace
        // Every release is signed, so an unreadable key fails each dataset (reported, audited)
        // rather than stopping the run before anything is reported.
        // Read once, then only read by the workers.
        let signingKey = ThreadBound(Result { try workspace.signingKey() })
        let references = ReferenceKeySource(definitions: workspace.definitions, root: layout.root)
        let check = InputCheck(workspace: workspace, context: context, signingKey: try? signingKey.value.get(), options: options, log: log)
        let skipped = SkipCount()
        let order = workspace.runOrder.filter { options.selects($0.id) && assigned?.contains($0.id) != false }
        let pool = DatasetPool<DatasetOutcome>(jobs: options.jobs, waitsFor: Self.waits(order, all: workspace.definitions))
        let outcomes = pool.run { [self] i in
            let outcome = run(order[i], references: references, signingKey: signingKey.value, check: check, skipped: skipped)
            references.finished(order[i].id, status: outcome.status)
            if let plan = options.shard?.planID, outcome.status != .interrupted { markFinished(order[i].id, plan: plan) }
            return outcome
        }
        let count = skipped.count.withLock { $0 }
        if count > 0 { try? audit.record("datasets_unchanged", details: AuditDetails(datasets: count)) }
        return outcomes
    }

    /// Per dataset of `order`: the earlier datasets of this run its `reference` rules name.
    private static func waits(_ order: [DatasetDefinition], all: [DatasetDefinition]) -> [[Int]] {
        let graph = ReferenceGraph(all, known: all)
        let allIndex = Dictionary(all.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let position = Dictionary(order.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        return order.enumerated().map { i, definition in
            guard let n = allIndex[definition.id] else { return [] }
            return graph.edges[n].compactMap { position[all[$0].id] }.filter { $0 < i }
        }
    }

    private func run(_ definition: DatasetDefinition, references: ReferenceKeySource, signingKey: Result<[UInt8]?, Error>,
                     check: InputCheck, skipped: SkipCount) -> DatasetOutcome {
        let id = definition.id
        if let signal = runner.stop.signal { return interrupted(id, signal: signal, started: false) }
        if let w = withdrawals.activeDatasetWithdrawal(id) {
            log.log(.info, "withdrawn (\(w.number)): not run until odp withdraw --restore", dataset: id)
            var outcome = DatasetOutcome(dataset: id, status: .withdrawn)
            outcome.reasons = ["已于 \(BeijingTime.text(w.recorded)) 撤回（\(w.number)）：\(w.reason)；用 odp withdraw \(id) --restore 恢复后才会再运行"]
            return outcome
        }
        do {
            guard try acquireLease(id) else { return leasedElsewhere(id) }
        } catch {
            return failed(id, error, holdsLease: false)
        }
        defer { leases.release(id) }
        let state: DatasetState
        do { state = try store.datasetState(id) ?? DatasetState() } catch { return failed(id, error) }
        if options.dueOnly, !state.isDue(cycle: definition.catalog.updateCycle, now: options.runTime) {
            log.log(.info, "not due (\(definition.catalog.updateCycle.rawValue))", dataset: id)
            return DatasetOutcome(dataset: id, status: .skipped)
        }
        let latest = (try? ReleaseReader.latest(datasetId: id, root: layout.root)) ?? nil
        // A referenced dataset has finished before this one starts (the pool waits for it).
        let inputs = check.inputs(of: definition, state: state) { (try? store.datasetState($0))??.lastVersion }
        if !options.force, InputCheck.unchanged(inputs, state: state, latestVersion: latest?.version) {
            skipped.count.withLock { $0 += 1 }
            return unchanged(id, inputs: inputs, state: state)
        }
        log.log(.info, "started", dataset: id)
        var datasetContext = context
        // An unreadable release.json fails this dataset in its release writer, with the file named.
        datasetContext.previousRelease = latest?.directory
        do {
            let dataset = DatasetRunner(definition: definition, context: datasetContext, layout: layout, options: options, log: log,
                                        audit: audit, publisher: publisher, state: state, approvals: approvals, references: references,
                                        signingKey: try signingKey.get(), stop: runner.stop, fence: { [leases] in try leases.check(id) })
            var (outcome, next) = try dataset.run()
            // A dry run uploaded nothing: only a run that published may let the next one skip.
            let good = !options.dryRun && (outcome.status == .published || outcome.status == .unchanged)
            next.inputs = good ? inputs : nil
            next.recordFigures(of: outcome)
            try store.save(next, dataset: id)
            log.log(outcome.status == .failed ? .error : .info, outcome.status.rawValue, dataset: id,
                    ["version": .string(outcome.version ?? "-"), "rows": .int(Int64(outcome.rowsRead)),
                     "rejected": .int(Int64(outcome.rowsRejected)), "seconds": .string(String(format: "%.2f", outcome.seconds))])
            return outcome
        } catch let failure as DatasetFailure where failure.error is RunStopped {
            return interrupted(id, signal: (failure.error as! RunStopped).signal, started: true, failure: failure)
        } catch {
            return failed(id, error)
        }
    }

    /// Records that this job's run of the dataset is over, whatever its outcome, for
    /// `odp catalog --wait-for`. A failed save only makes the catalog wait for it (and name it).
    private func markFinished(_ id: String, plan: String) {
        do {
            var state = try store.datasetState(id) ?? DatasetState()
            state.plan = plan
            try store.save(state, dataset: id)
        } catch {
            log.log(.warning, "shard plan \(plan): finish not recorded: \(error)", dataset: id)
        }
    }

    /// A dataset whose inputs are those of its last good run: nothing is extracted and no
    /// target is asked. Its state records the check (a failed save only means the next run
    /// checks again).
    private func unchanged(_ id: String, inputs: DatasetInputs?, state: DatasetState) -> DatasetOutcome {
        var outcome = DatasetOutcome(dataset: id, status: .unchanged)
        outcome.version = state.lastVersion
        var next = state
        next.inputs = inputs
        next.lastSuccess = options.runTime
        next.lastOutcome = .unchanged
        do { try store.save(next, dataset: id) } catch { log.log(.warning, "state not saved: \(error)", dataset: id) }
        log.log(.info, "unchanged: source, definition, code tables and keys as at version \(state.lastVersion ?? "-"); not extracted",
                dataset: id)
        return outcome
    }

    /// Another live worker (a pod of a sharded run, or one retried in its place) holds the
    /// dataset's lease: it is that worker's to finish. Not a failure of this run.
    /// In a shard the plan gives the dataset to this index alone, so a lease held elsewhere is
    /// most likely a killed attempt of this index (a pod the Job controller retried): wait for
    /// it to lapse, one lease period at most, rather than leave the dataset out of the job. A
    /// holder still renewing it after that is alive, and the dataset is skipped.
    private func acquireLease(_ id: String) throws -> Bool {
        if try leases.acquire(id) != nil { return true }
        guard options.shard != nil else { return false }
        log.log(.info, "leased by another worker; waiting up to \(Int(leases.ttl) + 2) s for the lease to lapse", dataset: id)
        let deadline = Date().addingTimeInterval(leases.ttl + 2)
        while Date() < deadline, runner.stop.signal == nil {
            Thread.sleep(forTimeInterval: 1)
            if try leases.acquire(id) != nil { return true }
        }
        return false
    }

    private func leasedElsewhere(_ id: String) -> DatasetOutcome {
        var outcome = DatasetOutcome(dataset: id, status: .skipped)
        outcome.reasons = ["另一个进程正在处理该数据集（leased by another worker），本次跳过"]
        log.log(.info, "skipped: leased by another worker", dataset: id)
        return outcome
    }

    /// Without the dataset's lease, the state is another worker's to write.
    private func failed(_ id: String, _ error: Error, holdsLease: Bool = true) -> DatasetOutcome {
        var failed = DatasetOutcome(dataset: id, status: .failed)
        // Coded and naming its path: never a Foundation error dump.
        let message = (error as? DatasetFailure)?.description ?? "\(ODPError.from(error))"
        failed.error = message
        if let failure = error as? DatasetFailure {
            failed.rowsRead = failure.rowsRead
            failed.rowsRejected = failure.rowsRejected
            failed.seconds = failure.seconds
        }
        log.log(.error, "failed: \(message)", dataset: id)
        try? audit.record("dataset_failed", dataset: id, details: AuditDetails(error: message))
        // The failure shows in `odp status` and the metrics whichever worker writes them; the
        // watermark and last good version stay those of the last release.
        if holdsLease { do {
            var state = try store.datasetState(id) ?? DatasetState()
            state.lastOutcome = .failed
            state.inputs = nil
            state.recordFigures(of: failed)
            try store.save(state, dataset: id)
        } catch {
            log.log(.warning, "failure not recorded in the state: \(error)", dataset: id)
        } }
        return failed
    }

    /// A dataset the stop reached: abandoned mid-run (its temporary release already removed)
    /// or never started. Its state is left as the last finished run saved it.
    private func interrupted(_ id: String, signal: RunSignal, started: Bool, failure: DatasetFailure? = nil) -> DatasetOutcome {
        var outcome = DatasetOutcome(dataset: id, status: .interrupted)
        outcome.error = started ? "abandoned: interrupted by \(signal.name) 运行被中断，本数据集未完成，未留下任何半成品"
            : "not started: the run was interrupted by \(signal.name) 运行被中断，本数据集未开始"
        outcome.rowsRead = failure?.rowsRead ?? 0
        outcome.rowsRejected = failure?.rowsRejected ?? 0
        if started { log.log(.warning, "abandoned: interrupted by \(signal.name)", dataset: id) }
        return outcome
    }
}

extension DatasetState {
    /// The run's headline figures, for the metrics file.
    mutating func recordFigures(of outcome: DatasetOutcome) {
        lastSeconds = (outcome.seconds * 1000).rounded() / 1000
        lastRows = outcome.rowsRead
        lastRejected = outcome.rowsRejected
        lastScore = outcome.metrics.score
        lastBytesPublished = outcome.bytesPublished
    }
}

/// How many datasets a run skipped as unchanged, counted by the workers: one audit entry
/// records them all.
private final class SkipCount: Sendable {
    let count = Mutex(0)
}

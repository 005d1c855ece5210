import Foundation
import ODPCore
import ODPPublish
import ODPRelease

/// The datasets of one run, in dependency order, each on its own: one dataset's failure is
/// its outcome, never the run's end. A stop (signal) abandons the dataset in progress and
/// starts no other.
struct DatasetSequence {
    let runner: PipelineRunner
    let layout: OutputLayout
    let audit: AuditTrail
    let context: StageContext
    let publisher: Publisher?
    let approvals: Approvals

    private var options: RunOptions { runner.options }
    private var log: RunLog { runner.log }

    func run(states: inout DatasetStates) -> [DatasetOutcome] {
        let workspace = runner.workspace
        // Every release is signed, so an unreadable key fails each dataset (reported, audited)
        // rather than stopping the run before anything is reported.
        let signingKey = Result { try workspace.signingKey() }
        let references = ReferenceKeySource(definitions: workspace.definitions, root: layout.root)
        let check = InputCheck(workspace: workspace, context: context, signingKey: try? signingKey.get(), options: options, log: log)
        var outcomes: [DatasetOutcome] = []
        var skipped = 0
        defer { saveSkipped(skipped, states: states) }
        for definition in workspace.runOrder where options.selects(definition.id) {
            let id = definition.id
            let state = states[id] ?? DatasetState()
            if let signal = runner.stop.signal {
                outcomes.append(interrupted(id, signal: signal, started: false))
                continue
            }
            if options.dueOnly, !state.isDue(cycle: definition.catalog.updateCycle, now: options.runTime) {
                outcomes.append(DatasetOutcome(dataset: id, status: .skipped))
                log.log(.info, "not due (\(definition.catalog.updateCycle.rawValue))", dataset: id)
                continue
            }
            let latest = (try? ReleaseReader.latest(datasetId: id, root: layout.root)) ?? nil
            let inputs = check.inputs(of: definition, state: state, states: states)
            if !options.force, InputCheck.unchanged(inputs, state: state, latestVersion: latest?.version) {
                outcomes.append(unchanged(id, inputs: inputs, state: state, states: &states))
                skipped += 1
                references.finished(id, status: .unchanged)
                continue
            }
            log.log(.info, "started", dataset: id)
            var datasetContext = context
            // An unreadable release.json fails this dataset in its release writer, with the file named.
            datasetContext.previousRelease = latest?.directory
            let outcome: DatasetOutcome
            do {
                let dataset = DatasetRunner(definition: definition, context: datasetContext, layout: layout, options: options, log: log,
                                            audit: audit, publisher: publisher, state: state, approvals: approvals, references: references,
                                            signingKey: try signingKey.get(), stop: runner.stop)
                var (done, next) = try dataset.run()
                // A dry run uploaded nothing: only a run that published may let the next one skip.
                let good = !options.dryRun && (done.status == .published || done.status == .unchanged)
                next.inputs = good ? inputs : nil
                states[id] = next
                try states.save(to: layout.stateFile)
                outcome = done
                log.log(outcome.status == .failed ? .error : .info, outcome.status.rawValue, dataset: id,
                        ["version": .string(outcome.version ?? "-"), "rows": .int(Int64(outcome.rowsRead)),
                         "rejected": .int(Int64(outcome.rowsRejected)), "seconds": .string(String(format: "%.2f", outcome.seconds))])
            } catch let failure as DatasetFailure where failure.error is RunStopped {
                outcome = interrupted(id, signal: (failure.error as! RunStopped).signal, started: true, failure: failure)
            } catch {
                outcome = failed(id, error)
            }
            outcomes.append(outcome)
            references.finished(id, status: outcome.status)
        }
        return outcomes
    }

    /// A dataset whose inputs are those of its last good release: reported unchanged with
    /// that version, its state saved with the rest at the end of the run.
    private func unchanged(_ id: String, inputs: DatasetInputs?, state: DatasetState, states: inout DatasetStates) -> DatasetOutcome {
        var outcome = DatasetOutcome(dataset: id, status: .unchanged)
        outcome.version = state.lastVersion
        var next = state
        next.inputs = inputs
        next.lastSuccess = options.runTime
        next.lastOutcome = .unchanged
        states[id] = next
        log.log(.info, "unchanged: source, definition, code tables and keys as at version \(state.lastVersion ?? "-"); not extracted",
                dataset: id)
        return outcome
    }

    /// Skipped datasets' states are saved once, not per dataset: losing them to a crash only
    /// means they are checked again. One audit entry counts them.
    private func saveSkipped(_ count: Int, states: DatasetStates) {
        guard count > 0 else { return }
        do { try states.save(to: layout.stateFile) } catch { log.log(.error, "state not saved: \(error)") }
        try? audit.record("datasets_unchanged", details: AuditDetails(datasets: count))
    }

    private func failed(_ id: String, _ error: Error) -> DatasetOutcome {
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

import Foundation
import ODPCore
import ODPDesensitize
import ODPPublish
import ODPRelease

/// Runs every selected dataset of a workspace. One dataset's failure never stops the
/// others; the summary's exit code says what happened (see `ExitCode`).
public struct PipelineRunner {
    public let workspace: Workspace
    public let options: RunOptions
    public let log: RunLog

    public init(workspace: Workspace, options: RunOptions, log: RunLog) {
        self.workspace = workspace
        self.options = options
        self.log = log
    }

    public struct Summary: Sendable {
        public var outcomes: [DatasetOutcome]
        public var reportURL: URL?
        public var seconds: Double
        /// Why the open list and DCAT catalog were not updated, when they were not.
        public var catalogError: String?

        public var exitCode: Int32 {
            if catalogError != nil || outcomes.contains(where: { $0.status == .failed }) { return ODPExit.failure }
            if outcomes.contains(where: { $0.status == .held || $0.status == .awaitingApproval }) { return ODPExit.held }
            return ODPExit.success
        }
    }

    public func run() throws -> Summary {
        guard workspace.errors.isEmpty else { throw ODPError.definition(workspace.errors) }
        let started = Date()
        let layout = workspace.layout
        let lock = RunLock(url: layout.lockFile)
        try lock.acquire()
        defer { lock.release() }
        let audit = try AuditTrail(url: layout.auditLog)
        let context = try workspace.stageContext(runDate: options.runDate)
        // Every release is signed, so an unreadable key fails each dataset (reported, audited)
        // rather than stopping the run before anything is reported.
        let signingKey = Result { try workspace.signingKey() }
        let publisher = workspace.config.targets.isEmpty ? nil
            : try Publisher(config: workspace.config, stateDirectory: layout.state, environment: ProcessInfo.processInfo.environment,
                            log: { [log] line in log.log(.info, line) })
        var states = DatasetState.loadAll(layout.stateFile)
        let approvals = Approvals(url: layout.approvals)
        try audit.record("run_started", details: ["pid": Int(getpid()), "datasets": workspace.definitions.count, "dry_run": options.dryRun])
        var outcomes: [DatasetOutcome] = []
        let references = ReferenceKeySource(definitions: workspace.definitions, root: layout.root)
        for definition in workspace.runOrder {
            let id = definition.id
            let state = states[id] ?? DatasetState()
            guard options.selects(id) else { continue }
            if options.dueOnly, !state.isDue(cycle: definition.catalog.updateCycle, now: options.runTime) {
                outcomes.append(DatasetOutcome(dataset: id, status: .skipped))
                log.log(.info, "not due (\(definition.catalog.updateCycle.rawValue))", dataset: id)
                continue
            }
            log.log(.info, "started", dataset: id)
            var datasetContext = context
            // An unreadable release.json fails this dataset in its release writer, with the file named.
            datasetContext.previousRelease = (try? ReleaseReader.latest(datasetId: id, root: layout.root))??.directory
            do {
                let runner = DatasetRunner(definition: definition, context: datasetContext, layout: layout, options: options, log: log,
                                           audit: audit, publisher: publisher, state: state, approvals: approvals, references: references,
                                           signingKey: try signingKey.get())
                let (outcome, next) = try runner.run()
                states[id] = next
                try DatasetState.saveAll(states, to: layout.stateFile)
                outcomes.append(outcome)
                references.finished(id, status: outcome.status)
                log.log(outcome.status == .failed ? .error : .info, outcome.status.rawValue, dataset: id,
                        ["version": outcome.version ?? "-", "rows": outcome.rowsRead, "rejected": outcome.rowsRejected,
                         "seconds": String(format: "%.2f", outcome.seconds)])
            } catch {
                var failed = DatasetOutcome(dataset: id, status: .failed)
                failed.error = "\(error)"
                if let failure = error as? DatasetFailure {
                    failed.rowsRead = failure.rowsRead
                    failed.rowsRejected = failure.rowsRejected
                }
                outcomes.append(failed)
                references.finished(id, status: .failed)
                log.log(.error, "failed: \(error)", dataset: id)
                try? audit.record("dataset_failed", dataset: id, details: ["error": "\(error)"])
            }
        }
        var withheld: [(dataset: String, findings: [PublishedFileFinding])] = []
        var catalogError: String?
        do {
            withheld = try publishCatalog(layout: layout, publisher: publisher, audit: audit)
        } catch {
            // The datasets' own results stand; the run still reports, and exits 3.
            catalogError = "\(error)"
            log.log(.error, "catalog not published: \(error)")
            try? audit.record("catalog_failed", details: ["error": "\(error)"])
        }
        for (id, findings) in withheld {
            let reasons = findings.map(\.reason)
            log.log(.warning, "left out of the open list: " + reasons.joined(separator: "; "), dataset: id)
            try audit.record("catalog_entry_withheld", dataset: id, details: ["reasons": reasons])
            // Its files may be released, but its catalog entry is not public: someone must act.
            if let i = outcomes.firstIndex(where: { $0.dataset == id }), outcomes[i].status != .failed {
                outcomes[i].status = .held
                outcomes[i].reasons += reasons
            }
        }
        var summary = Summary(outcomes: outcomes, reportURL: nil, seconds: Date().timeIntervalSince(started))
        summary.catalogError = catalogError
        summary.reportURL = try RunReport.write(summary, options: options, layout: layout)
        try Metrics.write(outcomes: outcomes, states: states, layout: layout)
        Notifier(config: workspace.config, log: log).notify(outcomes, reportURL: summary.reportURL)
        try audit.record("run_finished", details: ["exit_code": Int(summary.exitCode), "seconds": summary.seconds])
        return summary
    }

    /// The open-data list is regenerated from every definition and uploaded last, after the
    /// files it points at.
    /// Every entry and file passes the published-file gate first; a withheld entry is returned.
    private func publishCatalog(layout: OutputLayout, publisher: Publisher?, audit: AuditTrail) throws
        -> [(dataset: String, findings: [PublishedFileFinding])] {
        let today = options.runDate
        let gate = Catalog.Gate(entry: { PublishedFileScanner(definition: $0, today: today) },
                                catalog: { listed in
                                    PublishedFileScanner(today: today, allowedValues: listed.flatMap(\.catalog.publishedContactValues))
                                })
        let written = try Catalog.write(config: workspace.config, definitions: workspace.definitions, outputRoot: layout.root,
                                        generatedAt: options.runTime, gate: gate)
        if let publisher, !options.dryRun {
            let receipts = try publisher.publishCatalog(files: written.files)
            if receipts.contains(where: \.newlyUploaded) {
                try audit.record("catalog_uploaded", details: ["files": receipts.filter(\.newlyUploaded).count])
            }
        }
        return written.withheld
    }
}

/// Exit codes of `odp`, documented in the README and `odp --help`.
public enum ODPExit {
    /// Everything published or unchanged.
    public static let success: Int32 = 0
    /// Usage or definition errors.
    public static let usage: Int32 = 1
    /// Some datasets held by a gate or awaiting approval.
    public static let held: Int32 = 2
    /// Failures of datasets, each failing alone: a source missing, unreadable, locked or
    /// unreachable, a key the dataset needs unreadable, packaging or upload failed after retries.
    public static let failure: Int32 = 3
}

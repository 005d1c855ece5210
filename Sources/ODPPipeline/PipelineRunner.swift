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
    /// Set by SIGTERM/SIGINT (when `odp run` installs the handlers) or by a caller.
    public let stop: RunStopFlag

    public init(workspace: Workspace, options: RunOptions, log: RunLog, stop: RunStopFlag = RunStopFlag()) {
        self.workspace = workspace
        self.options = options
        self.log = log
        self.stop = stop
    }

    public struct Summary: Sendable {
        public var outcomes: [DatasetOutcome]
        public var reportURL: URL?
        public var seconds: Double
        /// Why the open list and DCAT catalog were not updated, when they were not.
        public var catalogError: String?
        /// The signal that stopped the run, when one did.
        public var signal: RunSignal?
        /// Reporting steps that failed (run report, metrics, audit), each logged; the run's
        /// other results stand.
        public var reportingErrors: [String] = []
        /// Each released dataset's 更新周期 standing at the end of the run.
        public var timeliness: [String: DatasetTimeliness] = [:]
        /// Datasets still published whose definition is gone (`OrphanedDatasets`).
        public var orphans: [OrphanedDataset] = []
        /// 数据申请 not reviewed within `access.review_working_days`.
        public var applicationsOverdue: [RunNotification.Application] = []
        public var feedbackOverdue: [RunNotification.Application] = []

        public var exitCode: Int32 {
            if let signal { return signal.exitCode }
            if catalogError != nil || !reportingErrors.isEmpty || outcomes.contains(where: { $0.status == .failed }) { return ODPExit.failure }
            if outcomes.contains(where: { $0.status == .held || $0.status == .awaitingApproval }) { return ODPExit.held }
            return ODPExit.success
        }
    }

    /// Runs the datasets, then the catalog, then reports. Whatever fails after the run has
    /// started — a dataset, the catalog upload, a signal, one of the reports — the summary,
    /// run report, metrics, notification and `run_finished` audit entry are still written
    /// (each as far as it can be).
    ///
    /// ## Errors
    /// Throws only before the run starts: definition errors, the run lock, unreadable state.
    public func run() throws -> Summary {
        guard workspace.errors.isEmpty else { throw ODPError.definition(workspace.errors) }
        let started = Date()
        let layout = workspace.layout
        // Shards of one job share the run lock; a whole run or `odp catalog` excludes them all.
        let lock = RunLock(url: layout.lockFile)
        try lock.acquire(shared: options.shard != nil)
        defer { lock.release() }
        let shardLock = options.shard.map { RunLock(url: layout.shardLock($0)) }
        try shardLock?.acquire()
        defer { shardLock?.release() }
        let shared = try workspace.openStateStore()
        let audit = try workspace.auditTrail(store: shared)
        let context = try workspace.stageContext(runDate: options.runDate)
        let leases = DatasetLeases(store: shared, ttl: TimeInterval(workspace.config.state.leaseSeconds))
        let store = FencedStateStore(shared, leases: leases)
        let publisher = try makePublisher(store: store)
        // Other shards are writing: their temporary names are no leftovers (and pids of other
        // machines mean nothing here). A whole run or `odp catalog` sweeps.
        if options.shard == nil { removeLeftovers(publisher: publisher) }
        let assigned = try options.shard.map { try Set(shardDatasets($0, store: shared)) }
        let approvals = try Approvals(layout: layout, store: shared)
        let (withdrawals, withdrawalProblems) = try completeWithdrawals(layout: layout)
        try audit.record("run_started", details: AuditDetails(pid: Int(getpid()), datasets: workspace.definitions.count, dryRun: options.dryRun))
        let datasets = DatasetSequence(runner: self, layout: layout, audit: audit, context: context, publisher: publisher, approvals: approvals,
                                       store: store, leases: leases, assigned: assigned, withdrawals: withdrawals)
        var summary = Summary(outcomes: datasets.run(), reportURL: nil, seconds: 0)
        summary.reportingErrors += withdrawalProblems
        summary.signal = stop.signal
        if let signal = summary.signal {
            summary.catalogError = "未更新（not updated）：运行被 \(signal.name) 中断"
        } else if options.catalog {
            finishCatalog(&summary, layout: layout, publisher: publisher, audit: audit)
        }
        summary.seconds = Date().timeIntervalSince(started)
        summary.orphans = OrphanedDatasets.find(layout: layout, definitions: workspace.definitions)
        for orphan in summary.orphans { log.log(.warning, "orphaned: published \(orphan.version) but no longer in odp.yml", dataset: orphan.dataset) }
        report(&summary, store: shared, layout: layout, audit: audit)
        return summary
    }

    /// The withdrawals, after finishing any that an `odp withdraw` killed midway left
    /// half-applied (a whole run only: shards would race on the same folders), and what could
    /// not be finished (the run then exits 3: a withdrawn version may still be downloadable).
    func completeWithdrawals(layout: OutputLayout) throws -> (WithdrawalList, [String]) {
        let book = WithdrawalBook(layout: layout)
        let list = WithdrawalList(withdrawals: try book.list())
        guard options.shard == nil else { return (list, []) }
        var problems: [String] = []
        for dataset in Set(list.withdrawals.map(\.dataset)).sorted() {
            do {
                let moved = try book.apply(dataset: dataset)
                if !moved.isEmpty { log.log(.warning, "completed an interrupted withdrawal of " + moved.joined(separator: ", "), dataset: dataset) }
            } catch {
                problems.append("撤回 \(dataset) 未完成（withdrawal not applied）：\(ODPError.from(error))；请运行 odp withdraw \(dataset) 重试")
            }
        }
        return (list, problems)
    }

    /// The upload targets' publisher, nil without targets.
    func makePublisher(store: StateStore) throws -> Publisher? {
        workspace.config.targets.isEmpty ? nil
            : try Publisher(config: workspace.config, stateDirectory: workspace.layout.state, store: store,
                            environment: ProcessInfo.processInfo.environment, log: { [log] line in log.log(.info, line) })
    }

    /// The open list and DCAT catalog; a failure leaves the datasets' own results standing.
    /// - Parameter listWithheld: a withheld dataset with no outcome in `summary` gets one
    ///   (`odp catalog`, which runs no dataset).
    func finishCatalog(_ summary: inout Summary, layout: OutputLayout, publisher: Publisher?, audit: AuditTrail, listWithheld: Bool = false) {
        var withheld: [(dataset: String, findings: [PublishedFileFinding])] = []
        do {
            withheld = try publishCatalog(layout: layout, publisher: publisher, audit: audit)
        } catch {
            // The datasets' own results stand; the run still reports, and exits 3.
            let message = "\(ODPError.from(error))"
            summary.catalogError = message
            log.log(.error, "catalog not published: \(message)")
            recordOrLog(audit, "catalog_failed", details: AuditDetails(error: message), summary: &summary)
        }
        for (id, findings) in withheld {
            let reasons = findings.map(\.reason)
            log.log(.warning, "left out of the open list: " + reasons.joined(separator: "; "), dataset: id)
            recordOrLog(audit, "catalog_entry_withheld", dataset: id, details: AuditDetails(reasons: reasons), summary: &summary)
            // Its files may be released, but its catalog entry is not public: someone must act.
            if let i = summary.outcomes.firstIndex(where: { $0.dataset == id }), summary.outcomes[i].status != .failed {
                summary.outcomes[i].status = .held
                summary.outcomes[i].reasons += reasons
            } else if listWithheld, !summary.outcomes.contains(where: { $0.dataset == id }) {
                var held = DatasetOutcome(dataset: id, status: .held)
                held.reasons = reasons
                summary.outcomes.append(held)
            }
        }
    }

    /// Run report, metrics, notification and the closing audit entries: each step runs
    /// whether or not the one before it worked.
    private func report(_ summary: inout Summary, store: StateStore, layout: OutputLayout, audit: AuditTrail) {
        do { summary.reportURL = try RunReport(summary, options: options).write(layout: layout, store: store, shard: options.shard) } catch {
            summary.reportingErrors.append("运行报告（run report）：\(ODPError.from(error))")
        }
        summary.timeliness = timeliness(layout: layout)
        // One metrics file for the whole output: shards of other machines would overwrite each
        // other's (and their pids may collide in its temporary name); `odp catalog` writes it
        // after them.
        if options.shard == nil { writeMetrics(&summary, store: store, layout: layout) }
        reviewAccess(&summary, audit: audit)
        Notifier(config: workspace.config, log: log).notify(summary)
        if let signal = summary.signal {
            let abandoned = summary.outcomes.filter { $0.status == .interrupted }.map(\.dataset)
            log.log(.warning, "interrupted by \(signal.name): " + (abandoned.isEmpty ? "no dataset was in progress" : "abandoned " + abandoned.joined(separator: ", ")))
            recordOrLog(audit, "run_interrupted", details: AuditDetails(signal: signal.name, abandoned: abandoned), summary: &summary)
        }
        for problem in summary.reportingErrors { log.log(.error, problem) }
        recordOrLog(audit, "run_finished", details: AuditDetails(exitCode: Int(summary.exitCode), seconds: summary.seconds, signal: summary.signal?.name),
                    summary: &summary)
    }

    /// Purges applicants' data past its retention and finds applications and feedback waiting too long.
    func reviewAccess(_ summary: inout Summary, audit: AuditTrail) {
        let desk = AccessDesk(workspace: workspace, audit: audit)
        do {
            _ = try desk.purge(now: options.runTime)
            summary.applicationsOverdue = try desk.overdue(now: options.runTime)
            summary.feedbackOverdue = try desk.feedbackOverdue(now: options.runTime)
        } catch {
            summary.reportingErrors.append("数据申请（access applications）：\(ODPError.from(error))")
        }
    }

    func writeMetrics(_ summary: inout Summary, store: StateStore, layout: OutputLayout) {
        do { try PrometheusMetrics.write(states: try store.datasetStates(), timeliness: summary.timeliness, layout: layout) } catch {
            summary.reportingErrors.append("监控指标（metrics）：\(ODPError.from(error))")
        }
    }

    /// Read from the latest releases, so a dataset skipped by `--due` is judged too.
    func timeliness(layout: OutputLayout) -> [String: DatasetTimeliness] {
        var out: [String: DatasetTimeliness] = [:]
        for definition in workspace.definitions {
            guard let latest = try? ReleaseReader.latest(datasetId: definition.id, root: layout.root),
                  let t = DatasetTimeliness(cycle: definition.catalog.updateCycle, lastRelease: latest.created, now: options.runTime) else { continue }
            out[definition.id] = t
        }
        return out
    }

    private func recordOrLog(_ audit: AuditTrail, _ event: String, dataset: String? = nil, details: AuditDetails, summary: inout Summary) {
        do { try audit.record(event, dataset: dataset, details: details) } catch {
            summary.reportingErrors.append("审计日志（audit trail，\(event)）：\(ODPError.from(error))")
            log.log(.error, "audit trail (\(event)): \(error)")
        }
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
        let errata = try ErrataBook(layout: layout).list()
        let withdrawals = try WithdrawalBook(layout: layout).list().map { w in
            CatalogWithdrawal(withdrawal: w, unlisted: AtomFeed.Dataset(unlisted: w.dataset, tombstone: WithdrawalBook.tombstones(w.dataset, layout: layout).last))
        }
        let written = try Catalog.write(config: workspace.config, definitions: workspace.definitions, outputRoot: layout.root,
                                        generatedAt: options.runTime, gate: gate, errata: errata, withdrawals: withdrawals,
                                        inputsFile: layout.state.appendingPathComponent(CatalogInputs.artifactName))
        // Before any dataset has a release (a failed first run), the list has a header only:
        // publishing it would announce an empty catalog.
        let anyReleased = try workspace.definitions.contains { try ReleaseReader.latest(datasetId: $0.id, root: layout.root) != nil }
        if !anyReleased { log.log(.info, "no dataset has a release yet: the open list is not uploaded") }
        if let publisher, !options.dryRun, anyReleased {
            let receipts = try publisher.publishCatalog(files: written.files)
            if receipts.contains(where: \.newlyUploaded) {
                try audit.record("catalog_uploaded", details: AuditDetails(files: receipts.filter(\.newlyUploaded).count))
            }
        }
        if !options.dryRun, anyReleased {
            try notifySubscribers(layout: layout, withheld: Set(written.withheld.map(\.dataset)), errata: errata, withdrawals: withdrawals.map(\.withdrawal))
        }
        return written.withheld
    }

    /// After the catalog is out, so every event points at something a subscriber can fetch.
    /// A failing subscriber is logged and retried on the next run, never fails this one.
    private func notifySubscribers(layout: OutputLayout, withheld: Set<String>, errata: [Erratum], withdrawals: [Withdrawal]) throws {
        let config = workspace.config
        guard !config.webhooks.isEmpty else { return }
        let events = try SubscriberEvents.all(definitions: workspace.definitions, withheld: withheld, root: layout.root, errata: errata,
                                              withdrawals: withdrawals, feedback: try FeedbackBook(state: layout.state).all(), baseURL: config.publicBaseURL)
        let outcome = try SubscriberDelivery(subscribers: config.webhooks, journal: layout.state.appendingPathComponent(WebhookJournal.artifactName),
                                             secretBase: config.baseDirectory).deliver(events, runTime: options.runTime)
        if outcome.delivered > 0 { log.log(.info, "webhooks: \(outcome.delivered) event(s) delivered") }
        for failure in outcome.failures { log.log(.warning, "webhook delivery failed, retried next run: \(failure)") }
    }
}

/// Exit codes of `odp`, documented in the README and `odp --help`.
public enum ODPExit {
    /// Everything published or unchanged.
    public static let success: Int32 = 0
    /// Definition errors (bad YAML, unknown keys, wrong types), found before any dataset runs.
    public static let usage: Int32 = 1
    /// Some datasets held by a gate or awaiting approval.
    public static let held: Int32 = 2
    /// Failures of datasets, each failing alone: a source missing, unreadable, locked or
    /// unreachable, a key the dataset needs unreadable, packaging or upload failed after retries.
    public static let failure: Int32 = 3
    /// A wrong command line: an unknown option, a missing argument, a file the configuration
    /// does not list (sysexits' EX_USAGE, which swift-argument-parser also uses).
    public static let commandLine: Int32 = 64
    /// Another run holds the run lock; this one did nothing (sysexits' EX_TEMPFAIL: try later).
    public static let locked: Int32 = 75
    /// Stopped by SIGINT (Ctrl-C): the shell's 128 + signal number.
    public static let interrupted: Int32 = 128 + SIGINT
    /// Stopped by SIGTERM (`systemctl stop`, a pod ending): 128 + signal number.
    public static let terminated: Int32 = 128 + SIGTERM
}

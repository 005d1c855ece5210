import Foundation
import ODPCore
import ODPPublish
import ODPRelease

/// `odp status`: every dataset's state, read from the output folder alone — releases,
/// `latest.json`, the dataset state, run reports, approvals and the upload journal. No
/// source is opened and no target is contacted, so it needs no secret.
public struct StatusReport: Codable, Sendable, Equatable {
    public var datasets: [DatasetStatus]
    /// Published datasets whose definition is gone.
    public var orphans: [OrphanedDataset]
    /// Subscriber events still failing (`state/webhooks.json`), retried on the next run.
    public var webhookFailures: [WebhookFailure] = []

    public struct WebhookFailure: Codable, Sendable, Equatable {
        public var subscriber: String
        public var event: String
        public var attempts: Int
        public var last: String
        public var error: String

        /// One line for `odp status`.
        public var message: String {
            "订阅推送失败（webhook delivery failing）：\(subscriber) 事件 \(event)，已尝试 \(attempts) 次，最近 \(BeijingTime.text(last))：\(error)；下次运行时重试"
        }
    }
    /// Every `odp withdraw`, oldest first (datasets no longer in odp.yml too).
    public var withdrawals: [Withdrawal]

    public init(workspace: Workspace, now: Date = Date()) throws {
        let layout = workspace.layout
        orphans = OrphanedDatasets.find(layout: layout, definitions: workspace.definitions)
        let journal = try ArtifactCodec.read(WebhookJournal.self, at: layout.state.appendingPathComponent(WebhookJournal.artifactName))
        webhookFailures = (journal?.subscribers ?? [:]).sorted { $0.key < $1.key }.flatMap { key, s in
            s.failing.sorted { $0.key < $1.key }.map { WebhookFailure(subscriber: key, event: $0.key, attempts: $0.value.attempts, last: $0.value.last, error: $0.value.error) }
        }
        let withdrawals = WithdrawalList(withdrawals: try WithdrawalBook(layout: layout).list())
        self.withdrawals = withdrawals.withdrawals
        let store = try workspace.openStateStore()
        let approvals = try Approvals(layout: layout, store: store)
        let lastRuns = try Self.lastRuns(in: Self.runReports(layout: layout, store: store), of: Set(workspace.definitions.map(\.id)))
        let uploads = Dictionary(grouping: Publisher.status(store: store), by: \.dataset)
        let targets = Publisher.targetNames(workspace.config)
        datasets = try workspace.definitions.map { definition in
            let id = definition.id
            let latest = try? ReleaseReader.latest(datasetId: id, root: layout.root)
            var status = Self.state(id, lastRun: lastRuns[id], saved: try store.datasetState(id), published: latest?.version,
                                    approvals: approvals, layout: layout)
            status.title = definition.catalog.title
            status.withdrawnVersions = WithdrawalBook.tombstones(id, layout: layout).map(\.version)
            if let w = withdrawals.activeDatasetWithdrawal(id) {
                status.state = .withdrawn
                status.reasons = ["\(w.number)：\(w.reason)"]
            }
            status.timeliness = latest.flatMap { DatasetTimeliness(cycle: definition.catalog.updateCycle, lastRelease: $0.created, now: now) }
            status.uploads = Self.uploads(uploads[id] ?? [], targets: targets)
            status.next = Self.next(status, layout: layout)
            return status
        }
    }

    /// Run reports, newest first: the shared store's when it keeps records (every pod's),
    /// else the files under `state/runs/`.
    struct RunReports {
        var names: [String]
        var read: (String) throws -> RunReport?
        var path: (String) -> String
    }

    private static func runReports(layout: OutputLayout, store: StateStore) throws -> RunReports {
        if let records = store as? SharedRecords {
            let prefix = RunReport.documentPrefix
            return RunReports(names: try records.documentNames(prefix: prefix).sorted(by: >),
                              read: { name in try records.document(name).map { try ArtifactCodec.decode(RunReport.self, from: $0, file: name) } },
                              path: { "state.\($0)" })
        }
        let directory = layout.runsDirectory
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted(by: >)
        return RunReports(names: names, read: { try ArtifactCodec.read(RunReport.self, at: directory.appendingPathComponent($0)) },
                          path: { directory.appendingPathComponent($0).path })
    }

    /// The newest run report entry of each dataset, newest reports first, until all are found.
    private static func lastRuns(in reports: RunReports, of ids: Set<String>) throws -> [String: DatasetStatus.LastRun] {
        var found: [String: DatasetStatus.LastRun] = [:]
        for name in reports.names where found.count < ids.count {
            guard let report = try reports.read(name) else { continue }
            for d in report.datasets where ids.contains(d.dataset) && found[d.dataset] == nil && d.status != .skipped && d.status != .withdrawn {
                found[d.dataset] = DatasetStatus.LastRun(started: report.started, status: d.status, version: d.version, error: d.error, report: reports.path(name))
            }
        }
        return found
    }

    private static func state(_ id: String, lastRun: DatasetStatus.LastRun?, saved: DatasetState?, published: String?,
                              approvals: Approvals, layout: OutputLayout) -> DatasetStatus {
        let status = lastRun?.status ?? saved?.lastOutcome
        let version = lastRun?.version ?? saved?.lastVersion ?? published
        var state: DatasetStatus.State
        var reasons: [String] = []
        switch status {
        case .published?, .unchanged?: state = .published
        case .held?:
            state = .held
            let held = version.flatMap { v in
                (try? ReleaseReader.versions(datasetId: id, root: ReleaseReader.heldRoot(layout.root)))?.first { $0.version == v }
            }
            reasons = held?.holdReasons ?? []
        case .awaitingApproval?:
            switch version.flatMap({ approvals.decision(dataset: id, version: $0) })?.verdict {
            case .approved?: state = .approved
            case .rejected?: state = .rejected
            case nil: state = .awaitingApproval
            }
        case .failed?: state = .failed
        case .interrupted?: state = .interrupted
        case .withdrawn?: state = .withdrawn
        case .skipped?, nil: state = published == nil ? .neverRun : .published
        }
        return DatasetStatus(dataset: id, title: "", version: version, state: state, publishedVersion: published, reasons: reasons,
                             lastRun: lastRun, uploads: [], timeliness: nil, next: [])
    }

    /// Per target of the journal and of `targets:`: one added since the last run has no
    /// entry yet, and is listed as having nothing (the next run uploads to it).
    private static func uploads(_ entries: [PublishStatusEntry], targets: [String]) -> [DatasetStatus.Uploads] {
        Set(entries.map(\.target) + targets).sorted().map { target in
            let files = entries.filter { $0.target == target }
            let complete = Dictionary(grouping: files, by: \.version).filter { $0.value.allSatisfy { $0.state == .published } }.keys
            return DatasetStatus.Uploads(target: target, publishedVersion: complete.max(by: Self.versionOrder),
                                         pending: files.filter { $0.state == .pending }.map { "\($0.version)/\($0.file)" }.sorted())
        }
    }

    /// Versions `YYYY.MM.DD.N` compare part by part as numbers.
    private static func versionOrder(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
        return x.lexicographicallyPrecedes(y)
    }

    private static func next(_ s: DatasetStatus, layout: OutputLayout) -> [String] {
        let id = s.dataset, v = s.version ?? "VERSION"
        var out: [String] = []
        switch s.state {
        case .published, .neverRun: break
        case .withdrawn: out.append("已整体撤回，odp run 不再运行它；如需恢复：odp withdraw \(id) --restore --reason 原因 --by 姓名")
        case .held:
            out.append("拦截原因见 \(ReleaseReader.heldRoot(layout.root).path)/releases/\(id)/\(v)/README.md；问题数据清单 \(layout.feedback(id).path)；预览：odp preview \(id) --version \(v)")
        case .awaitingApproval:
            out.append("预览后审核：odp preview \(id) --version \(v)；odp approve \(id) \(v) --by 姓名（或 odp reject）")
        case .approved: out.append("已批准：下次 odp run 发布 \(v)")
        case .rejected: out.append("已驳回：数据更正后下次 odp run 生成新版本")
        case .failed, .interrupted:
            out.append("错误见运行报告 \(s.lastRun?.report ?? layout.runsDirectory.path)；修复后重新运行 odp run --dataset \(id)")
        }
        if let t = s.timeliness, t.overdue {
            out.append("已逾期：更新周期\(t.cycle.rawValue)，公开版本发布于 \(BeijingTime.text(t.lastRelease))，自 \(t.overdueFrom.map { BeijingTime.text($0) } ?? "—") 起未按周期更新；请部门提供新数据后运行 odp run --dataset \(id)")
        }
        for u in s.uploads where !u.pending.isEmpty {
            out.append("目标 \(u.target) 有 \(u.pending.count) 个文件待上传：下次 odp run 续传（日志 \(layout.logFile.path)）")
        }
        if let published = s.publishedVersion {
            for u in s.uploads where u.publishedVersion == nil && u.pending.isEmpty {
                out.append("目标 \(u.target) 还没有收到任何版本（nothing uploaded yet）：下次 odp run 上传 \(published)")
            }
        }
        return out
    }
}

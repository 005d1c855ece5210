import Foundation
import ODPCore

/// What `odp catalog --wait-for` waits for: every dataset of a shard plan finished in its job.
public struct ShardWait: Sendable {
    public var planID: String
    /// The job's shard count, for the plan when the catalog step is the first to compute it.
    public var shards: Int
    public var timeout: Double
    /// Seconds between looks at the state.
    public var interval: Double

    public init(planID: String, shards: Int, timeout: Double, interval: Double = 5) {
        self.planID = planID
        self.shards = shards
        self.timeout = timeout
        self.interval = interval
    }
}

extension PipelineRunner {
    /// `odp catalog`: the open list and DCAT from every latest release on the output, uploaded
    /// to the targets, as the last step of `odp run` does; runs no dataset. With `wait`, first
    /// waits (without the run lock) until every dataset of the plan has finished in its job or
    /// the time is up; a dataset still unfinished is a failed outcome (exit 3), and the list is
    /// built anyway from the releases there are (each dataset's previous one stays listed).
    ///
    /// ## Errors
    /// Throws only before the catalog step: definition errors, the run lock, unreadable state.
    public func catalog(wait: ShardWait?) throws -> Summary {
        guard workspace.errors.isEmpty else { throw ODPError.definition(workspace.errors) }
        let started = Date()
        let layout = workspace.layout
        let store = try workspace.openStateStore()
        let unfinished = try wait.map { try waitForShards($0, store: store) } ?? []
        let lock = RunLock(url: layout.lockFile)
        // The shards hold the lock a moment after their last dataset (reports, audit).
        try lock.acquire(patience: wait == nil ? 0 : 600)
        defer { lock.release() }
        let audit = try workspace.auditTrail(store: store)
        let publisher = try makePublisher(store: store)
        removeLeftovers(publisher: publisher)
        var summary = Summary(outcomes: unfinished.map { id in
            var outcome = DatasetOutcome(dataset: id, status: .failed)
            outcome.error = "分片计划 \(wait?.planID ?? "") 中的该数据集在 \(Int(wait?.timeout ?? 0)) 秒内未在本作业中运行结束（not finished in this job）；"
                + "开放清单按其现有的最新版本列出 [\(ErrorCode.shardWait)]"
            log.log(.error, "not finished in shard plan \(wait?.planID ?? "")", dataset: id)
            return outcome
        }, reportURL: nil, seconds: 0)
        summary.signal = stop.signal
        if let signal = summary.signal {
            summary.catalogError = "未更新（not updated）：被 \(signal.name) 中断"
        } else {
            finishCatalog(&summary, layout: layout, publisher: publisher, audit: audit, listWithheld: true)
        }
        summary.timeliness = timeliness(layout: layout)
        writeMetrics(&summary, store: store, layout: layout)
        for problem in summary.reportingErrors { log.log(.error, problem) }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// The plan's datasets not yet finished in its job when they all are, the time is up, or a
    /// signal came.
    private func waitForShards(_ wait: ShardWait, store: StateStore) throws -> [String] {
        let plan = try sharedPlan(id: wait.planID, shards: wait.shards, candidates: workspace.runOrder, store: store)
        let deadline = Date().addingTimeInterval(wait.timeout)
        var pending = plan.datasets.map(\.dataset)
        while true {
            pending = try pending.filter { try store.datasetState($0)?.plan != wait.planID }
            let left = deadline.timeIntervalSinceNow
            if pending.isEmpty || left <= 0 || stop.signal != nil { return pending }
            log.log(.info, "waiting for \(pending.count) of \(plan.datasets.count) datasets of shard plan \(wait.planID)")
            Thread.sleep(forTimeInterval: min(wait.interval, left))
        }
    }
}

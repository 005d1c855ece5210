import Foundation

/// What the next run needs to remember of one dataset: the watermark of the last good
/// release, when it was made (for `--due`), how its last run ended and what it read (to skip
/// an unchanged dataset). Part of
/// `DatasetStates` (`state/datasets.json`).
public struct DatasetState: Codable, Sendable, Equatable {
    public var watermark: String?
    public var lastSuccess: Date?
    public var lastVersion: String?
    public var lastOutcome: DatasetRunStatus?
    /// The inputs of the last run that published (or found unchanged) this dataset; nil
    /// after any other outcome, so only a good release is ever reused without a run.
    public var inputs: DatasetInputs?
    /// Wall time and rows read of the last run that did not skip it: the cost a shard plan
    /// balances by (`ShardPlan`).
    public var lastSeconds: Double?
    public var lastRows: Int?
    /// The rest of that run's headline figures. With the ones above they are the metrics
    /// file's samples, so the step that writes it (an unsharded run, or `odp catalog` after
    /// the shards of a Job) reports every dataset, whichever worker ran it.
    public var lastRejected: Int?
    public var lastScore: Double?
    public var lastBytesPublished: Int?
    /// The shard plan (the Kubernetes Job) whose run last finished this dataset, whatever its
    /// outcome: `odp catalog --wait-for` waits until every dataset of the plan carries it.
    public var plan: String?

    enum CodingKeys: String, CodingKey {
        case watermark, lastSuccess = "last_success", lastVersion = "last_version", lastOutcome = "last_outcome", inputs
        case lastSeconds = "last_seconds", lastRows = "last_rows", plan
        case lastRejected = "last_rejected", lastScore = "last_score", lastBytesPublished = "last_bytes_published"
    }

    public init(watermark: String? = nil, lastSuccess: Date? = nil, lastVersion: String? = nil, lastOutcome: DatasetRunStatus? = nil,
                inputs: DatasetInputs? = nil, lastSeconds: Double? = nil, lastRows: Int? = nil, plan: String? = nil) {
        self.lastSeconds = lastSeconds
        self.lastRows = lastRows
        self.plan = plan
        self.watermark = watermark
        self.lastSuccess = lastSuccess
        self.lastVersion = lastVersion
        self.lastOutcome = lastOutcome
        self.inputs = inputs
    }

    /// Whether the dataset's 更新周期 says it is due again: a new calendar period has begun
    /// since its last good release.
    public func isDue(cycle: UpdateCycle, now: Date) -> Bool { cycle.isDue(lastRelease: lastSuccess, now: now) }
}

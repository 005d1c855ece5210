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

    enum CodingKeys: String, CodingKey {
        case watermark, lastSuccess = "last_success", lastVersion = "last_version", lastOutcome = "last_outcome", inputs
    }

    public init(watermark: String? = nil, lastSuccess: Date? = nil, lastVersion: String? = nil, lastOutcome: DatasetRunStatus? = nil,
                inputs: DatasetInputs? = nil) {
        self.watermark = watermark
        self.lastSuccess = lastSuccess
        self.lastVersion = lastVersion
        self.lastOutcome = lastOutcome
        self.inputs = inputs
    }

    /// Whether the dataset's 更新周期 says it is due again.
    public func isDue(cycle: UpdateCycle, now: Date) -> Bool {
        guard let last = lastSuccess else { return true }
        guard let interval = cycle.interval else { return false }
        // A little slack so a daily cron at a fixed time is not skipped by a run that took minutes.
        return now.timeIntervalSince(last) >= interval - 3_600
    }
}

import Foundation

/// What the next run needs to remember of one dataset: the watermark of the last good
/// release, when it was made (for `--due`), and how its last run ended. Part of
/// `DatasetStates` (`state/datasets.json`).
public struct DatasetState: Codable, Sendable, Equatable {
    public var watermark: String?
    public var lastSuccess: Date?
    public var lastVersion: String?
    public var lastOutcome: DatasetRunStatus?

    enum CodingKeys: String, CodingKey {
        case watermark, lastSuccess = "last_success", lastVersion = "last_version", lastOutcome = "last_outcome"
    }

    public init(watermark: String? = nil, lastSuccess: Date? = nil, lastVersion: String? = nil, lastOutcome: DatasetRunStatus? = nil) {
        self.watermark = watermark
        self.lastSuccess = lastSuccess
        self.lastVersion = lastVersion
        self.lastOutcome = lastOutcome
    }

    /// Whether the dataset's 更新周期 says it is due again.
    public func isDue(cycle: UpdateCycle, now: Date) -> Bool {
        guard let last = lastSuccess else { return true }
        guard let interval = cycle.interval else { return false }
        // A little slack so a daily cron at a fixed time is not skipped by a run that took minutes.
        return now.timeIntervalSince(last) >= interval - 3_600
    }
}

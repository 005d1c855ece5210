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

    /// Whether the dataset's 更新周期 says it is due again: a new calendar period has begun
    /// since its last good release.
    public func isDue(cycle: UpdateCycle, now: Date) -> Bool { cycle.isDue(lastRelease: lastSuccess, now: now) }
}

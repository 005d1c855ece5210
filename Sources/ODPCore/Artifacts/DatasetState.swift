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

    /// Whether the dataset's 更新周期 says it is due again: a new calendar period has begun
    /// since its last good release.
    public func isDue(cycle: UpdateCycle, now: Date) -> Bool { cycle.isDue(lastRelease: lastSuccess, now: now) }
}

import Foundation
import ODPCore

/// What the next run needs to remember per dataset: the watermark of the last good release
/// and when it was made (for `--due`). Saved atomically after each dataset.
public struct DatasetState: Codable, Sendable, Equatable {
    public var watermark: String?
    public var lastSuccess: Date?
    public var lastVersion: String?
    public var lastOutcome: String?

    public init(watermark: String? = nil, lastSuccess: Date? = nil, lastVersion: String? = nil, lastOutcome: String? = nil) {
        self.watermark = watermark
        self.lastSuccess = lastSuccess
        self.lastVersion = lastVersion
        self.lastOutcome = lastOutcome
    }

    public static func loadAll(_ url: URL) -> [String: DatasetState] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [:] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try? decoder.decode([String: DatasetState].self, from: data)) ?? [:]
    }

    public static func saveAll(_ states: [String: DatasetState], to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try encoder.encode(states), to: url)
    }

    /// Whether the dataset's 更新周期 says it is due again.
    public func isDue(cycle: UpdateCycle, now: Date) -> Bool {
        guard let last = lastSuccess else { return true }
        guard let interval = cycle.interval else { return false }
        // A little slack so a daily cron at a fixed time is not skipped by a run that took minutes.
        return now.timeIntervalSince(last) >= interval - 3_600
    }
}

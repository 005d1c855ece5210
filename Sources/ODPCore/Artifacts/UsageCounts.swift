import Foundation

/// `state/usage.json`: how often each published version was downloaded and asked through the
/// rows API, as counted by the portal. Aggregates only — no address, token, time of a request
/// or anything else about who asked — so it may be shown and exported freely. The portal adds
/// its counts in batches (`add`), a few times a minute at most, never per request.
public struct UsageCounts: Artifact, Equatable {
    public static let artifactName = "usage.json"
    public static let schemaVersion = 1
    public static let fileName = "usage.json"

    public struct Count: Codable, Sendable, Hashable {
        /// File and package downloads (a ranged request counts once, at its first byte).
        public var downloads = 0
        /// Rows API calls answered with rows.
        public var apiCalls = 0

        public init(downloads: Int = 0, apiCalls: Int = 0) {
            self.downloads = downloads
            self.apiCalls = apiCalls
        }

        public static func + (a: Count, b: Count) -> Count { Count(downloads: a.downloads + b.downloads, apiCalls: a.apiCalls + b.apiCalls) }

        enum CodingKeys: String, CodingKey {
            case downloads, apiCalls = "api_calls"
        }
    }

    /// Dataset id → version → counts.
    public var datasets: [String: [String: Count]]

    public init(datasets: [String: [String: Count]] = [:]) { self.datasets = datasets }

    /// Adds `more` (the same shape) to these counts.
    public mutating func add(_ more: [String: [String: Count]]) {
        for (dataset, versions) in more {
            for (version, count) in versions { datasets[dataset, default: [:]][version, default: Count()] = (datasets[dataset]?[version] ?? Count()) + count }
        }
    }

    /// One dataset's counts over all its versions.
    public func total(_ dataset: String) -> Count { datasets[dataset]?.values.reduce(Count(), +) ?? Count() }

    /// The file in `state`, or empty counts when there is none (or it cannot be read: the
    /// figures are informational and never stop a page or a catalog).
    public static func read(state: URL) -> UsageCounts {
        ((try? ArtifactCodec.read(UsageCounts.self, at: state.appendingPathComponent(fileName))) ?? nil) ?? UsageCounts()
    }
}

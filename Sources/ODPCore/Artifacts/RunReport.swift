import Foundation

/// `state/runs/<time>-<pid>.json`: one per `odp run`, written whatever failed late (a
/// catalog upload, a signal), so there is always a record of what happened.
///
/// ## Versions
/// - 0 (before versions): dataset metrics kept dimension scores flat (`score_规范性`).
/// - 1: `metrics.dimension_scores`; `catalog_error` and `signal` added.
public struct RunReport: Artifact, Equatable {
    public static let artifactName = "run report"
    public static let schemaVersion = 1

    /// ISO 8601 UTC time the run started.
    public var started: String
    public var seconds: Double
    public var exitCode: Int
    public var dryRun: Bool
    public var datasets: [DatasetReport]
    /// Why the open list and DCAT catalog were not updated, when they were not.
    public var catalogError: String?
    /// The signal that stopped the run (`SIGTERM`, `SIGINT`), when one did.
    public var signal: String?

    enum CodingKeys: String, CodingKey {
        case started, seconds, exitCode = "exit_code", dryRun = "dry_run", datasets, catalogError = "catalog_error", signal
    }

    public init(started: String, seconds: Double, exitCode: Int, dryRun: Bool, datasets: [DatasetReport],
                catalogError: String? = nil, signal: String? = nil) {
        self.started = started
        self.seconds = seconds
        self.exitCode = exitCode
        self.dryRun = dryRun
        self.datasets = datasets
        self.catalogError = catalogError
        self.signal = signal
    }

    public static func migrate(_ json: inout ArtifactJSON, from version: Int) throws {
        guard version == 0, case .array(var datasets)? = json["datasets"] else { return }
        for i in datasets.indices {
            guard var metrics = datasets[i]["metrics"] else { continue }
            DatasetMetrics.migrateFlatScores(&metrics)
            datasets[i]["metrics"] = metrics
        }
        json["datasets"] = .array(datasets)
    }
}

import Foundation
import ODPCore
import ODPPipeline

/// What `odp run --json` prints: the exit code, the run report's path and each dataset's
/// status and version (the run report holds the rest).
struct RunSummaryJSON: Encodable {
    struct Dataset: Encodable {
        var dataset: String
        var status: DatasetRunStatus
        var version: String
    }

    var exitCode: Int
    var report: String
    var signal: String?
    var datasets: [Dataset]

    enum CodingKeys: String, CodingKey { case exitCode = "exit_code", report, signal, datasets }

    init(_ summary: PipelineRunner.Summary) {
        exitCode = Int(summary.exitCode)
        report = summary.reportURL?.path ?? ""
        signal = summary.signal?.name
        datasets = summary.outcomes.map { Dataset(dataset: $0.dataset, status: $0.status, version: $0.version ?? "") }
    }

    func encoded() throws -> Data { try ArtifactJSON(encoding: self).encoded(pretty: true) }
}

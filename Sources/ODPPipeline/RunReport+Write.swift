import Foundation
import ODPCore

extension RunReport {
    /// The report of a run that ended (normally, after a late failure, or on a signal).
    init(_ summary: PipelineRunner.Summary, options: RunOptions) {
        self.init(started: Self.stamp(options.runTime), seconds: (summary.seconds * 1000).rounded() / 1000,
                  exitCode: Int(summary.exitCode), dryRun: options.dryRun, datasets: summary.outcomes.map(\.report),
                  catalogError: summary.catalogError, signal: summary.signal.map(\.name))
    }

    /// Writes it under `state/runs/` (atomically) and returns its path.
    /// A shard's report names its shard: the shards of a job start at the same second, on
    /// machines where the pid may be the same.
    func write(layout: OutputLayout, shard: ShardSelection? = nil) throws -> URL {
        let suffix = shard.map { "-" + $0.label } ?? ""
        let url = layout.runsDirectory.appendingPathComponent("\(started.replacingOccurrences(of: ":", with: ""))-\(getpid())\(suffix).json")
        try ArtifactCodec.write(self, to: url)
        return url
    }

    static func stamp(_ time: Date) -> String { ISO8601DateFormatter().string(from: time) }
}

import Foundation
import ODPCore

extension RunReport {
    /// The report of a run that ended (normally, after a late failure, or on a signal).
    init(_ summary: PipelineRunner.Summary, options: RunOptions) {
        self.init(started: Self.stamp(options.runTime), seconds: (summary.seconds * 1000).rounded() / 1000,
                  exitCode: Int(summary.exitCode), dryRun: options.dryRun, datasets: summary.outcomes.map(\.report),
                  catalogError: summary.catalogError, signal: summary.signal.map(\.name))
    }

    /// Writes it under `state/runs/` (atomically) and returns its path; a shared state store
    /// gets it too (document `runs/<name>`), where `odp status` on any pod reads it. A shard's
    /// report names its shard: the shards of a job start at the same second, on machines where
    /// the pid may be the same.
    func write(layout: OutputLayout, store: StateStore, shard: ShardSelection? = nil) throws -> URL {
        let suffix = shard.map { "-" + $0.label } ?? ""
        let name = "\(started.replacingOccurrences(of: ":", with: ""))-\(getpid())\(suffix).json"
        let url = layout.runsDirectory.appendingPathComponent(name)
        try ArtifactCodec.write(self, to: url)
        if let records = store as? SharedRecords {
            let data = try ArtifactCodec.encode(self)
            try records.updateDocument(Self.documentPrefix + name) { _ in data }
        }
        return url
    }

    static let documentPrefix = "runs/"

    static func stamp(_ time: Date) -> String { ISO8601DateFormatter().string(from: time) }
}

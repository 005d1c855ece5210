import Foundation
import ODPCore

/// A JSON report per run (`state/runs/`): datasets, rows, timings, gate outcomes, uploads.
enum RunReport {
    static func write(_ summary: PipelineRunner.Summary, options: RunOptions, layout: OutputLayout) throws -> URL {
        let stamp = ISO8601DateFormatter().string(from: options.runTime)
        let report: [String: Any] = [
            "started": stamp, "seconds": (summary.seconds * 1000).rounded() / 1000, "exit_code": Int(summary.exitCode),
            "dry_run": options.dryRun, "datasets": summary.outcomes.map(\.json),
        ]
        let url = layout.runsDirectory.appendingPathComponent("\(stamp.replacingOccurrences(of: ":", with: ""))-\(getpid()).json")
        try AtomicFile.writeJSON(report, to: url)
        return url
    }
}

/// Prometheus textfile-collector output (node_exporter `--collector.textfile.directory`).
enum Metrics {
    static func write(outcomes: [DatasetOutcome], states: [String: DatasetState], layout: OutputLayout) throws {
        var lines: [String] = []
        func metric(_ name: String, _ help: String, _ type: String, _ values: [(String, Double)]) {
            lines.append("# HELP odp_\(name) \(help)")
            lines.append("# TYPE odp_\(name) \(type)")
            for (dataset, value) in values { lines.append("odp_\(name){dataset=\"\(dataset)\"} \(value)") }
        }
        let ran = outcomes.filter { $0.status != .skipped }
        metric("last_success_timestamp_seconds", "Unix time of the dataset's last good release.", "gauge",
               states.keys.sorted().compactMap { id in states[id]?.lastSuccess.map { (id, $0.timeIntervalSince1970.rounded()) } })
        metric("rows_read", "Rows read from the source in the last run.", "gauge", ran.map { ($0.dataset, Double($0.rowsRead)) })
        metric("rows_rejected", "Rows rejected in the last run.", "gauge", ran.map { ($0.dataset, Double($0.rowsRejected)) })
        metric("quality_score", "Overall GB/T 36344 quality score of the last run (0-1).", "gauge",
               ran.compactMap { o in o.metrics["score"].map { (o.dataset, $0) } })
        metric("duration_seconds", "Duration of the dataset's last run.", "gauge", ran.map { ($0.dataset, ($0.seconds * 1000).rounded() / 1000) })
        metric("bytes_published", "Bytes uploaded in the last run.", "gauge", ran.map { ($0.dataset, Double($0.bytesPublished)) })
        metric("last_run_failed", "1 when the dataset failed in the last run.", "gauge", ran.map { ($0.dataset, $0.status == .failed ? 1 : 0) })
        try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: layout.metricsFile)
    }
}

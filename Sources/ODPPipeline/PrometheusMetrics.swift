import Foundation
import ODPCore

/// Prometheus textfile-collector output (node_exporter `--collector.textfile.directory`),
/// rendered from the typed outcomes and states. Metric names and labels are a contract with
/// dashboards and alerts: they stay as they are.
enum PrometheusMetrics {
    static func write(outcomes: [DatasetOutcome], states: DatasetStates, timeliness: [String: DatasetTimeliness], layout: OutputLayout) throws {
        var lines: [String] = []
        func metric(_ name: String, _ help: String, _ values: [(String, Double)]) {
            lines.append("# HELP odp_\(name) \(help)")
            lines.append("# TYPE odp_\(name) gauge")
            for (dataset, value) in values { lines.append("odp_\(name){dataset=\"\(dataset)\"} \(value)") }
        }
        let ran = outcomes.filter { $0.status != .skipped && $0.status != .withdrawn }
        metric("last_success_timestamp_seconds", "Unix time of the dataset's last good release.",
               states.states.keys.sorted().compactMap { id in states[id]?.lastSuccess.map { (id, $0.timeIntervalSince1970.rounded()) } })
        metric("rows_read", "Rows read from the source in the last run.", ran.map { ($0.dataset, Double($0.rowsRead)) })
        metric("rows_rejected", "Rows rejected in the last run.", ran.map { ($0.dataset, Double($0.rowsRejected)) })
        metric("quality_score", "Overall GB/T 36344 quality score of the last run (0-1).",
               ran.compactMap { o in o.metrics.score.map { (o.dataset, $0) } })
        metric("duration_seconds", "Duration of the dataset's last run.", ran.map { ($0.dataset, ($0.seconds * 1000).rounded() / 1000) })
        metric("bytes_published", "Bytes uploaded in the last run.", ran.map { ($0.dataset, Double($0.bytesPublished)) })
        metric("last_run_failed", "1 when the dataset failed in the last run.", ran.map { ($0.dataset, $0.status == .failed ? 1 : 0) })
        metric("overdue", "1 when the public version is older than the dataset's update cycle allows (calendar periods).",
               timeliness.keys.sorted().map { ($0, timeliness[$0]!.overdue ? 1 : 0) })
        if let rate = DatasetTimeliness.rate(Array(timeliness.values)) {
            lines += ["# HELP odp_timeliness_ratio Share of released datasets with a regular update cycle that are not overdue (更新及时率).",
                      "# TYPE odp_timeliness_ratio gauge", "odp_timeliness_ratio \((rate * 10_000).rounded() / 10_000)"]
        }
        try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: layout.metricsFile)
    }
}

import Foundation
import ODPCore

/// Prometheus textfile-collector output (node_exporter `--collector.textfile.directory`),
/// rendered from the typed dataset states. Metric names and labels are a contract with
/// dashboards and alerts: they stay as they are.
enum PrometheusMetrics {
    /// Every dataset with a recorded run, from the state. "The last run" is the dataset's last
    /// run that did not skip it (one found unchanged or not due keeps the figures before), so a
    /// dashboard's series do not vanish between runs and a shard's datasets are reported by
    /// the one step that writes this file.
    static func write(states: DatasetStates, timeliness: [String: DatasetTimeliness], layout: OutputLayout) throws {
        var lines: [String] = []
        func metric(_ name: String, _ help: String, _ values: [(String, Double)]) {
            lines.append("# HELP odp_\(name) \(help)")
            lines.append("# TYPE odp_\(name) gauge")
            for (dataset, value) in values { lines.append("odp_\(name){dataset=\"\(dataset)\"} \(value)") }
        }
        func recorded(_ value: (DatasetState) -> Double?) -> [(String, Double)] {
            states.states.keys.sorted().compactMap { id in states[id].flatMap(value).map { (id, $0) } }
        }
        metric("last_success_timestamp_seconds", "Unix time of the dataset's last good release.",
               recorded { $0.lastSuccess.map { $0.timeIntervalSince1970.rounded() } })
        metric("rows_read", "Rows read from the source in the last run.", recorded { $0.lastRows.map(Double.init) })
        metric("rows_rejected", "Rows rejected in the last run.", recorded { $0.lastRejected.map(Double.init) })
        metric("quality_score", "Overall GB/T 36344 quality score of the last run (0-1).", recorded { $0.lastScore })
        metric("duration_seconds", "Duration of the dataset's last run.", recorded { $0.lastSeconds })
        metric("bytes_published", "Bytes uploaded in the last run.", recorded { $0.lastBytesPublished.map(Double.init) })
        metric("last_run_failed", "1 when the dataset failed in the last run.", recorded { s in s.lastOutcome.map { $0 == .failed ? 1 : 0 } })
        metric("overdue", "1 when the public version is older than the dataset's update cycle allows (calendar periods).",
               timeliness.keys.sorted().map { ($0, timeliness[$0]!.overdue ? 1 : 0) })
        if let rate = DatasetTimeliness.rate(Array(timeliness.values)) {
            lines += ["# HELP odp_timeliness_ratio Share of released datasets with a regular update cycle that are not overdue (更新及时率).",
                      "# TYPE odp_timeliness_ratio gauge", "odp_timeliness_ratio \((rate * 10_000).rounded() / 10_000)"]
        }
        lines += try publicLines(state: layout.state)
        try AtomicFile.write(Data((lines.joined(separator: "\n") + "\n").utf8), to: layout.metricsFile)
    }
}

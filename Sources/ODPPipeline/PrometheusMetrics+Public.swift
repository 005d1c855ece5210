import Foundation
import ODPCore

extension PrometheusMetrics {
    /// The public side at the time of the run: 纠错与意见 by status and how long data officers
    /// took to answer (receipt to the first of accepted, fixed or declined), and the portal's
    /// download and rows API counts per version (`state/usage.json`, aggregates only).
    static func publicLines(state: URL) throws -> [String] {
        var lines: [String] = []
        let items = try FeedbackBook(state: state).all()
        let byDataset = Dictionary(grouping: items, by: \.dataset)
        let datasets = byDataset.keys.sorted()
        lines += ["# HELP odp_feedback_items Public corrections and requests (纠错与意见) by status.", "# TYPE odp_feedback_items gauge"]
        for id in datasets {
            for status in FeedbackItem.Status.allCases {
                lines.append("odp_feedback_items{dataset=\"\(id)\",status=\"\(status.rawValue)\"} \(byDataset[id]!.filter { $0.status == status }.count)")
            }
        }
        lines += ["# HELP odp_feedback_response_seconds Seconds from receipt to a data officer's first answer, over answered items.",
                  "# TYPE odp_feedback_response_seconds summary"]
        for id in datasets {
            let times = byDataset[id]!.compactMap(\.responseSeconds)
            lines.append("odp_feedback_response_seconds_sum{dataset=\"\(id)\"} \(times.reduce(0, +))")
            lines.append("odp_feedback_response_seconds_count{dataset=\"\(id)\"} \(times.count)")
        }
        let usage = UsageCounts.read(state: state)
        for (name, help, value) in [("downloads_total", "File and package downloads counted by the portal.", \UsageCounts.Count.downloads),
                                    ("api_calls_total", "Rows API calls answered with rows, counted by the portal.", \UsageCounts.Count.apiCalls)] {
            lines += ["# HELP odp_\(name) \(help)", "# TYPE odp_\(name) counter"]
            for id in usage.datasets.keys.sorted() {
                for (version, count) in usage.datasets[id]!.sorted(by: { $0.key < $1.key }) {
                    lines.append("odp_\(name){dataset=\"\(id)\",version=\"\(version)\"} \(count[keyPath: value])")
                }
            }
        }
        return lines
    }
}

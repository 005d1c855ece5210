/// How many rows a dataset run read and rejected and how many problem entries it listed.
/// Computed once, by the check stage, and handed to every place that shows a count (run
/// summary, run report, quality report JSON and HTML, release README, portal), so no two
/// of them can disagree.
///
/// ## Definitions
/// - `read`: every row the source delivered, readable or not. An unreadable record counts
///   the source rows it spans (a quoted field that ran on across 60 lines counts 60).
/// - `unreadable`: rows the reader could not read (ragged, bad bytes, runaway quote).
/// - `rejected`: rows left out of the release, unreadable rows included; the gate's
///   `max_reject_share` is `rejected / read`.
/// - `problemEntries`: entries of the department feedback list (问题数据清单), reader
///   problems and rule failures, including entries only counted past the list's limit.
public struct RowCounts: Sendable, Hashable {
    public var read: Int
    public var unreadable: Int
    public var rejected: Int
    public var problemEntries: Int

    public init(read: Int = 0, unreadable: Int = 0, rejected: Int = 0, problemEntries: Int = 0) {
        self.read = read
        self.unreadable = unreadable
        self.rejected = rejected
        self.problemEntries = problemEntries
    }

    /// Rows the rules ran on.
    public var checked: Int { read - unreadable }

    public var rejectShare: Double { read == 0 ? 0 : Double(rejected) / Double(read) }

    /// The one Chinese wording of the counts, shared by the README, the HTML report and the
    /// portal: `读取 3000 行，剔除 612 行（其中 600 行无法读取），问题数据清单 15 条`.
    public var chinese: String {
        "读取 \(read) 行，剔除 \(rejected) 行" + (unreadable > 0 ? "（其中 \(unreadable) 行无法读取）" : "") + "，问题数据清单 \(problemEntries) 条"
    }
}

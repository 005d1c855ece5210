import Foundation

/// One problem with one source row, for the department feedback list (问题数据清单) and
/// the quality report. `value` may hold personal data: it goes to `output/state/` only.
public struct RowProblem: Sendable, Hashable {
    public var sourceRow: Int
    /// The last source row of a problem that spans several (a quoted field that ran on
    /// across lines swallows them all); nil for one row.
    public var lastSourceRow: Int?
    public var field: String?
    /// The rule or reader check that failed (`type`, `gb11643`, `ragged_row` …).
    public var rule: String
    public var message: String
    public var value: String?

    public init(sourceRow: Int, lastSourceRow: Int? = nil, field: String?, rule: String, message: String, value: String? = nil) {
        self.sourceRow = sourceRow
        self.lastSourceRow = lastSourceRow.flatMap { $0 > sourceRow ? $0 : nil }
        self.field = field
        self.rule = rule
        self.message = message
        self.value = value
    }

    /// Rows this problem stands for: 1, or the whole range a runaway quoted field swallowed.
    public var rowCount: Int { (lastSourceRow ?? sourceRow) - sourceRow + 1 }

    /// `12` or `12-70`, for lists and messages.
    public var rowLabel: String { lastSourceRow.map { "\(sourceRow)-\($0)" } ?? String(sourceRow) }
}

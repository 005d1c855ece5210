import ODPCore

extension Checker {
    /// Tells the checker about the rows the reader could not read, before `finish()`: they
    /// count as read and rejected, toward `gate.max_reject_share`, and as feedback entries.
    /// A problem spanning a range of rows (a runaway quoted field) counts every row in it.
    public func noteUnreadable(_ problems: [RowProblem]) {
        unreadableEntries += problems.count
        unreadableRows += problems.reduce(0) { $0 + $1.rowCount }
    }

    /// The run's counts, as every report shows them.
    public var counts: RowCounts {
        RowCounts(read: rowsChecked + unreadableRows, unreadable: unreadableRows, rejected: rejectedRows + unreadableRows,
                  problemEntries: problems.count + problemsDropped + unreadableEntries)
    }
}

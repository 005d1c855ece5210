import ODPCore

/// A test of one non-null cell: (cell, row, all cells of the batch) → passes.
typealias CellTest = (UnsafeBufferPointer<UInt8>, Int, RowBatch.Cells) -> Bool

/// A field rule compiled over a column index.
struct CellCheck {
    let column: Int
    let tally: Int
    let reject: Bool
    let test: CellTest
}

/// `required` and primary-key presence: fails when any of `columns` is null or empty.
struct NullCheck {
    let columns: [Int]
    let tally: Int
    let reject: Bool
}

/// A row rule: true passes, false fails, nil is skipped (a null made it unknown) unless
/// `nullFails`.
struct RowCheck {
    let tally: Int
    let reject: Bool
    let nullFails: Bool
    /// The column whose value goes into the feedback list.
    let valueColumn: Int?
    let test: (Int, RowBatch.Cells) -> Bool?
}

/// Rules decided once the whole table has been seen.
enum TableAggregate {
    case rowCount(tally: Int, min: Int?, max: Int?)
    case completeness(tally: Int, columns: [Int], min: Double)
    case sumEquals(tally: Int, column: Int, total: Double?, otherColumn: Int?, tolerance: Double)
}

/// A caller-provided key set for `reference` rules (`Checker.provideReference`).
final class ReferenceSlot {
    let dataset: String
    let field: String
    let tally: Int
    var keys: FingerprintSet?

    init(dataset: String, field: String, tally: Int) {
        self.dataset = dataset
        self.field = field
        self.tally = tally
    }
}

/// Mutable fingerprint state shared with a compiled closure.
final class FingerprintBox {
    var set = FingerprintSet(capacity: 4096)
}

/// Everything `RuleCompiler` produced: the compiled checks and the report lines they feed.
struct RulePlan {
    var tallies: [RuleTally] = []
    var cellChecks: [CellCheck] = []
    var nullChecks: [NullCheck] = []
    var rowChecks: [RowCheck] = []
    var aggregates: [TableAggregate] = []
    var references: [ReferenceSlot] = []
    /// Columns whose sums the profile must keep (numeric fields always; sum_equals columns).
    var summedColumns: Set<Int> = []
}

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

/// `unique`, primary-key and duplicate rules: a 64-bit fingerprint of `columns` per row,
/// inserted into a set. Hashes for a whole batch are computed first and inserted in a
/// tight loop, so the cache misses of a large set overlap instead of stalling each row.
struct DuplicateCheck {
    let columns: [Int]
    let tally: Int
    let reject: Bool
    /// Skip the row when any key cell is null or empty (unique, primary key); otherwise
    /// null takes part in the fingerprint (duplicate_rows / duplicate_keys).
    let skipNulls: Bool
    let set: FingerprintSet

    /// Per row: 0 skipped, 1 first occurrence, 2 repeated.
    func run(_ cells: RowBatch.Cells, rows: Int) -> [UInt8] {
        var hashes = [UInt64](repeating: 0, count: rows)
        var outcome = [UInt8](repeating: 1, count: rows)
        for row in 0..<rows {
            var h = Fingerprint.seed
            for c in columns {
                let cell = cells.at(row, c)
                if skipNulls, cell == nil || cell!.count == 0 { outcome[row] = 0; break }
                h = columns.count == 1 && skipNulls ? Fingerprint.hash(cell!) : Fingerprint.combine(h, cell)
            }
            hashes[row] = h
        }
        for row in 0..<rows where outcome[row] != 0 {
            if !set.insert(hashes[row]) { outcome[row] = 2 }
        }
        return outcome
    }
}

/// The finish hook of a rule decided once the whole table has been seen: it fills in its
/// report line from the table's totals.
struct TableAggregate {
    let tally: Int
    let finish: (TableTotals, RuleTally) -> Void
}

/// A caller-provided key set for `reference` rules (`Checker.provideReference`).
final class ReferenceSlot {
    let dataset: String
    let field: String
    let tally: Int
    /// Where the definition names the other dataset and its field, for `odp validate`.
    let datasetLocation: SourceLocation
    let fieldLocation: SourceLocation
    var keys: FingerprintSet?
    /// Why the caller could not supply the keys (shown as 未检查 and, fail safe, held).
    var unavailable: String?

    init(dataset: String, field: String, tally: Int, datasetLocation: SourceLocation, fieldLocation: SourceLocation) {
        self.dataset = dataset
        self.field = field
        self.tally = tally
        self.datasetLocation = datasetLocation
        self.fieldLocation = fieldLocation
    }
}

/// Everything `RuleCompiler` produced: the compiled checks and the report lines they feed.
struct RulePlan {
    var tallies: [RuleTally] = []
    var cellChecks: [CellCheck] = []
    var nullChecks: [NullCheck] = []
    var rowChecks: [RowCheck] = []
    var duplicateChecks: [DuplicateCheck] = []
    var aggregates: [TableAggregate] = []
    var references: [ReferenceSlot] = []
    /// Columns whose sums the profile must keep (numeric fields always; sum_equals columns).
    var summedColumns: Set<Int> = []
}

import ODPCore

/// One operator compiled for one column: its per-cell hook, called by the output build
/// (`TransformPlan`) for every cell of a column that is not passed through. Immutable, so
/// both halves of `Desensitizer.transform` may hold it.
///
/// One call through the protocol per changed cell; the work inside stays on the cell's
/// UTF-8 bytes (see docs/performance.md for what the indirection costs).
protocol CellOperator: Sendable {
    /// Writes the transformed cell into `out` (for `.scratch`). `cells` is the source batch,
    /// for operators that read other columns of the row. An operator that scans the source
    /// (`scansSource`) reports each identifier to `found`.
    func apply(_ cell: UnsafeBufferPointer<UInt8>, _ cells: RowBatch.Cells, row: Int, out: inout [UInt8],
               found: (IdentifierKind) -> Void) -> CellResult
    /// A null source cell. Default: null.
    func applyNull(out: inout [UInt8]) -> CellResult
    /// Every output cell is the source cell, so the build copies it without calling `apply`
    /// and its "after" hits are the "before" hits. Default: false.
    var passesThrough: Bool { get }
    /// It scans the source cell for identifiers anyway (`redact`): its findings are the
    /// cell's "before" hits, and a cell it leaves unchanged has none after. Default: false.
    var scansSource: Bool { get }
    /// Its work after the first pass over the output (`suppress when_count_below`). Default: none.
    func finish() -> (any ColumnFinish)?
}

extension CellOperator {
    func applyNull(out: inout [UInt8]) -> CellResult { .null }
    var passesThrough: Bool { false }
    var scansSource: Bool { false }
    func finish() -> (any ColumnFinish)? { nil }
}

/// What `CellOperator.apply` made of a cell.
enum CellResult {
    /// The source cell, unchanged.
    case copy
    case null
    /// What the operator wrote to `out`.
    case scratch
}

/// An operator's pass over its output column after the first pass: it sees every non-null
/// cell of the column (`count`), then says which to blank when the batches are replayed.
protocol ColumnFinish: Sendable {
    mutating func count(_ cells: RowBatch.Cells, row: Int, column: Int)
    func blanks(_ cells: RowBatch.Cells, row: Int, column: Int) -> Bool
}

/// A column published as it is (no operator).
struct PassThrough: CellOperator {
    func apply(_ cell: UnsafeBufferPointer<UInt8>, _ cells: RowBatch.Cells, row: Int, out: inout [UInt8],
               found: (IdentifierKind) -> Void) -> CellResult { .copy }
    var passesThrough: Bool { true }
}

import ODPCore

/// One output column: its source column and its operator, compiled with what it needs at
/// run time. Immutable once built, so both halves of `Desensitizer.transform` may read it
/// at once. It knows no operator by name: the per-cell work is the operator's own
/// (`CellOperator`).
final class ColumnTransform: Sendable {
    let source: Int
    let field: FieldDefinition
    /// The field's operator with its parameters, nil when it is published as it is.
    let unit: (any OperatorUnit)?
    let op: any CellOperator
    let nameLike: Bool
    let cardLabelled: Bool
    /// Cached from `op`, read per cell.
    let scansSource: Bool

    init(source: Int, field: FieldDefinition, unit: (any OperatorUnit)?, sourceSchema: Schema, context: StageContext,
         marker: [UInt8], scanner: IdentifierScanner) throws {
        self.source = source
        self.field = field
        self.unit = unit
        let nameLike = ChineseNames.isNameLike(name: field.name, title: field.title)
        let cardLabelled = ColumnTransform.isCardLabelled(field)
        self.nameLike = nameLike
        self.cardLabelled = cardLabelled
        let op = try unit?.compile(OperatorCompile(field: field, sourceSchema: sourceSchema, context: context, marker: marker,
                                                   scanner: scanner, nameLike: nameLike, cardLabelled: cardLabelled))
        let compiled = op ?? PassThrough()
        self.op = compiled
        scansSource = compiled.scansSource
    }

    static func isCardLabelled(_ field: FieldDefinition) -> Bool {
        let n = field.name.lowercased()
        return n.contains("card") || n.contains("account") || ["卡号", "银行卡", "账号", "帐号"].contains { field.title.contains($0) }
    }

    /// Writes the transformed cell into `out` (for `.scratch`). `cells` is the source batch.
    @inline(__always)
    func apply(_ cells: RowBatch.Cells, row: Int, out: inout [UInt8], found: (IdentifierKind) -> Void) -> CellResult {
        guard let cell = cells[row, source] else { return op.applyNull(out: &out) }
        return op.apply(cell, cells, row: row, out: &out, found: found)
    }
}

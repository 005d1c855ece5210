import ODPCore

/// `null_watermark: fail`: the reader leaves such rows out like `reject` does; this stops the
/// dataset at the first one instead, naming the row and the field.
final class NullWatermarkStop: RowSource {
    let base: RowSource
    private let file: String

    init(base: RowSource, definition: DatasetDefinition) {
        self.base = base
        file = definition.source.path ?? definition.source.table ?? "query"
    }

    func next(maxRows: Int) throws -> RowBatch? {
        let batch = try base.next(maxRows: maxRows)
        if let problem = base.problems.first(where: { $0.rule == "null_watermark" }) {
            base.close()
            throw ODPError.data(SourceLocation(file: file, line: problem.sourceRow, field: problem.field), problem.message)
        }
        return batch
    }

    var problems: [RowProblem] { base.problems }
    var watermark: String? { base.watermark }
    var deletedKeys: [[String]] { base.deletedKeys }
    func close() { base.close() }
}

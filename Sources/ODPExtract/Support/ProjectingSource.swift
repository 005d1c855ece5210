import ODPCore

/// Shared state of every reader: the projection (incremental rules) and rejected rows.
class ProjectingSource {
    let datasetID: String
    let fieldCount: Int
    let onError: SourceSpec.OnError
    var projection: Projection?
    var rejected: [RowProblem] = []

    init(datasetID: String, fieldCount: Int, onError: SourceSpec.OnError) {
        self.datasetID = datasetID
        self.fieldCount = fieldCount
        self.onError = onError
    }

    convenience init(definition: DatasetDefinition) {
        self.init(datasetID: definition.id, fieldCount: definition.schema.fields.count, onError: definition.source.onError)
    }

    var problems: [RowProblem] {
        guard let projection, !projection.nullWatermarkRows.isEmpty else { return rejected }
        let field = projection.watermarkName ?? "watermark"
        let verdict = projection.nullPolicy == .fail ? "数据集已停止" : "本行未发布"
        return rejected + projection.nullWatermarkRows.map {
            RowProblem(sourceRow: $0, field: field, rule: "null_watermark",
                       message: "更新时间（watermark）为空，无法判断是否变化，按 null_watermark: \(projection.nullPolicy.rawValue) \(verdict)；请补填该字段")
        }
    }


    var watermark: String? {
        guard let max = projection?.maxWatermark else { return nil }
        return String(decoding: max, as: UTF8.self)
    }

    var deletedKeys: [[String]] { projection?.deletedKeys ?? [] }

    /// An empty batch sized for `maxRows`, without reserving absurd amounts for huge limits.
    func makeBatch(_ maxRows: Int) -> RowBatch {
        let rows = min(max(maxRows, 1), 8192)
        return RowBatch(columnCount: fieldCount, rowCapacity: rows, byteCapacity: rows * fieldCount * 12)
    }

    /// Leaves the row out (`on_error: reject`) or stops the dataset (`on_error: fail`).
    func reject(file: String, row: Int, lastRow: Int? = nil, line: Int?, field: String?, rule: String, message: String) throws {
        if onError == .fail {
            throw ODPError.data(SourceLocation(file: file, line: line ?? row, field: field), message)
        }
        rejected.append(RowProblem(sourceRow: row, lastSourceRow: lastRow, field: field, rule: rule, message: message))
    }
}

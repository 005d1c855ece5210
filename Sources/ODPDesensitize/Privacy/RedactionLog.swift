import ODPCore

/// Which identifiers `redact` removed, per source row and field: the kind and how many,
/// never the value. It goes to the department's 问题数据清单 only (under `state/`, never
/// published), so the department can clean the free text at its source; the privacy report
/// keeps only counts and a first row.
struct RedactionLog {
    private struct Key: Hashable {
        var row: Int
        var field: Int
        var kind: IdentifierKind
    }

    private var counts: [Key: Int] = [:]

    mutating func add(row: Int, field: Int, kind: IdentifierKind) {
        counts[Key(row: row, field: field, kind: kind), default: 0] += 1
    }

    mutating func merge(_ other: RedactionLog) {
        counts.merge(other.counts, uniquingKeysWith: +)
    }

    /// One problem per row, field and kind, in row order.
    func problems(fields: [FieldDefinition]) -> [RowProblem] {
        counts.sorted { ($0.key.row, $0.key.field, $0.key.kind) < ($1.key.row, $1.key.field, $1.key.kind) }.map { key, count in
            let times = count > 1 ? " \(count) 处" : ""
            return RowProblem(sourceRow: key.row, field: fields[key.field].name, rule: "redact",
                              message: "自由文本中含\(key.kind.title)（\(key.kind.rawValue)）\(times)，发布时已遮蔽；请在源系统中清理")
        }
    }
}

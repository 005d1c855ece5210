import ODPCore

struct SuppressOperator: OperatorUnit {
    static let slug = "suppress"
    static let parameters: String? = "`when: {field, equals}` (or `in: [...]`), or `when_count_below: n`"
    static let summary = UnitSummary(chinese: "满足条件的记录或出现次数过少的取值置空",
                                     english: "Blanks the value when another field matches, or when the value is rare")
    static let findings = ["满足条件的记录中该字段已置空", "出现次数少于 {n} 次的取值已置空"]

    enum Condition {
        /// Another field of the row holds one of `values`.
        case when(field: String, values: [[UInt8]])
        /// The value occurs fewer than `below` times in the output.
        case rare(below: Int)
    }

    let condition: Condition

    static func parse(_ op: OperatorParse) -> SuppressOperator? {
        let r = op.r, label = op.label, spec = op.spec, fieldNames = op.schema.names
        let rare = r.int("when_count_below", range: 2...1_000_000)
        let when = r.map("when")
        if (rare == nil) == (when == nil) {
            r.error("\(label)：`suppress` 需要 `when` 与 `when_count_below` 中的一个（且只要一个）", at: spec.location,
                    hint: "例如 `when: {field: status, equals: 注销}` 或 `when_count_below: 5`")
            return nil
        }
        if let rare { return SuppressOperator(condition: .rare(below: rare)) }
        guard let when, let name = when.string("field", required: true) else { return nil }
        if !fieldNames.contains(name), let location = when.raw("field")?.location {
            r.absorb([DatasetDefinition.undefinedField(name, at: location, names: fieldNames, context: "\(label).when.field")])
            return nil
        }
        var values = when.strings("in")
        if let equals = when.string("equals") { values.append(equals) }
        if values.isEmpty {
            when.error("\(label).when 需要 `equals` 或 `in`")
            return nil
        }
        return SuppressOperator(condition: .when(field: name, values: values.map { Array($0.utf8) }))
    }

    func output(_ field: FieldDefinition) -> FieldDefinition? { field }

    func compile(_ c: OperatorCompile) throws -> any CellOperator {
        switch condition {
        case .when(let name, let values): return When(column: c.sourceSchema.index(of: name), values: values)
        case .rare(let below): return Rare(below: below)
        }
    }

    func note(_ c: OperatorNote) -> String {
        switch condition {
        case .when: return "满足条件的记录中该字段已置空"
        case .rare(let below): return "出现次数少于 \(below) 次的取值已置空"
        }
    }

    struct When: CellOperator {
        /// The other field's source column.
        let column: Int?
        let values: [[UInt8]]

        func apply(_ cell: UnsafeBufferPointer<UInt8>, _ cells: RowBatch.Cells, row: Int, out: inout [UInt8],
                   found: (IdentifierKind) -> Void) -> CellResult {
            guard let column, let other = cells[row, column] else { return .copy }
            return values.contains(where: { $0.elementsEqual(other) }) ? .null : .copy
        }
    }

    /// Passes every cell through in the first pass; its finish counts the values and blanks the rare ones.
    struct Rare: CellOperator {
        let below: Int

        var passesThrough: Bool { true }

        func apply(_ cell: UnsafeBufferPointer<UInt8>, _ cells: RowBatch.Cells, row: Int, out: inout [UInt8],
                   found: (IdentifierKind) -> Void) -> CellResult { .copy }

        func finish() -> (any ColumnFinish)? { RareValues(below: below) }
    }

    /// Occurrences per value (by hash), counted over the whole output.
    struct RareValues: ColumnFinish {
        let below: Int
        var counts: [UInt64: Int] = [:]

        mutating func count(_ cells: RowBatch.Cells, row: Int, column: Int) {
            counts[EquivalenceClasses.hash(cells, row: row, column: column), default: 0] += 1
        }

        func blanks(_ cells: RowBatch.Cells, row: Int, column: Int) -> Bool {
            counts[EquivalenceClasses.hash(cells, row: row, column: column), default: 0] < below
        }
    }
}

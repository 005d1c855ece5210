import ODPCore

extension RuleBuild {
    /// A number for number fields, a day number for date fields.
    static func valueReader(_ field: FieldDefinition) -> (UnsafeBufferPointer<UInt8>) -> Double? {
        switch CompiledExpression.kind(of: field) {
        case .date(let formats):
            return { cell in
                formats.parse(cell).map(CompiledExpression.dayNumber)
            }
        default: return { NumberScan.double($0) }
        }
    }

    /// `min`/`max`: the bound `value`, a number or (on a date field) a date.
    func addBound(isMin: Bool) {
        guard let field, let bound = boundParameter(field) else { return }
        let reader = Self.valueReader(field)
        let shown = r.string("value") ?? ""
        addCellCheck(isMin ? "不应小于 \(shown)" : "不应大于 \(shown)") { cell, _, _ in
            guard let v = reader(cell) else { return true }  // the type rule reports unreadable values
            return isMin ? v >= bound : v <= bound
        }
    }

    private func boundParameter(_ field: FieldDefinition) -> Double? {
        if case .date = CompiledExpression.kind(of: field) {
            if !r.has("value") { r.error("\(r.context)：缺少必填键（missing required key）`value`") }
            return compiler.dateParameter(r, "value")
        }
        if field.type == .string || field.type == .code || field.type == .boolean {
            r.error("\(r.context)：`min`/`max` 只适用于数值和日期字段，`\(field.name)` 是 \(field.type.rawValue)")
            return nil
        }
        return r.double("value", required: true)
    }

    /// A per-cell test that needs no parameter (the check-digit rules).
    func addPlainCheck(_ label: String, _ test: @escaping (UnsafeBufferPointer<UInt8>) -> Bool) {
        addCellCheck(label) { cell, _, _ in test(cell) }
    }

    /// `reference` (field or table rule): each non-empty value of `column` must be a key of
    /// `dataset`.`field`, supplied by the caller (`Checker.provideReference`) before checking.
    func addReference(column: Int, dataset: String, field other: String) {
        let label = "\(title(column))应存在于数据集 \(dataset) 的 \(other) 中"
        let t = tally(label, field: schema.fields[column].name)
        let slot = ReferenceSlot(dataset: dataset, field: other, tally: t,
                                 datasetLocation: r.raw("dataset")?.location ?? spec.location,
                                 fieldLocation: r.raw("field")?.location ?? spec.location)
        compiler.plan.references.append(slot)
        addRowCheck(tally: t, valueColumn: column) { row, cells in
            guard let keys = slot.keys, let cell = cells.at(row, column), cell.count > 0 else { return nil }
            return keys.contains(Fingerprint.hash(cell))
        }
    }

    /// `id_birth_matches`, `id_sex_matches`: the ID number column and the other one, from
    /// `id` and `named`, or from `fields: [id, other]`.
    func idPair(named: String) -> (id: Int, other: Int)? {
        var cols: [Int]?
        if r.has("fields") { cols = columns("fields", required: true) } else if let a = column("id"), let b = column(named) { cols = [a, b] }
        guard let cols else { return nil }
        guard cols.count == 2 else { r.error("\(context).fields：请给出两个字段（身份证号和\(named)）"); return nil }
        return (cols[0], cols[1])
    }

    /// `duplicate_rows`, `duplicate_keys`: later occurrences of the same `columns` fail.
    func addDuplicates(columns: [Int], label: String, field: String?) {
        let t = tally(label, field: field)
        compiler.plan.duplicateChecks.append(DuplicateCheck(columns: columns, tally: t, reject: reject, skipNulls: false,
                                                            set: FingerprintSet(capacity: 4096)))
    }
}

import ODPCore

/// What a rule's `compile` works with: its parameters (a reader whose problems become
/// diagnostics naming file and line), the `severity`, `dimension` and `message` every rule
/// takes, and the plan it adds its hooks to.
struct RuleBuild {
    let compiler: RuleCompiler
    let spec: RuleSpec
    let r: ConfigReader
    let severity: CheckSeverity
    let dimension: QualityDimension
    let message: String?
    /// The column and field a field rule sits on; nil for row and table rules.
    let column: Int?
    let field: FieldDefinition?
    /// Where the rule is written, for messages: "field `x`.rules.min" or "rules.row_count".
    let context: String

    var schema: Schema { compiler.schema }
    var reject: Bool { severity == .reject }

    /// A field's title as reports quote it: 「经营者姓名」.
    func title(_ column: Int) -> String { "「\(schema.fields[column].title)」" }

    /// A report line of this rule; `message:` replaces the label.
    func tally(_ label: String, field: String?) -> Int {
        compiler.addTally(spec.type, field: field, severity: severity, dimension: dimension, label: message ?? label)
    }

    /// A field rule's per-cell test, reported as 「title」+ `label`.
    func addCellCheck(_ label: String, _ test: @escaping CellTest) {
        guard let column, let field else { preconditionFailure("\(spec.type) is not a field rule") }
        let t = tally(title(column) + label, field: field.name)
        compiler.plan.cellChecks.append(CellCheck(column: column, tally: t, reject: reject, test: test))
    }

    /// A per-row test: true passes, false fails, nil (a null made it unknown) is skipped.
    func addRowCheck(tally: Int, valueColumn: Int?, nullFails: Bool = false, _ test: @escaping (Int, RowBatch.Cells) -> Bool?) {
        compiler.plan.rowChecks.append(RowCheck(tally: tally, reject: reject, nullFails: nullFails, valueColumn: valueColumn, test: test))
    }

    /// A finish hook, run once after the last batch with the table's totals.
    func addFinish(tally: Int, _ finish: @escaping (TableTotals, RuleTally) -> Void) {
        compiler.plan.aggregates.append(TableAggregate(tally: tally, finish: finish))
    }

    /// The column named by parameter `key`.
    func column(_ key: String, required: Bool = true) -> Int? {
        guard let name = r.string(key, required: required), let loc = r.raw(key)?.location else { return nil }
        return compiler.column(name, at: loc, context: "\(context).\(key)")
    }

    /// The columns named by list parameter `key`: nil when one is unknown, [] when absent and optional.
    func columns(_ key: String, required: Bool) -> [Int]? {
        let names = r.strings(key, required: required)
        guard let loc = r.raw(key)?.location else { return required ? nil : [] }
        let cols = names.compactMap { compiler.column($0, at: loc, context: "\(context).\(key)") }
        return cols.count == names.count ? cols : nil
    }
}

/// What finish hooks read: the table as checked.
struct TableTotals {
    let schema: Schema
    let rowsChecked: Int
    /// Per column: null or empty cells.
    let nulls: [Int]
    /// Per summed column (`RulePlan.summedColumns`): the sum of its values.
    let sums: [Double]
}

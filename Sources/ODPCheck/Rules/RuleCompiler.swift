import Foundation
import ODPCore

/// Turns the rule specs of a definition into compiled checks over column indices, and the
/// same pass yields the definition diagnostics of `odp validate`, so the two never disagree.
final class RuleCompiler {
    let definition: DatasetDefinition
    var schema: Schema { definition.schema }
    /// Loaded tables when compiling for a run; nil when only validating.
    let codeTables: [String: CodeTable]?
    /// Table names the configuration declares (validation without loading); nil = unknown.
    let knownTables: Set<String>?
    let runDate: CivilDateTime
    var diagnostics: [Diagnostic] = []
    var plan = RulePlan()
    private var byteTables: [String: ByteCodeTable] = [:]
    /// Tables restricted to one level (`code_table` with `level:`), by `name#level`.
    var levelTables: [String: ByteCodeTable] = [:]
    /// Per date column with a `date_range` rule: the day numbers its type check parsed.
    var parsedDays: [Int: ParsedDays] = [:]

    init(definition: DatasetDefinition, codeTables: [String: CodeTable]?, knownTables: Set<String>?, runDate: CivilDateTime) {
        self.definition = definition
        self.codeTables = codeTables
        self.knownTables = knownTables
        self.runDate = runDate
    }

    func error(_ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(Diagnostic(location, message, hint: hint))
    }

    /// Reads `severity`, `dimension` and `message`, common to every rule.
    func common(_ r: ConfigReader, severity: CheckSeverity, dimension: QualityDimension) -> (CheckSeverity, QualityDimension, String?) {
        let s = r.choice("severity", of: CheckSeverity.allCases.map(\.rawValue)).flatMap(CheckSeverity.init) ?? severity
        var d = dimension
        if let name = r.string("dimension") {
            if let parsed = QualityDimension(name: name) { d = parsed } else {
                let hint = Suggest.hint(for: name, in: QualityDimension.allNames)
                r.error("\(r.context).dimension：`\(name)` 不是 GB/T 36344 的质量维度（dimension）", at: r.raw("dimension")?.location,
                        hint: hint ?? "可选维度：\(QualityDimension.allNames.joined(separator: ", "))")
            }
        }
        return (s, d, r.string("message"))
    }

    func addTally(_ type: String, field: String?, severity: CheckSeverity, dimension: QualityDimension, label: String) -> Int {
        plan.tallies.append(RuleTally(type: type, field: field, severity: severity, dimension: dimension, label: label))
        return plan.tallies.count - 1
    }

    func column(_ name: String, at location: SourceLocation, context: String) -> Int? {
        if let i = schema.index(of: name) { return i }
        diagnostics.append(DatasetDefinition.undefinedField(name, at: location, names: schema.names, context: context))
        return nil
    }

    func byteTable(_ name: String, at location: SourceLocation, context: String) -> ByteCodeTable? {
        if let t = byteTables[name] { return t }
        if let codeTables {
            guard let table = codeTables[name] else {
                let hint = Suggest.hint(for: name, in: Array(codeTables.keys))
                error("\(context)：代码表（code table）`\(name)` 未加载", at: location,
                      hint: hint ?? "在 odp.yml 的 `code_tables:` 下声明它")
                return nil
            }
            let t = ByteCodeTable(table)
            byteTables[name] = t
            return t
        }
        if let knownTables, !knownTables.contains(name) {
            let hint = Suggest.hint(for: name, in: Array(knownTables))
            error("\(context)：未知的代码表（unknown code table）`\(name)`", at: location, hint: hint ?? "在 odp.yml 的 `code_tables:` 下声明它")
        }
        return nil
    }

    /// Parses a date parameter (`not_before: 1949-10-01`) into a day number.
    func dateParameter(_ r: ConfigReader, _ key: String) -> Double? {
        guard let s = r.string(key) else { return nil }
        guard let d = DateFormat.isoDate.parse(s) ?? DateFormat.isoDateTime.parse(s) else {
            r.error("\(r.context).\(key)：`\(s)` 不是日期（not a date，YYYY-MM-DD）", at: r.raw(key)?.location)
            return nil
        }
        return CompiledExpression.dayNumber(d)
    }

    func compile() {
        for (column, field) in schema.fields.enumerated() {
            compileTypeRule(column, field)
            for spec in field.rules { compileFieldRule(spec, column: column, field: field) }
        }
        compilePrimaryKey()
        for spec in definition.rules { compileDatasetRule(spec) }
        for (i, f) in schema.fields.enumerated() where f.type == .integer || f.type == .number { plan.summedColumns.insert(i) }
    }

    private func compileTypeRule(_ column: Int, _ field: FieldDefinition) {
        let test: (UnsafeBufferPointer<UInt8>) -> Bool
        if field.type == .code {
            guard let member = codeMembership(field) else { return }
            test = member
        } else {
            guard let t = FieldTypeCheck.test(for: field) else { return }
            test = t
        }
        let custom = field.rules.first { $0.type == RuleRegistry.typeSlug }
        var severity = CheckSeverity.reject
        if let custom {
            let r = custom.reader(context: "field `\(field.name)`.rules.type")
            severity = common(r, severity: .reject, dimension: .conformity).0
            diagnostics += r.finish()
        }
        let tally = addTally(RuleRegistry.typeSlug, field: field.name, severity: severity, dimension: .conformity,
                             label: "「\(field.title)」应为\(FieldTypeCheck.describe(field))")
        let reject = severity == .reject
        if case .date(let formats) = CompiledExpression.kind(of: field), field.rules.contains(where: { $0.type == DateRangeRule.slug }) {
            // The type check parses every date anyway: it keeps the day numbers for the
            // column's range rules, which then need not parse the cell again.
            let days = ParsedDays()
            parsedDays[column] = days
            plan.cellChecks.append(CellCheck(column: column, tally: tally, reject: reject) { cell, row, _ in
                let parsed = formats.parse(cell)
                days.set(row, parsed.map(CompiledExpression.dayNumber) ?? .nan)
                return parsed != nil
            })
            return
        }
        plan.cellChecks.append(CellCheck(column: column, tally: tally, reject: reject) { cell, _, _ in test(cell) })
    }

    /// The type test of a `code` field: membership in `code_table:` (current codes). A
    /// `code_table` rule on the field is the check instead, since it may judge a code by the
    /// list in force at the record's date; nil then, when validating, or when the table is missing.
    private func codeMembership(_ field: FieldDefinition) -> ((UnsafeBufferPointer<UInt8>) -> Bool)? {
        let ruleTables = field.rules.filter { $0.type == CodeTableRule.slug }.compactMap { $0.reader(context: "").string("table") }
        guard let name = field.codeTable else {
            if ruleTables.isEmpty {
                error("字段 `\(field.name)` 的类型是 `code`，但没有指定代码表（code table）", at: field.location,
                      hint: "加上 `code_table: <名称>`（odp.yml 中 `code_tables:` 下的表）或一条 `code_table` 规则")
            }
            return nil
        }
        if let other = ruleTables.first(where: { $0 != name }) {
            error("字段 `\(field.name)`：`code_table: \(name)` 与它的 `code_table` 规则（`\(other)`）指向不同的代码表",
                  at: field.location, hint: "一个代码字段只能取自一张代码表")
            return nil
        }
        guard ruleTables.isEmpty, let table = byteTable(name, at: field.location, context: "field `\(field.name)`.code_table") else { return nil }
        return { table.contains($0, year: nil) }
    }

    private func compilePrimaryKey() {
        let key = definition.primaryKey
        guard !key.isEmpty else { return }
        let columns = key.compactMap { schema.index(of: $0) }
        guard columns.count == key.count else { return }  // reported by DatasetDefinition.parse
        let titles = columns.map { schema.fields[$0].title }.joined(separator: "+")
        let present = addTally("primary_key", field: key.joined(separator: ","), severity: .reject, dimension: .completeness,
                               label: "主键「\(titles)」不能为空")
        plan.nullChecks.append(NullCheck(columns: columns, tally: present, reject: true))
        let unique = addTally("primary_key", field: key.joined(separator: ","), severity: .reject, dimension: .accuracy,
                              label: "主键「\(titles)」不能重复")
        plan.duplicateChecks.append(DuplicateCheck(columns: columns, tally: unique, reject: true, skipNulls: true,
                                                   set: FingerprintSet(capacity: 4096)))
    }
}

/// Day numbers of one date column for the rows of the batch being checked (NaN where the
/// cell is not a date), written by the column's type check and read by its `date_range`
/// rules. Cell checks run rule by rule over the whole batch in the order they were
/// compiled, and the type check is compiled first, so each row's entry is fresh when read.
final class ParsedDays {
    // Raw memory, not a class `var` array: no exclusivity check per cell.
    private var days: UnsafeMutablePointer<Double>
    private var capacity = 0

    init() { days = .allocate(capacity: 0) }
    deinit { days.deallocate() }

    @inline(__always)
    func set(_ row: Int, _ day: Double) {
        if row >= capacity { grow(to: row + 1) }
        days[row] = day
    }

    @inline(__always)
    subscript(row: Int) -> Double { row < capacity ? days[row] : .nan }

    private func grow(to n: Int) {
        let bigger = UnsafeMutablePointer<Double>.allocate(capacity: max(n, capacity * 2, 8192))
        bigger.update(from: days, count: capacity)
        days.deallocate()
        days = bigger
        capacity = max(n, capacity * 2, 8192)
    }
}

import Foundation
import ODPCore

/// The check stage: field, row and table rules, truthfulness screens, comparison with the
/// previous release, GB/T 36344 scores and the release gate, in one streaming pass.
///
/// ```swift
/// let checker = try Checker(definition: definition, context: context)
/// while let batch = try source.next(maxRows: 50_000) {
///     let kept = batch.filtered(checker.check(batch))
///     …
/// }
/// let report = checker.finish(released: profile)   // quality-report.json/.html, hold reasons, feedback list
/// ```
///
/// ## Memory
/// Fixed per column (counters, an 8,192-value reservoir per
/// outlier screen) plus 16 bytes per distinct key for `unique`, primary-key and duplicate
/// rules, and at most `problemLimit` feedback entries.
public final class Checker {
    let definition: DatasetDefinition
    let context: StageContext
    var plan: RulePlan
    let screens: ScreenPlan
    let settings: CheckSettings
    /// Entries kept in the feedback list; the rest are only counted.
    public static let problemLimit = 100_000

    var rowsChecked = 0
    var rejectedRows = 0
    var nulls: [Int]
    var sums: [Double]
    var numericCounts: [Int]
    var screenTargets: [[ScreenPlan.Target]]
    var newestDay: Double?
    var problems: [RowProblem] = []
    var problemsDropped = 0
    /// Per dimension (QualityDimension.allCases order): rows failing at least one row-level
    /// rule of it. A row is the unit the department delivers, so scores count rows.
    var rowFailures = [Int](repeating: 0, count: QualityDimension.allCases.count)
    /// The version this run will create, when the caller knows it (`compare.explain`).
    public var releaseVersion: String?
    /// Per tally: its dimension's bit when it is a row-level rule, else 0.
    let rowDimensionBits: [UInt8]
    /// Rows and feedback entries the reader could not read, from `noteUnreadable`.
    var unreadableRows = 0
    var unreadableEntries = 0
    private let summed: [Bool]
    private let timelinessFormats: [DateFormat]

    /// Throws `ODPError.definition` when the rules do not fit the definition or a code table
    /// they name is not in `context.codeTables`.
    public init(definition: DatasetDefinition, context: StageContext) throws {
        let compiler = RuleCompiler(definition: definition, codeTables: context.codeTables, knownTables: nil, runDate: context.runDate)
        compiler.compile()
        let screens = ScreenPlan(definition.screens, compiler: compiler)
        let settings = CheckSettings(definition: definition, compiler: compiler)
        let errors = compiler.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { throw ODPError.definition(errors) }
        self.definition = definition
        self.context = context
        self.plan = compiler.plan
        rowDimensionBits = Self.rowDimensionBits(compiler.plan)
        self.screens = screens
        self.settings = settings
        let n = definition.schema.fields.count
        nulls = [Int](repeating: 0, count: n)
        sums = [Double](repeating: 0, count: n)
        numericCounts = [Int](repeating: 0, count: n)
        summed = (0..<n).map { compiler.plan.summedColumns.contains($0) }
        screenTargets = [[ScreenPlan.Target]](repeating: [], count: n)
        for t in screens.targets { screenTargets[t.column].append(t) }
        if let c = settings.timelinessField {
            timelinessFormats = FieldTypeCheck.dateFormats(for: definition.schema.fields[c])
        } else { timelinessFormats = [] }
    }

    /// Checks source values (before desensitization). Returns keep[row] (false = rejected row).
    ///
    /// Rules run column-major over the batch (each compiled rule loops over all rows), so a
    /// rule's closure and state are fetched once per batch, not once per cell.
    public func check(_ batch: RowBatch) -> [Bool] {
        let rowCount = batch.rowCount, columnCount = batch.columnCount
        precondition(columnCount == definition.schema.fields.count,
                     "batch has \(columnCount) columns, dataset \(definition.id) declares \(definition.schema.fields.count)")
        var rejected = [Bool](repeating: false, count: rowCount)
        var checked = [Int](repeating: 0, count: plan.tallies.count)
        var failed = [Int](repeating: 0, count: plan.tallies.count)
        var failedDimensions = [UInt8](repeating: 0, count: rowCount)
        let sourceRows = batch.sourceRows
        batch.withCells { cells in
            func fail(_ tally: Int, _ row: Int, _ column: Int?) {
                failed[tally] += 1
                failedDimensions[row] |= rowDimensionBits[tally]
                let t = plan.tallies[tally]
                let value = column.flatMap { batch.string(row, $0) }
                if t.examples.count < 5 { t.recordExample(row: sourceRows[row]) }
                guard problems.count < Self.problemLimit else { problemsDropped += 1; return }
                problems.append(RowProblem(sourceRow: sourceRows[row], field: column.map { definition.schema.fields[$0].name } ?? t.field,
                                           rule: t.type, message: t.label, value: value))
            }
            profile(cells, rows: rowCount, sourceRows: sourceRows)
            for check in plan.nullChecks {
                checked[check.tally] += rowCount
                for row in 0..<rowCount {
                    for c in check.columns {
                        if let cell = cells.at(row, c), cell.count > 0 { continue }
                        fail(check.tally, row, nil)
                        if check.reject { rejected[row] = true }
                        break
                    }
                }
            }
            for check in plan.cellChecks {
                let test = check.test, column = check.column
                var n = 0
                for row in 0..<rowCount {
                    guard let cell = cells.at(row, column), cell.count > 0 else { continue }
                    n += 1
                    if !test(cell, row, cells) {
                        fail(check.tally, row, column)
                        if check.reject { rejected[row] = true }
                    }
                }
                checked[check.tally] += n
            }
            for check in plan.duplicateChecks {
                let outcome = check.run(cells, rows: rowCount)
                for row in 0..<rowCount where outcome[row] != 0 {
                    checked[check.tally] += 1
                    if outcome[row] == 2 {
                        fail(check.tally, row, check.columns[0])
                        if check.reject { rejected[row] = true }
                    }
                }
            }
            for check in plan.rowChecks {
                let test = check.test
                for row in 0..<rowCount {
                    let result = test(row, cells)
                    if result == nil && !check.nullFails { continue }
                    checked[check.tally] += 1
                    if result != true {
                        fail(check.tally, row, check.valueColumn)
                        if check.reject { rejected[row] = true }
                    }
                }
            }
        }
        for (i, t) in plan.tallies.enumerated() {
            t.checked += checked[i]
            t.failed += failed[i]
        }
        rowsChecked += rowCount
        countRowFailures(failedDimensions)
        var keep = [Bool](repeating: true, count: rowCount)
        var rejectedCount = 0
        for row in 0..<rowCount where rejected[row] { keep[row] = false; rejectedCount += 1 }
        rejectedRows += rejectedCount
        return keep
    }

    /// Null counts and numeric sums (for the rules), screens and the newest date, column by
    /// column, of the source values. The published profile is `ReleasedProfile`'s, not this.
    private func profile(_ cells: RowBatch.Cells, rows: Int, sourceRows: [Int]) {
        for c in 0..<cells.columnCount {
            var nullCount = 0, numeric = 0
            var sum = 0.0
            let doSum = summed[c]
            for row in 0..<rows {
                guard let cell = cells.at(row, c), cell.count > 0 else { nullCount += 1; continue }
                if doSum, let v = NumberScan.double(cell) { sum += v; numeric += 1 }
            }
            nulls[c] += nullCount
            sums[c] += sum
            numericCounts[c] += numeric
            for t in screenTargets[c] {
                for row in 0..<rows {
                    guard let cell = cells.at(row, c), cell.count > 0 else { continue }
                    screens.add(t, cell: cell, row: sourceRows[row])
                }
            }
        }
        if let c = settings.timelinessField {
            var newest = newestDay ?? -.infinity
            for row in 0..<rows {
                guard let cell = cells.at(row, c) else { continue }
                if let d = timelinessFormats.parse(cell) { newest = max(newest, CompiledExpression.dayNumber(d)) }
            }
            if newest > -.infinity { newestDay = newest }
        }
    }
}

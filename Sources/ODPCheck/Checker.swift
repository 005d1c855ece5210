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
/// let report = checker.finish()   // quality-report.json/.html, hold reasons, feedback list
/// ```
///
/// ## Memory
/// Fixed per column (counters, ≤ 50 category fingerprints, an 8,192-value reservoir per
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
    var categories: [CategoryTracker?]
    var screenTargets: [[ScreenPlan.Target]]
    var newestDay: Double?
    var problems: [RowProblem] = []
    var problemsDropped = 0
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
        self.screens = screens
        self.settings = settings
        let n = definition.schema.fields.count
        nulls = [Int](repeating: 0, count: n)
        sums = [Double](repeating: 0, count: n)
        numericCounts = [Int](repeating: 0, count: n)
        // Direct identifiers get no category profile at all: even a hash of a name in a
        // small table could be reversed with a dictionary.
        categories = definition.schema.fields.map { $0.privacyClass == .direct ? nil : CategoryTracker(keepsText: $0.privacyClass == .public) }
        summed = (0..<n).map { compiler.plan.summedColumns.contains($0) }
        screenTargets = [[ScreenPlan.Target]](repeating: [], count: n)
        for t in screens.targets { screenTargets[t.column].append(t) }
        if let c = settings.timelinessField {
            timelinessFormats = FieldTypeCheck.dateFormats(for: definition.schema.fields[c])
        } else { timelinessFormats = [] }
    }

    /// Supplies the keys of another dataset's column for `reference` rules naming it. Rules
    /// whose keys never arrive are reported as not checked.
    public func provideReference(dataset: String, field: String, values: Set<String>) {
        var set = FingerprintSet(capacity: values.count)
        for v in values { _ = set.insert(Fingerprint.hash(v)) }
        for slot in plan.references where slot.dataset == dataset && slot.field == field { slot.keys = set }
    }

    /// Checks source values (before desensitization). Returns keep[row] (false = rejected row).
    public func check(_ batch: RowBatch) -> [Bool] {
        let rowCount = batch.rowCount, columnCount = batch.columnCount
        precondition(columnCount == definition.schema.fields.count,
                     "batch has \(columnCount) columns, dataset \(definition.id) declares \(definition.schema.fields.count)")
        var keep = [Bool](repeating: true, count: rowCount)
        var checked = [Int](repeating: 0, count: plan.tallies.count)
        var failed = [Int](repeating: 0, count: plan.tallies.count)
        let cellChecks = plan.cellChecks, nullChecks = plan.nullChecks, rowChecks = plan.rowChecks
        let timeliness = settings.timelinessField
        batch.withCells { cells in
            func fail(_ tally: Int, _ row: Int, _ column: Int?) {
                failed[tally] += 1
                let t = plan.tallies[tally]
                let sourceRow = batch.sourceRows[row]
                if t.examples.count < 5 { t.recordExample(row: sourceRow, value: column.flatMap { batch.string(row, $0) }) }
                guard problems.count < Self.problemLimit else { problemsDropped += 1; return }
                problems.append(RowProblem(sourceRow: sourceRow, field: column.map { definition.schema.fields[$0].name } ?? t.field,
                                           rule: t.type, message: t.label, value: column.flatMap { batch.string(row, $0) }))
            }
            for row in 0..<rowCount {
                var rejected = false
                for c in 0..<columnCount {
                    guard let cell = cells[row, c], cell.count > 0 else { nulls[c] += 1; continue }
                    if summed[c], let v = NumberScan.double(cell) { sums[c] += v; numericCounts[c] += 1 }
                    if let tracker = categories[c] {
                        tracker.add(cell)
                        if tracker.overflowed { categories[c] = nil }
                    }
                    for t in screenTargets[c] { screens.add(t, cell: cell, row: batch.sourceRows[row]) }
                }
                for check in nullChecks {
                    checked[check.tally] += 1
                    for c in check.columns {
                        if let cell = cells[row, c], cell.count > 0 { continue }
                        fail(check.tally, row, nil)
                        if check.reject { rejected = true }
                        break
                    }
                }
                for check in cellChecks {
                    guard let cell = cells[row, check.column], cell.count > 0 else { continue }
                    checked[check.tally] += 1
                    if !check.test(cell, row, cells) {
                        fail(check.tally, row, check.column)
                        if check.reject { rejected = true }
                    }
                }
                for check in rowChecks {
                    let result = check.test(row, cells)
                    if result == nil && !check.nullFails { continue }
                    checked[check.tally] += 1
                    if result != true {
                        fail(check.tally, row, check.valueColumn)
                        if check.reject { rejected = true }
                    }
                }
                if let timeliness, let cell = cells[row, timeliness] {
                    for f in timelinessFormats {
                        if let d = f.parse(cell) { newestDay = max(newestDay ?? -.infinity, CompiledExpression.dayNumber(d)); break }
                    }
                }
                if rejected { keep[row] = false; rejectedRows += 1 }
            }
        }
        for (i, t) in plan.tallies.enumerated() {
            t.checked += checked[i]
            t.failed += failed[i]
        }
        rowsChecked += rowCount
        return keep
    }
}

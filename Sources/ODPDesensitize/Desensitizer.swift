import Foundation
import ODPCore
import Synchronization

/// The desensitization stage of one dataset: column operators, the identifier scan of
/// every outgoing cell (the release gate), k-anonymity and l-diversity, and the privacy report.
///
/// Use: `transform` every source batch (one pass), then `endFirstPass()`; when
/// `needsSecondPass`, replay the transformed batches through `suppress`; then `finish()`.
///
/// ## Edge behaviour
/// - Detector counts "after" are taken on transformed values before records are left out
///   for k-anonymity and before rare values are blanked, so they can only over-count.
/// - A value an operator cannot handle (a date that does not parse for `generalize`) is
///   blanked, never passed through, and counted in the report.
public final class Desensitizer {
    let definition: DatasetDefinition
    let context: StageContext
    let settings: PrivacySettings
    /// The compiled operators and scan settings both halves of `transform` read.
    let plan: TransformPlan
    var columns: [ColumnTransform] { plan.columns }
    /// Output columns whose value is the source value unchanged (their "after" hits are the "before" hits).
    var identity: [Bool] { plan.identity }
    /// Output columns by role.
    let quasiColumns: [Int]
    let sensitiveColumns: [Int]
    /// Output columns whose operator works after the first pass (`ColumnFinish`), with its state.
    var finishes: [(column: Int, hook: any ColumnFinish)]
    /// Allowed identifier kinds per output column, with the audited reason.
    let allowed: [[IdentifierKind: String]]
    let headerHits: [(field: Int, kind: IdentifierKind, inTitle: Bool)]

    var before: HitCounter
    var after: HitCounter
    var classes: EquivalenceClasses
    var anonymity: AnonymityResult?
    var cellsBlanked: [Int]
    var rareBlanked: [Int]
    var recordsIn = 0
    /// What `redact` removed, per row, for the department's feedback list.
    var redactions = RedactionLog()
    var recordsSuppressed = 0

    public let outputSchema: Schema

    /// - Throws: `ODPError.definition` when the definition has errors in this stage's
    ///   sections, `ODPError.usage` when a pseudonym is asked for without a key (fail closed)
    ///   or region names without the gb2260 table.
    public init(definition: DatasetDefinition, context: StageContext) throws {
        let diagnostics = Desensitizer.validate(definition, config: nil).filter { $0.severity == .error }
        guard diagnostics.isEmpty else { throw ODPError.definition(diagnostics) }
        var ignored: [Diagnostic] = []
        let settings = PrivacySettings.parse(definition.privacy, into: &ignored)
        self.definition = definition
        self.context = context
        self.settings = settings
        let scanner = IdentifierScanner(today: context.runDate)
        let source = definition.schema
        var columns: [ColumnTransform] = []
        var outFields: [FieldDefinition] = []
        for (i, field) in source.fields.enumerated() {
            let unit = field.desensitize.flatMap { OperatorRegistry.parse($0, field: field, schema: source, into: &ignored) }
            var out = field
            if let unit {
                guard let published = unit.output(field) else { continue }
                out = published
            }
            outFields.append(out)
            columns.append(try ColumnTransform(source: i, field: field, unit: unit, sourceSchema: source, context: context,
                                               marker: Array(settings.redactMarker.utf8), scanner: scanner))
        }
        outputSchema = Schema(outFields)
        let identity = columns.map(\.op.passesThrough)
        let scannedByOperator = Set(columns.filter(\.scansSource).map(\.source))
        quasiColumns = outFields.indices.filter { outFields[$0].privacyClass == .quasi }
        sensitiveColumns = outFields.indices.filter { outFields[$0].privacyClass == .sensitive }
        finishes = columns.enumerated().compactMap { i, col in col.op.finish().map { (column: i, hook: $0) } }
        allowed = outFields.map { f in
            var kinds: [IdentifierKind: String] = [:]
            for spec in f.allow {
                if let kind = IdentifierKind(rawValue: spec.type) { kinds[kind] = spec.params.reason ?? "" }
            }
            return kinds
        }
        var headers: [(Int, IdentifierKind, Bool)] = []
        for (i, f) in outFields.enumerated() {
            for (text, inTitle) in [(f.name, false), (f.title, true)] {
                for (kind, _) in scanner.scan(text) { headers.append((i, kind, inTitle)) }
            }
        }
        headerHits = headers
        let unchanged = Set(columns.indices.filter { identity[$0] }.map { columns[$0].source })
        plan = TransformPlan(
            columns: columns, identity: identity, scanner: scanner,
            sourceNameLike: source.fields.map { ChineseNames.isNameLike(name: $0.name, title: $0.title) },
            sourceCardLabelled: source.fields.map(ColumnTransform.isCardLabelled),
            beforeColumns: source.fields.indices.filter { !scannedByOperator.contains($0) },
            embedded: EmbeddedIdentifiers(schema: source),
            embeddedBefore: source.fields.indices
                .filter { EmbeddedIdentifiers.searches(source.fields[$0].type) && (source.fields[$0].privacyClass != .direct || unchanged.contains($0)) }
                .map { ($0, $0) },
            embeddedAfter: columns.indices.filter { !identity[$0] && EmbeddedIdentifiers.searches(outFields[$0].type) }.map { ($0, columns[$0].source) })
        before = HitCounter(fields: source.fields.count)
        after = HitCounter(fields: outFields.count)
        classes = EquivalenceClasses(quasi: quasiColumns, sensitive: sensitiveColumns, l: settings.l)
        cellsBlanked = Array(repeating: 0, count: outFields.count)
        rareBlanked = Array(repeating: 0, count: outFields.count)
    }

    /// Source-schema batch → output-schema batch (same rows, same `sourceRows`).
    ///
    /// The scan of the source cells ("before" counts) runs on a second core while the
    /// output is built and its changed cells are scanned. Both read only `plan`, a `Sendable`
    /// value; each hands back what it counted through its own slot, and the totals are
    /// merged here, on the calling thread, after both have finished.
    public func transform(_ batch: RowBatch) -> RowBatch {
        recordsIn += batch.rowCount
        let plan = self.plan
        let built = Mutex<TransformPlan.BuiltBatch?>(nil)
        let scanned = Mutex<HitCounter?>(nil)
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            if part == 0 {
                let result = plan.build(batch)
                built.withLock { $0 = result }
            } else {
                let result = plan.scanSource(batch)
                scanned.withLock { $0 = result }
            }
        }
        guard let output = built.withLock({ $0 }), let beforeHits = scanned.withLock({ $0 }) else {
            preconditionFailure("concurrentPerform returned before both parts ran")
        }
        before.merge(beforeHits)
        before.merge(output.sourceHits)
        after.merge(output.afterHits)
        redactions.merge(output.redactions)
        for (o, n) in output.blanked.enumerated() where n > 0 { cellsBlanked[o] += n }
        let out = output.batch
        classes.add(out)
        if !finishes.isEmpty {
            out.withCells { cells in
                for i in finishes.indices {
                    let c = finishes[i].column
                    for r in 0..<out.rowCount where !cells.isNullCell(r, c) { finishes[i].hook.count(cells, row: r, column: c) }
                }
            }
        }
        return out
    }

    /// Whether the pipeline must spool transformed batches and replay them through
    /// `suppress` after `endFirstPass()`: k-anonymity or l-diversity is enforced, or an
    /// operator works after the first pass (blanks rare values). Known before the first pass,
    /// since spooling starts there.
    public var needsSecondPass: Bool {
        ((settings.k != nil || settings.l != nil) && !quasiColumns.isEmpty) || !finishes.isEmpty
    }

    public func endFirstPass() {
        guard anonymity == nil else { return }
        anonymity = quasiColumns.isEmpty ? AnonymityResult() : AnonymityResult(classes, k: settings.k, l: settings.l)
    }

    /// Output-schema batch minus records in too-small (or not diverse) classes, with rare
    /// values blanked. Call after `endFirstPass()`.
    public func suppress(_ batch: RowBatch) -> RowBatch {
        endFirstPass()
        let keys = anonymity?.suppressedKeys ?? []
        guard !keys.isEmpty || !finishes.isEmpty else { return batch }
        var keep = [Bool](repeating: true, count: batch.rowCount)
        var blank = [Bool](repeating: false, count: batch.rowCount * batch.columnCount)
        batch.withCells { cells in
            for r in 0..<batch.rowCount {
                if !keys.isEmpty, keys.contains(EquivalenceClasses.hash(cells, row: r, columns: quasiColumns)) {
                    keep[r] = false
                    recordsSuppressed += 1
                    continue
                }
                for (c, hook) in finishes where !cells.isNullCell(r, c) {
                    if hook.blanks(cells, row: r, column: c) {
                        blank[r * batch.columnCount + c] = true
                        rareBlanked[c] += 1
                    }
                }
            }
        }
        guard !finishes.isEmpty else { return batch.filtered(keep) }
        var out = RowBatch(columnCount: batch.columnCount, rowCapacity: batch.rowCount, byteCapacity: batch.byteCount)
        for r in 0..<batch.rowCount where keep[r] {
            for c in 0..<batch.columnCount {
                if blank[r * batch.columnCount + c] { out.appendNull() } else { out.appendCell(from: batch, row: r, column: c) }
            }
            out.endRow(sourceRow: batch.sourceRows[r])
        }
        return out
    }
}

extension RowBatch.Cells {
    @inline(__always) func isNullCell(_ row: Int, _ column: Int) -> Bool { lengths[row * columnCount + column] < 0 }
}

extension ConfigValue {
    /// The `reason:` of an `allow` entry.
    var reason: String? {
        guard case .map(let entries, _) = self else { return nil }
        return entries.first { $0.key == "reason" }?.value.scalar
    }
}

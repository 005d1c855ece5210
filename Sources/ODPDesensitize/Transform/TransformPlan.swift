import Foundation
import ODPCore

/// What both halves of `Desensitizer.transform` read: the compiled operators and the scan
/// settings, fixed when the stage is built. A `Sendable` value, so the compiler checks that
/// neither half can write it; each half returns what it counted (`BuiltBatch`, a
/// `HitCounter`) and only the calling thread merges those into the stage's totals.
struct TransformPlan: Sendable {
    let columns: [ColumnTransform]
    /// Output columns whose value is the source value unchanged (their "after" hits are the "before" hits).
    let identity: [Bool]
    let scanner: IdentifierScanner
    /// Source fields, as scanned for the "before" counts.
    let sourceNameLike: [Bool]
    let sourceCardLabelled: [Bool]
    /// Source columns the parallel "before" scan reads: all but those whose operator scans
    /// them anyway (`redact`), whose hits the build counts.
    let beforeColumns: [Int]
    /// The same-row check for direct values inside other cells, and the text columns it reads
    /// with the source column each is made from: "before" every source column but the direct
    /// ones that are dropped or changed (their output, if any, is read "after"); "after" the
    /// changed columns (identity ones take their "before" hits).
    let embedded: EmbeddedIdentifiers
    let embeddedBefore: [(column: Int, origin: Int)]
    let embeddedAfter: [(column: Int, origin: Int)]

    /// One batch's output with what building it counted.
    struct BuiltBatch: Sendable {
        var batch: RowBatch
        /// Hits of operators that scan their source (`redact`), per source field.
        var sourceHits: HitCounter
        /// Hits in changed output cells, per output field.
        var afterHits: HitCounter
        /// Per output column: cells an operator could not handle and blanked.
        var blanked: [Int]
        /// What `redact` removed, per row and field, for the department's feedback list.
        var redactions = RedactionLog()
    }

    /// Applies the operators and scans each changed output cell ("after" counts) as it is
    /// made. Operators that scan their source report those hits to `sourceHits`; a cell such
    /// an operator left unchanged was just scanned clean with the same settings, so it is not
    /// scanned again.
    func build(_ batch: RowBatch) -> BuiltBatch {
        var built = BuiltBatch(batch: RowBatch(columnCount: columns.count, rowCapacity: batch.rowCount, byteCapacity: batch.byteCount),
                               sourceHits: HitCounter(fields: batch.columnCount), afterHits: HitCounter(fields: columns.count),
                               blanked: Array(repeating: 0, count: columns.count))
        fill(batch, &built)
        return built
    }

    /// `built` is an inout parameter, not a local the closures below capture: a captured
    /// local is boxed and every access to it checked at run time (callgrind: 150M
    /// instructions on the 100k-row job), an inout parameter is checked by the compiler.
    private func fill(_ batch: RowBatch, _ built: inout BuiltBatch) {
        var scratch: [UInt8] = []
        scratch.reserveCapacity(512)
        let sources = columns.map(\.source)
        batch.withCells { cells in
            for r in 0..<batch.rowCount {
                let row = batch.sourceRows[r]
                for o in 0..<sources.count {
                    // Most columns pass through: copy without touching the operator.
                    if identity[o] {
                        if let cell = cells[r, sources[o]] { built.batch.appendCell(cell) } else { built.batch.appendNull() }
                        continue
                    }
                    let col = columns[o]
                    scratch.removeAll(keepingCapacity: true)
                    let result = col.apply(cells, row: r, out: &scratch) { kind in
                        built.sourceHits.add(field: col.source, kind: kind, row: row)
                        built.redactions.add(row: row, field: col.source, kind: kind)
                    }
                    func scanAfter(_ cell: UnsafeBufferPointer<UInt8>) {
                        guard !cell.isEmpty else { return }
                        scanner.scan(cell, nameLike: col.nameLike, cardLabelled: col.cardLabelled) { kind, _ in
                            built.afterHits.add(field: o, kind: kind, row: row)
                        }
                    }
                    switch result {
                    case .copy:
                        guard let cell = cells[r, col.source] else { built.batch.appendNull(); continue }
                        if !col.scansSource { scanAfter(cell) }
                        built.batch.appendCell(cell)
                    case .null:
                        if !cells.isNullCell(r, col.source) { built.blanked[o] += 1 }
                        built.batch.appendNull()
                    case .scratch:
                        scratch.withUnsafeBufferPointer { cell in
                            scanAfter(cell)
                            built.batch.appendCell(cell)
                        }
                    }
                }
                built.batch.endRow(sourceRow: row)
            }
        }
        scanEmbedded(batch, output: built.batch, into: &built.afterHits)
    }

    /// The "before" counts of a source batch: every cell of `beforeColumns`, and direct
    /// values found in other cells of the same row.
    func scanSource(_ batch: RowBatch) -> HitCounter {
        var hits = HitCounter(fields: batch.columnCount)
        scan(batch, columns: beforeColumns, nameLike: sourceNameLike, cardLabelled: sourceCardLabelled, into: &hits)
        scanEmbedded(batch, into: &hits)
        return hits
    }

    /// Direct values of `batch` found in other cells of the same row: of `batch` itself
    /// ("before"), or of `output` (see `EmbeddedIdentifiers`).
    private func scanEmbedded(_ batch: RowBatch, output: RowBatch? = nil, into counter: inout HitCounter) {
        guard !embedded.direct.isEmpty else { return }
        batch.sourceRows.withUnsafeBufferPointer { rows in
            batch.withCells { cells in
                guard let output else {
                    embedded.scan(source: cells, target: cells, columns: embeddedBefore, rowCount: batch.rowCount, sourceRows: rows, into: &counter)
                    return
                }
                output.withCells { outCells in
                    embedded.scan(source: cells, target: outCells, columns: embeddedAfter, rowCount: batch.rowCount, sourceRows: rows, into: &counter)
                }
            }
        }
    }

    private func scan(_ batch: RowBatch, columns: [Int], nameLike: [Bool], cardLabelled: [Bool], into counter: inout HitCounter) {
        let scanner = self.scanner
        let rowCount = batch.rowCount
        batch.sourceRows.withUnsafeBufferPointer { sourceRows in
            batch.withCells { cells in
                // Row-major, the order cells lie in the buffer: column by column measured 3× slower.
                for r in 0..<rowCount {
                    for c in columns {
                        guard let cell = cells[r, c], !cell.isEmpty else { continue }
                        // The closure captures only trivial values, so no reference counting per cell.
                        scanner.scan(cell, nameLike: nameLike[c], cardLabelled: cardLabelled[c]) { kind, _ in
                            counter.add(field: c, kind: kind, row: sourceRows[r])
                        }
                    }
                }
            }
        }
    }
}

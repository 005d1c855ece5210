import Foundation
import ODPCore

/// What reconciliation found and repaired in the staging copy, by kind.
public struct Reconciliation: Sendable, Equatable {
    /// Rows gone from the source without a deletion flag: deleted from the release.
    public var hardDeletes = 0
    /// Rows changed (or added, or flagged deleted) with a watermark the read window did not
    /// reach: older than the stored one, or moved backwards.
    public var lateWrites = 0
    /// Rows whose watermark is empty, held in the staging copy (`null_watermark: changed`,
    /// read on every run) or found changed here.
    public var nullWatermarks = 0
    /// Rows whose content changed while their watermark stayed the same.
    public var drift = 0
    /// Key ranges compared at the first level, and the finest ranges that differed.
    public var rangesCompared = 0
    public var rangesDiffering = 0
    /// Rows read again from the source to settle the differing ranges.
    public var rowsReread = 0

    public init() {}

    /// Counts by kind slug, for the audit trail and the run report.
    public var byKind: [String: Int] {
        ["hard_delete": hardDeletes, "late_write": lateWrites, "null_watermark": nullWatermarks, "drift": drift]
    }
}

/// Compares the source with the staging copy by key ranges and repairs what differs.
///
/// SQL sources: the source's database and the staging store each compute per-range checksums
/// (`RowDigest`) over 256 ranges of the key digest; ranges that differ are split into 256
/// more; only rows of the finest differing ranges are read again, from both sides in
/// key-digest order, and merged row by row, so memory stays at a batch whatever the table's
/// size. When more than `maxRanges` ranges differ, the whole table is merged that way instead
/// (one sorted read each side rather than a query naming thousands of ranges).
/// File sources have no database to ask: the whole file is read (it is anyway) and compared
/// by key with the staging copy, which is what the previous release was made from.
///
/// ## Edge behaviour
/// - Repairs go into the staging copy in one transaction (`StagingStore.merge`).
/// - A source row the reader leaves out for an empty watermark (`reject`, `fail`) is removed
///   from the copy and counted as `null_watermark`, not as a hard delete.
public enum Reconciler {
    static let maxRanges = 4096

    public static func reconcile(_ definition: DatasetDefinition, staging: StagingStore,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Reconciliation {
        var found = Reconciliation()
        var compare = Comparison(definition)
        if let sums = try SourceChecksums.open(definition, environment: environment) {
            defer { sums.close() }
            let top = try differing(sums.checksums(width: 2, within: nil), staging.checksums(width: 2, within: nil), compared: &found.rangesCompared)
            var leaves: [String] = []
            if !top.isEmpty {
                var ignored = 0
                leaves = try differing(sums.checksums(width: 4, within: top), staging.checksums(width: 4, within: top), compared: &ignored)
            }
            found.rangesDiffering = leaves.count
            if !leaves.isEmpty {
                let ranges = leaves.count > maxRanges ? nil : leaves
                let source = try Extractor.open(definition, windowStart: nil, filter: ranges.map(sums.filter), order: sums.order,
                                                environment: environment)
                defer { source.close() }
                try compare.merge(source: source, staged: try staging.reader(inRanges: ranges))
            }
        } else {
            let source = try Extractor.open(definition, windowStart: nil, environment: environment)
            defer { source.close() }
            try compare.byKey(source: source, staged: try staging.reader(inRanges: nil))
        }
        try staging.merge(compare.repair)
        found.hardDeletes = compare.found.hardDeletes
        found.lateWrites = compare.found.lateWrites
        found.nullWatermarks = compare.found.nullWatermarks
        found.drift = compare.found.drift
        found.rowsReread = compare.found.rowsReread
        if let watermark = definition.source.incremental?.watermark, definition.schema.index(of: watermark) != nil,
           definition.source.incremental?.nullWatermark == .changed {
            found.nullWatermarks += try staging.countNull(watermark)
        }
        return found
    }

    /// Ranges whose checksums differ, either side missing included.
    private static func differing(_ a: [String: String], _ b: [String: String], compared: inout Int) -> [String] {
        let all = Set(a.keys).union(b.keys)
        compared = all.count
        return all.filter { a[$0] != b[$0] }.sorted()
    }
}

/// One comparison of source rows with staged rows: what differs, by kind, and the repair.
struct Comparison {
    let keyColumns: [Int]
    let allColumns: [Int]
    let watermarkColumn: Int?
    var found = Reconciliation()
    let repair: BufferedRows
    /// Keys only the staging copy holds, settled once the source is read (flagged or withheld rows).
    private var gone: [String] = []

    init(_ definition: DatasetDefinition) {
        let schema = definition.schema
        keyColumns = definition.primaryKey.compactMap { schema.index(of: $0) }
        allColumns = Array(schema.fields.indices)
        watermarkColumn = definition.source.incremental.flatMap { schema.index(of: $0.watermark) }
        repair = BufferedRows(columnCount: schema.fields.count)
    }

    private func key(_ batch: RowBatch, _ row: Int) -> [UInt8] { RowDigest.text(batch, row: row, columns: keyColumns) }
    private func digest(_ batch: RowBatch, _ row: Int) -> String { RowDigest.hex(RowDigest.text(batch, row: row, columns: allColumns)) }

    /// A source row that is new or differs from the staged one (`staged`: its watermark, nil when
    /// the copy lacks the row).
    private mutating func changed(_ batch: RowBatch, _ row: Int, stagedWatermark: String??) {
        let watermark = watermarkColumn.flatMap { batch.string(row, $0) }
        if watermarkColumn != nil, watermark == nil {
            found.nullWatermarks += 1
        } else if let held = stagedWatermark, held == watermark {
            found.drift += 1
        } else {
            found.lateWrites += 1
        }
        repair.append(batch, row: row)
    }

    /// Both sides in key-digest order, merged.
    mutating func merge(source: RowSource, staged: RowSource) throws {
        defer { staged.close() }
        let s = try DigestCursor(source, keyColumns: keyColumns), c = try DigestCursor(staged, keyColumns: keyColumns)
        while s.batch != nil || c.batch != nil {
            let order: Int
            if s.batch == nil { order = 1 } else if c.batch == nil { order = -1 } else { order = s.compare(c) }
            if order < 0 {
                found.rowsReread += 1
                changed(s.batch!, s.row, stagedWatermark: nil)
                try s.advance()
            } else if order > 0 {
                gone.append(String(decoding: c.keyText, as: UTF8.self))
                try c.advance()
            } else {
                found.rowsReread += 1
                if digest(s.batch!, s.row) != digest(c.batch!, c.row) {
                    changed(s.batch!, s.row, stagedWatermark: .some(watermarkColumn.flatMap { c.batch!.string(c.row, $0) }))
                }
                try s.advance()
                try c.advance()
            }
        }
        settle(source)
    }

    /// The staging copy in memory by key, every source row looked up (files, in file order).
    mutating func byKey(source: RowSource, staged: RowSource) throws {
        var copy: [[UInt8]: (digest: String, watermark: String?)] = [:]
        defer { staged.close() }
        while let batch = try staged.next(maxRows: 4096) {
            for row in 0..<batch.rowCount { copy[key(batch, row)] = (digest(batch, row), watermarkColumn.flatMap { batch.string(row, $0) }) }
        }
        while let batch = try source.next(maxRows: 4096) {
            found.rowsReread += batch.rowCount
            for row in 0..<batch.rowCount {
                let held = copy.removeValue(forKey: key(batch, row))
                if held?.digest != digest(batch, row) { changed(batch, row, stagedWatermark: held.map { $0.watermark }) }
            }
        }
        gone = copy.keys.map { String(decoding: $0, as: UTF8.self) }.sorted()
        settle(source)
    }

    /// Staged keys the source no longer gives: flagged deleted (a late write), withheld for an
    /// empty watermark, or gone outright (a hard delete). All leave the copy.
    private mutating func settle(_ source: RowSource) {
        let flagged = Set(source.deletedKeys.map { $0.joined(separator: "\u{1F}") })
        let withheld = Set((source as? ProjectingSource)?.projection?.nullWatermarkKeys ?? [])
        for key in gone {
            if flagged.contains(key) {
                found.lateWrites += 1
            } else if withheld.contains(key) {
                found.nullWatermarks += 1
            } else {
                found.hardDeletes += 1
            }
            repair.deletedKeys.append(key.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init))
        }
    }
}

/// Walks a source row by row with each row's key text and digest, for the sorted merge.
final class DigestCursor {
    private let source: RowSource
    private let keyColumns: [Int]
    private(set) var batch: RowBatch?
    private(set) var row = 0
    private(set) var keyText: [UInt8] = []
    private var keyDigest = ""

    init(_ source: RowSource, keyColumns: [Int]) throws {
        self.source = source
        self.keyColumns = keyColumns
        try load()
    }

    func advance() throws {
        row += 1
        if let batch, row < batch.rowCount { describe() } else { try load() }
    }

    private func load() throws {
        batch = nil
        row = 0
        while let next = try source.next(maxRows: 4096) {
            if next.rowCount > 0 { batch = next; describe(); return }
        }
    }

    private func describe() {
        keyText = RowDigest.text(batch!, row: row, columns: keyColumns)
        keyDigest = RowDigest.hex(keyText)
    }

    /// Digest order, then the key text (two keys sharing a digest stay apart).
    func compare(_ other: DigestCursor) -> Int {
        if keyDigest != other.keyDigest { return keyDigest < other.keyDigest ? -1 : 1 }
        if keyText == other.keyText { return 0 }
        return keyText.lexicographicallyPrecedes(other.keyText) ? -1 : 1
    }
}

/// Rows and deletions held in memory, replayed as a source (reconciliation's repairs).
final class BufferedRows: RowSource {
    private var batches: [RowBatch] = []
    private var current: RowBatch
    var deletedKeys: [[String]] = []
    var problems: [RowProblem] { [] }
    var watermark: String? { nil }

    init(columnCount: Int) { current = RowBatch(columnCount: columnCount) }

    func append(_ batch: RowBatch, row: Int) {
        for c in 0..<batch.columnCount { current.appendCell(from: batch, row: row, column: c) }
        current.endRow(sourceRow: batch.sourceRows[row])
        if current.rowCount >= 4096 {
            batches.append(current)
            current = RowBatch(columnCount: current.columnCount)
        }
    }

    func next(maxRows: Int) throws -> RowBatch? {
        if current.rowCount > 0 {
            batches.append(current)
            current = RowBatch(columnCount: current.columnCount)
        }
        return batches.isEmpty ? nil : batches.removeFirst()
    }

    func close() { batches = [] }
}

import Foundation
import ODPCore

/// The profile of what a release publishes: row count, null rates, sums and means, and the
/// categories of low-cardinality fields, taken from the OUTPUT batches as they are written.
///
/// It is published in quality-report.json and compared with the previous release's, so it
/// must hold released values only: rejected rows and the source values of desensitized
/// fields never reach it. Category texts are kept only for public fields that no operator
/// changes; every other field is profiled by fingerprint alone.
///
/// Fed on the packaging thread, one batch at a time; read once with `profile` at the end.
public final class ReleasedProfile {
    let schema: Schema
    private var rows = 0
    private var nulls: [Int]
    private var sums: [Double]
    private var numericCounts: [Int]
    private var categories: [CategoryTracker?]
    private let numeric: [Bool]

    /// - Parameter schema: the output schema (after desensitization); column i of each batch is field i.
    public init(schema: Schema) {
        self.schema = schema
        let n = schema.fields.count
        nulls = [Int](repeating: 0, count: n)
        sums = [Double](repeating: 0, count: n)
        numericCounts = [Int](repeating: 0, count: n)
        numeric = schema.fields.map { $0.type == .integer || $0.type == .number }
        // Direct identifiers get no category profile at all: even a fingerprint of a masked
        // name in a small table could be matched against a dictionary.
        categories = schema.fields.map { field in
            field.privacyClass == .direct ? nil : CategoryTracker(keepsText: Self.keepsText(field))
        }
    }

    /// Public, and published as the source gave it: only then may a category's text appear
    /// in a report. A redacted, masked or generalized field is described by fingerprints.
    static func keepsText(_ field: FieldDefinition) -> Bool {
        field.privacyClass == .public && field.desensitize == nil
    }

    public func add(_ batch: RowBatch) {
        precondition(batch.columnCount == schema.fields.count, "released batch has \(batch.columnCount) columns, schema \(schema.fields.count)")
        let count = batch.rowCount
        batch.withCells { cells in
            for c in 0..<cells.columnCount {
                var nullCount = 0, numericCount = 0
                var sum = 0.0
                let doSum = numeric[c]
                let tracker = categories[c]
                for row in 0..<count {
                    guard let cell = cells.at(row, c), cell.count > 0 else { nullCount += 1; continue }
                    if doSum, let v = NumberScan.double(cell) { sum += v; numericCount += 1 }
                    tracker?.add(cell)
                }
                if let tracker, tracker.overflowed { categories[c] = nil }
                nulls[c] += nullCount
                sums[c] += sum
                numericCounts[c] += numericCount
            }
        }
        rows += count
    }

    var profile: DatasetProfile {
        let fields = schema.fields.enumerated().map { c, f -> FieldProfile in
            var cats: [String: (count: Int, value: String?)]?
            if let tracker = categories[c], !tracker.overflowed {
                cats = [:]
                for (h, n) in tracker.counts { cats![FieldProfile.key(h)] = (n, tracker.samples[h]) }
            }
            return FieldProfile(name: f.name, type: f.type.rawValue, nonNull: rows - nulls[c],
                                nullRate: rows == 0 ? 0 : Double(nulls[c]) / Double(rows),
                                sum: numeric[c] ? sums[c] : nil,
                                mean: numeric[c] && numericCounts[c] > 0 ? sums[c] / Double(numericCounts[c]) : nil,
                                categories: cats)
        }
        return DatasetProfile(rowCount: rows, fields: fields)
    }
}

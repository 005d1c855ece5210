import Foundation
import ODPCore

/// Up to 50 distinct values of a low-cardinality field, by deterministic fingerprint; the
/// text is kept only where `keepsText` (see `ReleasedProfile.keepsText`). Tracking stops for good at the 51st value, so
/// high-cardinality columns (IDs, names, amounts) cost one hash per cell until then.
final class CategoryTracker {
    static let limit = 50
    private static let slots = 128
    // Raw memory, not class `var` arrays: no exclusivity check per cell.
    private let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: CategoryTracker.slots)
    private let tallies = UnsafeMutablePointer<Int>.allocate(capacity: CategoryTracker.slots + 2)
    private var distinct: Int { get { tallies[Self.slots] } set { tallies[Self.slots] = newValue } }
    var samples: [UInt64: String] = [:]
    let keepsText: Bool
    var overflowed: Bool { tallies[Self.slots + 1] != 0 }

    init(keepsText: Bool) {
        self.keepsText = keepsText
        hashes.initialize(repeating: 0, count: Self.slots)
        tallies.initialize(repeating: 0, count: Self.slots + 2)
    }

    deinit { hashes.deallocate(); tallies.deallocate() }

    /// Counts by fingerprint (a zero fingerprint is folded into 1; harmless for a profile).
    var counts: [UInt64: Int] {
        var out: [UInt64: Int] = [:]
        for i in 0..<Self.slots where tallies[i] > 0 { out[hashes[i]] = tallies[i] }
        return out
    }

    @inline(__always)
    func add(_ cell: UnsafeBufferPointer<UInt8>) {
        var h = Fingerprint.hash(cell)
        if h == 0 { h = 1 }
        var i = Int(truncatingIfNeeded: h) & (Self.slots - 1)
        while true {
            let v = hashes[i]
            if v == h { tallies[i] += 1; return }
            if v == 0 { break }
            i = (i + 1) & (Self.slots - 1)
        }
        guard distinct < Self.limit else { tallies[Self.slots + 1] = 1; samples = [:]; return }
        hashes[i] = h
        tallies[i] = 1
        distinct += 1
        if keepsText { samples[h] = String(decoding: cell, as: UTF8.self) }
    }
}

/// The profile of one field kept for the next run's comparison.
struct FieldProfile {
    var name: String
    var type: String
    var nonNull: Int
    var nullRate: Double
    var sum: Double?
    var mean: Double?
    /// fingerprint key (see `key`) → (count, text when public); nil when the field is not low-cardinality.
    var categories: [String: (count: Int, value: String?)]?

    /// A category's fingerprint as 16 letters `a`–`p`, one per nibble. Not hex: hex digits of a
    /// 64-bit hash hold runs like `13812214268` that any scanner of the published report takes
    /// for a phone number.
    static func key(_ h: UInt64) -> String {
        String(decoding: (0..<16).map { UInt8(ascii: "a") + UInt8(truncatingIfNeeded: h >> (60 - 4 * $0)) & 0x0F }, as: UTF8.self)
    }

    var artifact: QualityProfile.Field {
        let list = categories.map { table in
            table.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.map { QualityProfile.Category(hash: $0.key, count: $0.value.count, value: $0.value.value) }
        }
        return QualityProfile.Field(name: name, type: type, nonNull: nonNull, nullRate: Report.round(nullRate), sum: sum.map(Report.round),
                                    mean: mean.map(Report.round), categories: list)
    }

    init(name: String, type: String, nonNull: Int, nullRate: Double, sum: Double?, mean: Double?,
         categories: [String: (count: Int, value: String?)]?) {
        self.name = name; self.type = type; self.nonNull = nonNull; self.nullRate = nullRate
        self.sum = sum; self.mean = mean; self.categories = categories
    }

    /// - Parameter legacy: written before profiles described released values, with hex keys.
    init(_ field: QualityProfile.Field, legacy: Bool) {
        name = field.name
        type = field.type
        nonNull = field.nonNull
        nullRate = field.nullRate
        sum = field.sum
        mean = field.mean
        categories = field.categories.map { list in
            var c: [String: (count: Int, value: String?)] = [:]
            for item in list {
                if legacy {
                    // Its texts may be values that were never released: keep only the fingerprint.
                    if let fingerprint = UInt64(item.hash, radix: 16) { c[Self.key(fingerprint)] = (item.count, nil) }
                } else {
                    c[item.hash] = (item.count, item.value)
                }
            }
            return c
        }
    }
}

/// The dataset profile written under `profile` in quality-report.json.
struct DatasetProfile {
    /// What the counts describe. `released`: the published rows and values. Profiles written
    /// before this existed described source values; their category texts are never shown again.
    static let releasedBasis = "released"

    var rowCount: Int
    var fields: [FieldProfile]

    var artifact: QualityProfile {
        QualityProfile(basis: Self.releasedBasis, rowCount: rowCount, fields: fields.map(\.artifact))
    }

    init(rowCount: Int, fields: [FieldProfile]) { self.rowCount = rowCount; self.fields = fields }

    init(_ profile: QualityProfile) {
        rowCount = profile.rowCount
        let legacy = profile.basis != Self.releasedBasis
        fields = profile.fields.map { FieldProfile($0, legacy: legacy) }
    }

    /// The profile in a previous release's quality-report.json; nil when there is none.
    /// - Throws: when the report cannot be read (damaged, or written by a newer odp).
    static func load(previousRelease: URL?) throws -> DatasetProfile? {
        guard let dir = previousRelease, let report = try QualityReport.read(release: dir) else { return nil }
        return report.profile.map(DatasetProfile.init)
    }
}

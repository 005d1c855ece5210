import Foundation

/// The profile of what a release publishes, kept under `profile` in quality-report.json so
/// the next run can compare with it: row count, null rates, sums and means, and the
/// categories of low-cardinality fields (by fingerprint; the text only for public fields
/// published as the source gave them).
public struct QualityProfile: Codable, Sendable, Hashable {
    /// What the counts describe: `released` values. Profiles without it described source
    /// values with hex fingerprints; ODPCheck keeps only their fingerprints.
    public var basis: String?
    public var rowCount: Int
    public var fields: [Field]

    public init(basis: String?, rowCount: Int, fields: [Field]) {
        self.basis = basis
        self.rowCount = rowCount
        self.fields = fields
    }

    enum CodingKeys: String, CodingKey {
        case basis, fields
        case rowCount = "row_count"
    }

    public struct Field: Codable, Sendable, Hashable {
        public var name: String
        public var type: String
        public var nonNull: Int
        public var nullRate: Double
        public var sum: Double?
        public var mean: Double?
        /// Nil when the field is not low-cardinality (or is a direct identifier).
        public var categories: [Category]?

        public init(name: String, type: String, nonNull: Int, nullRate: Double, sum: Double?, mean: Double?, categories: [Category]?) {
            self.name = name
            self.type = type
            self.nonNull = nonNull
            self.nullRate = nullRate
            self.sum = sum
            self.mean = mean
            self.categories = categories
        }

        enum CodingKeys: String, CodingKey {
            case name, type, sum, mean, categories
            case nonNull = "non_null"
            case nullRate = "null_rate"
        }
    }

    public struct Category: Codable, Sendable, Hashable {
        /// The value's fingerprint (16 letters a–p; hex in legacy profiles).
        public var hash: String
        public var count: Int
        /// The text, only where the field may show it.
        public var value: String?

        public init(hash: String, count: Int, value: String?) {
            self.hash = hash
            self.count = count
            self.value = value
        }
    }
}

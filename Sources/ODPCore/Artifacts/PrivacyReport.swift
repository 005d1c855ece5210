import Foundation

/// privacy-report.json: how each field was desensitized, identifiers found before and after,
/// k-anonymity and l-diversity, and why the release is held. It names fields, kinds, counts
/// and row numbers, never a value. Written by ODPDesensitize; read by the portal.
public struct PrivacyReport: Artifact, Hashable {
    public static let artifactName = "privacy-report.json"
    public static let schemaVersion = 1
    public static let fileName = "privacy-report.json"

    public var dataset: String
    public var definitionHash: String
    /// With the format version, says which pseudonyms can be joined (both must match); null
    /// when no field is pseudonymized.
    @Nullable public var pseudonymKeyId: String?
    @Nullable public var pseudonymFormatVersion: Int?
    /// `YYYY-MM-DD`.
    public var runDate: String
    public var recordsIn: Int
    public var recordsOut: Int
    public var fields: [Field]
    public var identifierHits: IdentifierHits
    public var headerHits: [HeaderHit]
    public var holdReasons: [String]
    public var kAnonymity: KAnonymity
    public var lDiversity: LDiversity

    public init(dataset: String, definitionHash: String, pseudonymKeyId: String?, pseudonymFormatVersion: Int?, runDate: String,
                recordsIn: Int, recordsOut: Int, fields: [Field], identifierHits: IdentifierHits, headerHits: [HeaderHit],
                holdReasons: [String], kAnonymity: KAnonymity, lDiversity: LDiversity) {
        self.dataset = dataset
        self.definitionHash = definitionHash
        self.pseudonymKeyId = pseudonymKeyId
        self.pseudonymFormatVersion = pseudonymFormatVersion
        self.runDate = runDate
        self.recordsIn = recordsIn
        self.recordsOut = recordsOut
        self.fields = fields
        self.identifierHits = identifierHits
        self.headerHits = headerHits
        self.holdReasons = holdReasons
        self.kAnonymity = kAnonymity
        self.lDiversity = lDiversity
    }

    enum CodingKeys: String, CodingKey {
        case dataset, fields
        case definitionHash = "definition_hash"
        case pseudonymKeyId = "pseudonym_key_id"
        case pseudonymFormatVersion = "pseudonym_format_version"
        case runDate = "run_date"
        case recordsIn = "records_in"
        case recordsOut = "records_out"
        case identifierHits = "identifier_hits"
        case headerHits = "header_hits"
        case holdReasons = "hold_reasons"
        case kAnonymity = "k_anonymity"
        case lDiversity = "l_diversity"
    }

    /// A source field: its privacy class, operator and what the release holds of it.
    public struct Field: Codable, Sendable, Hashable {
        public var name: String
        public var title: String
        /// `direct`, `quasi`, `sensitive` or `public`.
        public var privacyClass: String
        public var `operator`: String?
        /// The operator's parameters, minus those that may hold data values.
        public var parameters: [String: String]?
        /// Nil when the field is not published.
        public var outputType: String?
        public var cellsBlanked: Int?
        public var rareValuesBlanked: Int?
        /// How it was desensitized, in Chinese, for the data dictionary.
        public var note: String?
        /// `false` when the release drops the field; absent otherwise.
        public var published: Bool?

        public init(name: String, title: String, privacyClass: String, operator op: String? = nil, parameters: [String: String]? = nil,
                    outputType: String? = nil, cellsBlanked: Int? = nil, rareValuesBlanked: Int? = nil, note: String? = nil,
                    published: Bool? = nil) {
            self.name = name
            self.title = title
            self.privacyClass = privacyClass
            self.operator = op
            self.parameters = parameters
            self.outputType = outputType
            self.cellsBlanked = cellsBlanked
            self.rareValuesBlanked = rareValuesBlanked
            self.note = note
            self.published = published
        }

        enum CodingKeys: String, CodingKey {
            case name, title, parameters, note, published
            case privacyClass = "class"
            case `operator` = "operator"
            case outputType = "output_type"
            case cellsBlanked = "cells_blanked"
            case rareValuesBlanked = "rare_values_blanked"
        }

        public var isPublished: Bool { published != false }
    }

    public struct IdentifierHits: Codable, Sendable, Hashable {
        /// In the source values (source field names).
        public var before: [IdentifierHit]
        /// In the released values (output field names), each allowed or not.
        public var after: [IdentifierHit]

        public init(before: [IdentifierHit], after: [IdentifierHit]) {
            self.before = before
            self.after = after
        }
    }

    public struct IdentifierHit: Codable, Sendable, Hashable {
        public var field: String
        /// An identifier kind slug (`mobile`, `id_card`, `person_name`, …).
        public var kind: String
        public var count: Int
        /// The source row it was first seen in.
        public var firstRow: Int
        /// For `embedded`: the direct fields whose values were found.
        public var embeddedFields: [String]?
        /// Released hits only: the definition allows this kind in this field (with why).
        public var allowed: Bool?
        public var reason: String?

        public init(field: String, kind: String, count: Int, firstRow: Int, embeddedFields: [String]? = nil,
                    allowed: Bool? = nil, reason: String? = nil) {
            self.field = field
            self.kind = kind
            self.count = count
            self.firstRow = firstRow
            self.embeddedFields = embeddedFields
            self.allowed = allowed
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case field, kind, count, allowed, reason
            case firstRow = "first_row"
            case embeddedFields = "embedded_fields"
        }
    }

    /// An identifier in a field's name or title.
    public struct HeaderHit: Codable, Sendable, Hashable {
        public var field: String
        public var kind: String
        /// `name` or `title`.
        public var `in`: String

        public init(field: String, kind: String, in place: String) {
            self.field = field
            self.kind = kind
            self.in = place
        }
    }

    public struct KAnonymity: Codable, Sendable, Hashable {
        public var quasiIdentifiers: [String]
        @Nullable public var kTarget: Int?
        @Nullable public var kAchieved: Int?
        public var maxSuppression: Double
        public var equivalenceClasses: Int
        public var recordsSuppressed: Int
        public var suppressedShare: Double
        public var shareBelowK: Double
        /// Re-identification risk; only with quasi-identifiers.
        public var risk: Risk?

        public init(quasiIdentifiers: [String], kTarget: Int?, kAchieved: Int?, maxSuppression: Double, equivalenceClasses: Int,
                    recordsSuppressed: Int, suppressedShare: Double, shareBelowK: Double, risk: Risk?) {
            self.quasiIdentifiers = quasiIdentifiers
            self.kTarget = kTarget
            self.kAchieved = kAchieved
            self.maxSuppression = maxSuppression
            self.equivalenceClasses = equivalenceClasses
            self.recordsSuppressed = recordsSuppressed
            self.suppressedShare = suppressedShare
            self.shareBelowK = shareBelowK
            self.risk = risk
        }

        enum CodingKeys: String, CodingKey {
            case risk
            case quasiIdentifiers = "quasi_identifiers"
            case kTarget = "k_target"
            case kAchieved = "k_achieved"
            case maxSuppression = "max_suppression"
            case equivalenceClasses = "equivalence_classes"
            case recordsSuppressed = "records_suppressed"
            case suppressedShare = "suppressed_share"
            case shareBelowK = "share_below_k"
        }
    }

    public struct Risk: Codable, Sendable, Hashable {
        public var prosecutorMax: Double
        public var prosecutorAverage: Double
        public var journalistMax: Double
        public var journalistAverage: Double
        public var marketer: Double
        public var populationModel: String
        public var note: String

        public init(prosecutorMax: Double, prosecutorAverage: Double, journalistMax: Double, journalistAverage: Double,
                    marketer: Double, populationModel: String, note: String) {
            self.prosecutorMax = prosecutorMax
            self.prosecutorAverage = prosecutorAverage
            self.journalistMax = journalistMax
            self.journalistAverage = journalistAverage
            self.marketer = marketer
            self.populationModel = populationModel
            self.note = note
        }

        enum CodingKeys: String, CodingKey {
            case marketer, note
            case prosecutorMax = "prosecutor_max"
            case prosecutorAverage = "prosecutor_average"
            case journalistMax = "journalist_max"
            case journalistAverage = "journalist_average"
            case populationModel = "population_model"
        }
    }

    public struct LDiversity: Codable, Sendable, Hashable {
        public var sensitiveFields: [String]
        @Nullable public var lTarget: Int?
        @Nullable public var lAchieved: Int?

        public init(sensitiveFields: [String], lTarget: Int?, lAchieved: Int?) {
            self.sensitiveFields = sensitiveFields
            self.lTarget = lTarget
            self.lAchieved = lAchieved
        }

        enum CodingKeys: String, CodingKey {
            case sensitiveFields = "sensitive_fields"
            case lTarget = "l_target"
            case lAchieved = "l_achieved"
        }
    }

    /// The report of the release in `directory`; nil when it has none.
    public static func read(release directory: URL) throws -> PrivacyReport? {
        try ArtifactCodec.read(PrivacyReport.self, at: directory.appendingPathComponent(fileName))
    }
}

import Foundation

/// provenance.json: where a release's rows came from and what was done to them, so a
/// researcher can judge it and a data officer can trace it. Built only from the definition,
/// the stages' own typed reports and the code tables; it names source systems by database
/// and table or by file name, never by host, path or credentials.
public struct ReleaseProvenance: Artifact, Hashable {
    public static let artifactName = "provenance.json"
    public static let schemaVersion = 1
    public static let fileName = "provenance.json"

    public var dataset: String
    public var version: String
    /// `DatasetURI.version`.
    public var identifier: String
    /// `DatasetURI.series`.
    public var seriesIdentifier: String
    public var previousVersion: String?
    public var odpVersion: String
    /// SHA-256 of the definition file's text: equal hashes, equal processing.
    public var definitionHash: String
    public var source: Source
    /// In the order they ran.
    public var stages: [Stage]
    /// How each source field was treated, from the privacy report.
    public var fields: [FieldTreatment]
    /// The code tables the schema's `code` fields are checked against.
    public var codeTables: [CodeTableVersion]
    /// Says which pseudonyms can be joined across releases (both ids must match).
    public var pseudonymKeyId: String?

    public init(dataset: String, version: String, identifier: String, seriesIdentifier: String, previousVersion: String?,
                odpVersion: String, definitionHash: String, source: Source, stages: [Stage], fields: [FieldTreatment],
                codeTables: [CodeTableVersion], pseudonymKeyId: String?) {
        self.dataset = dataset
        self.version = version
        self.identifier = identifier
        self.seriesIdentifier = seriesIdentifier
        self.previousVersion = previousVersion
        self.odpVersion = odpVersion
        self.definitionHash = definitionHash
        self.source = source
        self.stages = stages
        self.fields = fields
        self.codeTables = codeTables
        self.pseudonymKeyId = pseudonymKeyId
    }

    enum CodingKeys: String, CodingKey {
        case dataset, version, identifier, source, stages, fields
        case seriesIdentifier = "series_identifier"
        case previousVersion = "previous_version"
        case odpVersion = "odp_version"
        case definitionHash = "definition_hash"
        case codeTables = "code_tables"
        case pseudonymKeyId = "pseudonym_key_id"
    }

    public struct Source: Codable, Sendable, Hashable {
        /// `postgres`, `sqlite`, `csv`, `xlsx`, `json` or `ndjson`.
        public var kind: String
        /// The database name, or the source file's name (never its folder).
        public var system: String?
        public var table: String?
        /// SHA-256 of the query text, when the source is a query: changes are traceable
        /// without publishing the SQL.
        public var querySha256: String?
        public var sheet: String?
        public var encoding: String?
        /// The watermark field of an incremental extraction.
        public var watermark: String?

        public init(kind: String, system: String?, table: String?, querySha256: String?, sheet: String?, encoding: String?, watermark: String?) {
            self.kind = kind
            self.system = system
            self.table = table
            self.querySha256 = querySha256
            self.sheet = sheet
            self.encoding = encoding
            self.watermark = watermark
        }

        enum CodingKeys: String, CodingKey {
            case kind, system, table, sheet, encoding, watermark
            case querySha256 = "query_sha256"
        }
    }

    public struct Stage: Codable, Sendable, Hashable {
        /// `extract`, `check`, `desensitize` or `package`.
        public var name: String
        /// What it did, in Chinese.
        public var summary: String

        public init(name: String, summary: String) {
            self.name = name
            self.summary = summary
        }
    }

    public struct FieldTreatment: Codable, Sendable, Hashable {
        public var field: String
        /// `direct`, `quasi`, `sensitive` or `public`.
        public var privacyClass: String
        public var `operator`: String?
        public var parameters: [String: String]?
        public var published: Bool

        public init(field: String, privacyClass: String, operator op: String?, parameters: [String: String]?, published: Bool) {
            self.field = field
            self.privacyClass = privacyClass
            self.operator = op
            self.parameters = parameters
            self.published = published
        }

        enum CodingKeys: String, CodingKey {
            case field, parameters, published
            case privacyClass = "privacy_class"
            case `operator`
        }
    }

    /// A code table has no version number of its own; its content hash is one.
    public struct CodeTableVersion: Codable, Sendable, Hashable {
        public var name: String
        public var codes: Int
        /// SHA-256 of its current and historical entries in code order.
        public var sha256: String

        public init(name: String, codes: Int, sha256: String) {
            self.name = name
            self.codes = codes
            self.sha256 = sha256
        }
    }
}

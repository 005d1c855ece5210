import Foundation

/// datapackage.json: a Frictionless Data Package v2 with an inline Table Schema, as ODP
/// writes it (ODPRelease) and reads it back (the change log's schema comparison, the open
/// list's field list, the portal's data dictionary). Keys are Frictionless's own; absent
/// optional keys are left out, as the standard expects. Frictionless allows extra
/// properties, so `schema_version` and `signature` sit beside the standard ones.
public struct DataPackageDescriptor: Artifact, Hashable {
    public static let artifactName = "datapackage.json"
    public static let schemaVersion = 1
    public static let fileName = "datapackage.json"
    public static let profile = "https://datapackage.org/profiles/2.0/datapackage.json"

    public var profile: String = DataPackageDescriptor.profile
    public var name: String
    /// The 资源代码.
    public var id: String
    public var title: String
    public var description: String
    public var version: String
    public var created: String
    public var licenses: [License]
    public var sources: [Source]
    public var contributors: [Contributor]
    /// Nil when the definition has none (Frictionless wants no empty list).
    public var keywords: [String]?
    public var resources: [Resource]
    /// Tells a consumer how to check SHA256SUMS.sig.
    public var signature: ReleaseSignature?

    public init(name: String, id: String, title: String, description: String, version: String, created: String,
                licenses: [License], sources: [Source], contributors: [Contributor], keywords: [String]?,
                resources: [Resource], signature: ReleaseSignature?) {
        self.name = name
        self.id = id
        self.title = title
        self.description = description
        self.version = version
        self.created = created
        self.licenses = licenses
        self.sources = sources
        self.contributors = contributors
        self.keywords = keywords
        self.resources = resources
        self.signature = signature
    }

    enum CodingKeys: String, CodingKey {
        case profile = "$schema"
        case name, id, title, description, version, created, licenses, sources, contributors, keywords, resources, signature
    }

    public struct License: Codable, Sendable, Hashable {
        public var name: String
        public var path: String?
        public var title: String

        public init(name: String, path: String?, title: String) {
            self.name = name
            self.path = path
            self.title = title
        }
    }

    public struct Source: Codable, Sendable, Hashable {
        public var title: String
        public init(title: String) { self.title = title }
    }

    public struct Contributor: Codable, Sendable, Hashable {
        public var title: String
        public var roles: [String]
        public var email: String?

        public init(title: String, roles: [String], email: String?) {
            self.title = title
            self.roles = roles
            self.email = email
        }
    }

    public struct Resource: Codable, Sendable, Hashable {
        public var name: String
        public var type: String = "table"
        public var path: String
        public var format: String
        public var mediatype: String
        public var encoding: String = "utf-8"
        public var title: String
        public var schema: TableSchema
        /// Only the CSV states bytes, hash and dialect (frictionless-py computes no byte stats
        /// for JSON sources and would report them as mismatches).
        public var bytes: Int?
        public var hash: String?
        public var dialect: Dialect?

        public init(name: String, path: String, format: String, mediatype: String, title: String, schema: TableSchema,
                    bytes: Int? = nil, hash: String? = nil, dialect: Dialect? = nil) {
            self.name = name
            self.path = path
            self.format = format
            self.mediatype = mediatype
            self.title = title
            self.schema = schema
            self.bytes = bytes
            self.hash = hash
            self.dialect = dialect
        }
    }

    public struct Dialect: Codable, Sendable, Hashable {
        public var delimiter = ","
        public var lineTerminator = "\r\n"
        public var quoteChar = "\""
        public var header = true
        public init() {}
    }

    public struct TableSchema: Codable, Sendable, Hashable {
        public var fields: [Field]
        public var missingValues: [String] = [""]
        public var primaryKey: [String]?

        public init(fields: [Field], primaryKey: [String]?) {
            self.fields = fields
            self.primaryKey = primaryKey
        }
    }

    public struct Field: Codable, Sendable, Hashable {
        public var name: String
        public var title: String
        /// A Frictionless type (`string`, `integer`, `number`, `date`, …).
        public var type: String
        public var format: String?
        public var description: String?
        public var constraints: Constraints?

        public init(name: String, title: String, type: String, format: String?, description: String?, constraints: Constraints?) {
            self.name = name
            self.title = title
            self.type = type
            self.format = format
            self.description = description
            self.constraints = constraints
        }
    }

    public struct Constraints: Codable, Sendable, Hashable {
        public var required: Bool?
        public var `enum`: [String]?

        public init(required: Bool?, enum values: [String]?) {
            self.required = required
            self.enum = values
        }
    }

    /// The fields of the first resource (the CSV): what the release publishes.
    public var fields: [Field] { resources.first?.schema.fields ?? [] }

    /// The descriptor of the release in `directory`; nil when it has none.
    public static func read(release directory: URL) throws -> DataPackageDescriptor? {
        try ArtifactCodec.read(DataPackageDescriptor.self, at: directory.appendingPathComponent(fileName))
    }
}

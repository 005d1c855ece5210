import Foundation

/// One dataset as defined in `pipelines/<dataset>.yml`: catalog metadata, source, fields,
/// and the sections each stage owns. Parsed once; stages read what they need.
public struct DatasetDefinition: Sendable, Hashable {
    public enum Approval: String, Sendable, Hashable, CaseIterable { case none, required }
    /// A data file format a release can carry, in the order releases list them.
    public enum DataFormat: String, Sendable, Hashable, CaseIterable {
        /// `sqlite`: one table of the released values with indexes on the primary key and the
        /// `filterable` fields, which the portal's rows API (`/api/datasets/{id}/rows`) reads.
        case csv, json, parquet, sqlite

        /// What a release carries when `release.formats` is not given.
        public static let defaults: [DataFormat] = [.csv, .json]
    }

    /// Stable id used in paths and URLs (lowercase ASCII, digits, `-`).
    public var id: String
    public var catalog: CatalogMetadata
    public var source: SourceSpec
    public var schema: Schema
    public var primaryKey: [String]
    /// `privacy:` section (k-anonymity, l-diversity, options), owned by ODPDesensitize.
    public var privacy: ConfigValue?
    /// Row and table rules (`rules:`), owned by ODPCheck.
    public var rules: [RuleSpec]
    /// `compare:` (previous release), `screens:` (truthfulness) and `gate:` sections, owned by ODPCheck.
    public var compare: ConfigValue?
    public var screens: ConfigValue?
    public var gate: ConfigValue?
    public var approval: Approval
    /// Adds a UTF-8 BOM to the CSV for spreadsheet users.
    public var csvBOM: Bool
    /// The data files a release carries (`release.formats`), in `DataFormat` order. Always
    /// holds `.csv`: the content hash and the change log are computed from the CSV.
    public var formats: [DataFormat]
    /// The definition file, and the folder relative paths resolve against.
    public var file: String
    /// SHA-256 of the definition text, recorded in reports.
    public var definitionHash: String

    public var baseDirectory: URL { URL(fileURLWithPath: file).deletingLastPathComponent() }

    /// Resolves a path written in this definition.
    public func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseDirectory.appendingPathComponent(path).standardizedFileURL
    }

    public init(id: String, catalog: CatalogMetadata, source: SourceSpec, schema: Schema, primaryKey: [String] = [],
                privacy: ConfigValue? = nil, rules: [RuleSpec] = [], compare: ConfigValue? = nil, screens: ConfigValue? = nil,
                gate: ConfigValue? = nil, approval: Approval = .none, csvBOM: Bool = false,
                formats: [DataFormat] = DataFormat.defaults, file: String = "",
                definitionHash: String = "") {
        self.id = id
        self.catalog = catalog
        self.source = source
        self.schema = schema
        self.primaryKey = primaryKey
        self.privacy = privacy
        self.rules = rules
        self.compare = compare
        self.screens = screens
        self.gate = gate
        self.approval = approval
        self.csvBOM = csvBOM
        precondition(formats.contains(.csv), "a release always carries its CSV")
        self.formats = DataFormat.allCases.filter(formats.contains)
        self.file = file
        self.definitionHash = definitionHash
    }
}

import Foundation

/// `releases/<dataset>/<version>/WITHDRAWN.json`: the tombstone `odp withdraw` leaves where a
/// withdrawn version's files were. Its folder keeps the version number taken (the version
/// allocator never makes it again), and the portal answers the version's old URLs with 410
/// and this reason. Everything in it is public; who withdrew it is in the audit trail only.
public struct WithdrawnVersion: Artifact, Equatable {
    public static let artifactName = "WITHDRAWN.json"
    public static let schemaVersion = 1
    public static let fileName = "WITHDRAWN.json"

    /// The withdrawal's number, `<dataset>-W<n>`.
    public var number: String
    public var dataset: String
    public var version: String
    /// The dataset's title and 资源代码 as the version had them, for the 410 page and the
    /// identifier resolver once the dataset is gone from the catalog.
    public var title: String
    public var code: String?
    public var reason: String
    /// ISO 8601 UTC.
    public var withdrawn: String

    public init(number: String, dataset: String, version: String, title: String, code: String?, reason: String, withdrawn: String) {
        self.number = number
        self.dataset = dataset
        self.version = version
        self.title = title
        self.code = code
        self.reason = reason
        self.withdrawn = withdrawn
    }

    /// The tombstone in a version folder; nil when the version is not withdrawn.
    public static func read(release: URL) throws -> WithdrawnVersion? {
        try ArtifactCodec.read(WithdrawnVersion.self, at: release.appendingPathComponent(fileName))
    }
}

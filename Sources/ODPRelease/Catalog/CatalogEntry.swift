import Foundation
import ODPCore

/// One dataset as listed in the open-data list: its metadata plus its latest release.
struct CatalogEntry {
    typealias Field = OpenListDocument.Field
    struct DataFile { var path: String; var bytes: Int; var sha256: String; var format: String; var url: String }
    struct Version { var release: ReleaseInfo; var files: [DataFile] }

    var definition: DatasetDefinition
    var release: ReleaseInfo
    /// Every published version up to `release`, oldest first: the DCAT series' members and
    /// the feed's entries. Held versions and those after the latest are left out.
    var versions: [Version]
    /// Release time of the first released version (发布日期), ISO 8601.
    var firstPublished: String
    /// Fields as published (from the release's datapackage.json).
    var fields: [Field]
    var files: [DataFile]
    /// The key that signed the latest release's SHA256SUMS (nil when it is unsigned).
    var signature: ReleaseSignature?
    /// Whether the latest release is within the 更新周期, judged when the list is generated.
    var timeliness: DatasetTimeliness?
    /// Downloads and API calls over all versions (`state/usage.json` at build time); nil without that file.
    var usage: UsageCounts.Count?

    var catalog: CatalogMetadata { definition.catalog }
    var id: String { definition.id }
    var csvURL: String { files.first { $0.format == "CSV" }?.url ?? "" }

    /// `<public_base_url>/<id>/<version>/<path>`, or `../<id>/<version>/<path>` relative to
    /// `catalog/`: the layout of every published copy (`<base>/catalog/`, `<base>/<id>/<version>/`,
    /// see FileDropTarget) and of the portal, so the same bytes resolve wherever they are served.
    static func url(base: String?, datasetId: String, version: String, path: String) -> String {
        if let base = DatasetURI.normalized(base) { return "\(base)/\(datasetId)/\(version)/\(path)" }
        return "../\(datasetId)/\(version)/\(path)"
    }

    /// The entry for a dataset's latest release; nil when it was never released.
    static func load(definition: DatasetDefinition, root: URL, baseURL: String?, now: Date) throws -> CatalogEntry? {
        guard let latest = try ReleaseReader.latest(datasetId: definition.id, root: root) else { return nil }
        let published = try ReleaseReader.published(datasetId: definition.id, root: root)
        let first = published.first?.created ?? latest.created
        let fields = try DataPackageDescriptor.read(release: latest.directory)?.fields.map {
            Field(name: $0.name, title: $0.title, type: $0.type)
        } ?? []
        func files(_ release: ReleaseInfo) -> [DataFile] {
            release.metadata.dataFiles.map { f in
                DataFile(path: f.path, bytes: f.bytes, sha256: f.sha256, format: (DatasetDefinition.DataFormat(path: f.path) ?? .json).rawValue.uppercased(),
                         url: url(base: baseURL, datasetId: definition.id, version: release.version, path: f.path))
            }
        }
        return CatalogEntry(definition: definition, release: latest, versions: published.map { Version(release: $0, files: files($0)) },
                            firstPublished: first, fields: fields, files: files(latest),
                            signature: latest.metadata.signature,
                            timeliness: DatasetTimeliness(cycle: definition.catalog.updateCycle, lastRelease: latest.created, now: now))
    }
}

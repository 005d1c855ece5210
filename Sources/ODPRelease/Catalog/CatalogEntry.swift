import Foundation
import ODPCore

/// One dataset as listed in the open-data list: its metadata plus its latest release.
struct CatalogEntry {
    struct Field { var name: String; var title: String; var type: String }
    struct DataFile { var path: String; var bytes: Int; var sha256: String; var format: String; var url: String }

    var definition: DatasetDefinition
    var release: ReleaseInfo
    /// Release time of the first released version (发布日期), ISO 8601.
    var firstPublished: String
    /// Fields as published (from the release's datapackage.json).
    var fields: [Field]
    var files: [DataFile]
    /// The key that signed the latest release's SHA256SUMS (nil when it is unsigned).
    var signature: ReleaseSignature?

    var catalog: CatalogMetadata { definition.catalog }
    var id: String { definition.id }
    var csvURL: String { files.first { $0.format == "CSV" }?.url ?? "" }

    /// `<public_base_url>/<id>/<version>/<path>`, or `../<id>/<version>/<path>` relative to
    /// `catalog/`: the layout of every published copy (`<base>/catalog/`, `<base>/<id>/<version>/`,
    /// see FileDropTarget) and of the portal, so the same bytes resolve wherever they are served.
    static func url(base: String?, datasetId: String, version: String, path: String) -> String {
        if let base, !base.isEmpty {
            return "\(base.hasSuffix("/") ? String(base.dropLast()) : base)/\(datasetId)/\(version)/\(path)"
        }
        return "../\(datasetId)/\(version)/\(path)"
    }

    /// The entry for a dataset's latest release; nil when it was never released.
    static func load(definition: DatasetDefinition, root: URL, baseURL: String?) -> CatalogEntry? {
        guard let latest = ReleaseReader.latest(datasetId: definition.id, root: root) else { return nil }
        let versions = ReleaseReader.versions(datasetId: definition.id, root: root)
        let first = versions.first { $0.status == "released" }?.created ?? latest.created
        var fields: [Field] = []
        if let data = FileManager.default.contents(atPath: latest.directory.appendingPathComponent("datapackage.json").path),
           let package = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let resource = (package["resources"] as? [[String: Any]])?.first,
           let list = (resource["schema"] as? [String: Any])?["fields"] as? [[String: Any]] {
            fields = list.map { Field(name: $0["name"] as? String ?? "", title: $0["title"] as? String ?? "", type: $0["type"] as? String ?? "string") }
        }
        var files: [DataFile] = []
        var signature: ReleaseSignature?
        if let data = FileManager.default.contents(atPath: latest.directory.appendingPathComponent("release.json").path),
           let release = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            signature = ReleaseSignature.parse(release["signature"])
            for f in release["data_files"] as? [[String: Any]] ?? [] {
                guard let path = f["path"] as? String else { continue }
                files.append(DataFile(path: path, bytes: (f["bytes"] as? NSNumber)?.intValue ?? 0, sha256: f["sha256"] as? String ?? "",
                                      format: path.hasSuffix(".csv") ? "CSV" : "JSON",
                                      url: url(base: baseURL, datasetId: definition.id, version: latest.version, path: path)))
            }
        }
        return CatalogEntry(definition: definition, release: latest, firstPublished: first, fields: fields, files: files, signature: signature)
    }
}

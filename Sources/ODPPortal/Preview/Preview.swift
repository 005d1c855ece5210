import Foundation
import ODPCore

/// `odp preview DATASET`: what a release holds, in the terminal, for a data officer —
/// catalog metadata, the fields with their class and desensitization, the first released
/// rows, the quality and privacy summaries and the change against the previous version.
///
/// Reads only the release folder, which holds no source values; the before/after view
/// (`renderBeforeAfter`) gets its source rows from the caller.
///
/// # Edge cases
/// Without `version` the newest complete version is shown, whatever its status (a data
/// officer previews releases awaiting approval). Missing report keys show "—".
public enum Preview {
    /// - Parameters:
    ///   - catalog: the definition's catalog metadata, preferred over what the release files say.
    ///   - color: ANSI colour (pass `isatty(1) != 0`).
    ///   - width: terminal columns; tables shrink to fit.
    ///   - rows: how many data rows to show.
    /// - Throws: `ODPError.usage` when the dataset or version has no complete release.
    public static func render(root: URL, dataset: String, version: String? = nil, catalog: CatalogMetadata? = nil,
                              color: Bool, width: Int = 100, rows: Int = 10) throws -> String {
        let p = try load(root: root, dataset: dataset, version: version, catalog: catalog)
        return PreviewText(p: p, style: Style(color: color), width: max(40, width), rows: rows, store: PortalStore(root: root)).render()
    }

    /// A before-and-after table of desensitized fields (`odp preview --before-after`): one
    /// line per sample row and field, source value → released value.
    public static func renderBeforeAfter(fields: [(name: String, title: String)], rows: [[(before: String?, after: String?)]],
                                         dropped: Set<String>, color: Bool, width: Int = 100) -> String {
        let style = Style(color: color)
        var lines = [style.heading("脱敏前后对照（仅在本机显示，不写入任何文件）")]
        var table = TextTable(header: ["行", "字段", "脱敏前", "发布值"], rows: [])
        for (i, row) in rows.enumerated() {
            for (f, pair) in zip(fields, row) {
                let after = dropped.contains(f.name) ? "（不发布）" : pair.after ?? "（空）"
                table.rows.append(["\(i + 1)", "\(f.title)（\(f.name)）", pair.before ?? "（空）", after])
            }
        }
        lines += table.render(width: max(40, width), style: style)
        if rows.isEmpty { lines.append("  （源数据中没有通过检查的行）") }
        lines.append(style.dim("  说明：k-匿名记录抑制与稀有值置空需要整表统计，此处未体现。"))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same content as JSON (sorted keys).
    public static func json(root: URL, dataset: String, version: String? = nil, catalog: CatalogMetadata? = nil,
                            rows: Int = 10) throws -> Data {
        let p = try load(root: root, dataset: dataset, version: version, catalog: catalog)
        let store = PortalStore(root: root)
        let sample = p.detail.sample(store: store, rows: rows)
        let object: ArtifactJSON = [
            "dataset": .string(dataset),
            "version": p.detail.version.json,
            "catalog": p.record.json,
            "fields": .array(p.detail.fields.map(\.json)),
            "sample": ["header": ArtifactJSON(sample?.header ?? []), "rows": .array((sample?.rows ?? []).map { ArtifactJSON($0) })],
            "quality": p.detail.qualitySummary,
            "privacy": p.detail.privacySummary,
            "changes": ["summary": .string(p.detail.version.changeSummary), "detail": p.detail.version.json["changes"] ?? .null,
                        "published_version": ArtifactJSON(p.published)],
        ]
        return try object.encoded(pretty: true) + Data("\n".utf8)
    }

    struct Loaded {
        var record: DatasetRecord
        var detail: ReleaseDetail
        /// The version researchers currently get (latest.json), if any.
        var published: String?
    }

    static func load(root: URL, dataset: String, version: String?, catalog: CatalogMetadata?) throws -> Loaded {
        let store = PortalStore(root: root)
        guard SafePath.isDatasetId(dataset) else { throw ODPError.usage("'\(dataset)' is not a dataset id") }
        let versions = store.versions(dataset)
        guard !versions.isEmpty else {
            throw ODPError.usage("no complete release of \(dataset) under \(store.releasesDirectory.path)")
        }
        let chosen: VersionRecord
        if let version {
            guard let v = versions.first(where: { $0.version == version }) else {
                throw ODPError.usage("\(dataset) has no version \(version) (versions: \(versions.map(\.version).joined(separator: ", ")))")
            }
            chosen = v
        } else {
            chosen = versions[versions.count - 1]
        }
        var record = store.record(dataset, version: chosen)
        if let catalog { record.merge(catalog: catalog) }
        return Loaded(record: record, detail: ReleaseDetail(store: store, id: dataset, version: chosen),
                      published: versions.last(where: \.isLatest)?.version)
    }
}

extension DatasetRecord {
    mutating func merge(catalog c: CatalogMetadata) {
        title = c.title
        code = c.code
        provider = c.provider
        providerCode = c.providerCode
        summary = c.summary
        domain = c.domain
        openType = c.openType.rawValue
        openCondition = c.openCondition
        updateCycle = c.updateCycle.rawValue
        keywords = c.keywords
        license = c.license
        if let name = c.contactName { contact = [name, c.contactEmail, c.contactPhone].compactMap { $0 }.joined(separator: " ") }
        if let s = c.temporalStart, let e = c.temporalEnd { temporal = "\(s) 至 \(e)" }
    }
}

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
/// Without `version` the newest complete version is shown, whatever its status: released,
/// awaiting approval, or held by a gate (read from `output/held/`). Missing report keys show "—".
public enum Preview {
    /// - Parameters:
    ///   - catalog: the definition's catalog metadata, preferred over what the release files say.
    ///   - color: ANSI colour (pass `isatty(1) != 0`).
    ///   - width: terminal columns; tables shrink to fit.
    ///   - rows: how many data rows to show.
    ///   - view: which fields of the rows to show, and whether one block per row.
    /// - Throws: `ODPError.usage` when the dataset or version has no complete release, or
    ///   `view` names a field the release does not have.
    public static func render(root: URL, dataset: String, version: String? = nil, catalog: CatalogMetadata? = nil,
                              color: Bool, width: Int = 100, rows: Int = 10, view: SampleView = SampleView()) throws -> String {
        let p = try load(root: root, dataset: dataset, version: version, catalog: catalog)
        return try PreviewText(p: p, style: Style(color: color), width: max(40, width), rows: rows, store: p.store, view: view).render()
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
                            rows: Int = 10, view: SampleView = SampleView()) throws -> Data {
        let p = try load(root: root, dataset: dataset, version: version, catalog: catalog)
        let titles = Dictionary(p.detail.fields.compactMap { f in f.title.map { (f.name, $0) } }, uniquingKeysWith: { a, _ in a })
        let sample = try p.detail.sample(store: p.store, rows: rows).map { try view.select($0, titles: titles) }
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
        /// Where the version lies: the output root, or `held/` for a release held by a gate.
        var store: PortalStore
        /// The version researchers currently get (latest.json), if any.
        var published: String?
    }

    static func load(root: URL, dataset: String, version: String?, catalog: CatalogMetadata?) throws -> Loaded {
        let store = PortalStore(root: root), held = PortalStore(root: root.appendingPathComponent("held"))
        guard SafePath.isDatasetId(dataset) else { throw ODPError.usage("'\(dataset)' 不是数据集标识（dataset id）") }
        // Held releases (output/held/) are previewed like the others: a data officer must see them.
        let candidates = (store.versions(dataset).map { ($0, store) } + held.versions(dataset).map { ($0, held) })
            .sorted { SafePath.versionPrecedes($0.0.version, $1.0.version) }
        guard let newest = candidates.last else {
            throw ODPError.usage("\(dataset) 没有完整的版本（no complete release）：\(store.releasesDirectory.path) 与 \(held.releasesDirectory.path) 下都没有；先运行 odp run").coded(.noRelease)
        }
        var chosen = newest
        if let version {
            guard let match = candidates.first(where: { $0.0.version == version }) else {
                throw ODPError.usage("\(dataset) 没有版本 \(version)（现有版本：\(candidates.map(\.0.version).joined(separator: "、"))）").coded(.noRelease)
            }
            chosen = match
        }
        let (v, source) = chosen
        var record = source.record(dataset, version: v)
        if let catalog { record.merge(catalog: catalog) }
        return Loaded(record: record, detail: ReleaseDetail(store: source, id: dataset, version: v), store: source,
                      published: store.versions(dataset).last(where: \.isLatest)?.version)
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
        if let name = c.contactName { contact = [name, c.contactPhone, c.contactEmail].compactMap { $0 }.joined(separator: " ") }
        if let s = c.temporalStart, let e = c.temporalEnd { temporal = "\(s) 至 \(e)" }
    }
}

import Foundation
import ODPCore

/// Writes the open-data list (开放清单: `open-list.csv`, `.json`, `.html`) and the DCAT-AP 3
/// catalog (`dcat.jsonld`) under `<root>/catalog/`, generated from every dataset's catalog
/// metadata and its latest released version, never by hand.
///
/// ## Listing rules
/// A dataset is listed with the version `latest.json` points at, so a dataset whose newest
/// release is held stays listed with its last good release. A dataset that was never
/// released is not listed. Download URLs are `<public_base_url>/datasets/<id>/<version>/data/<id>.csv`
/// when `public_base_url` is set, else paths relative to the `catalog/` folder.
public enum Catalog {
    @discardableResult
    public static func write(config: PipelineConfig?, definitions: [DatasetDefinition], outputRoot: URL, generatedAt: Date) throws -> [URL] {
        let base = config?.publicBaseURL
        let entries = definitions.sorted { $0.id < $1.id }.compactMap { CatalogEntry.load(definition: $0, root: outputRoot, baseURL: base) }
        let dir = outputRoot.appendingPathComponent("catalog")
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw ODPError.io(dir.path, "cannot create the catalog folder: \(error)")
        }
        let publisher = config?.publisher ?? "数据资源管理部门"
        func render(generated: String) throws -> [(String, Data)] {
            [
                ("open-list.csv", OpenList.csv(entries)),
                ("open-list.json", try OpenList.json(entries, generated: generated, publisher: publisher)),
                ("open-list.html", OpenListHTML.page(entries, generated: generated, publisher: publisher)),
                ("dcat.jsonld", try DCATCatalog.jsonld(entries, publisher: publisher, baseURL: base, generated: generated)),
            ]
        }
        // The generation time changes only with the content: an unchanged list keeps its files,
        // so a re-run on unchanged data uploads nothing (DESIGN.md, Outputs).
        if let previous = previousGenerationTime(dir) {
            let same = try render(generated: previous)
            let urls = same.map { dir.appendingPathComponent($0.0) }
            if zip(urls, same).allSatisfy({ FileManager.default.contents(atPath: $0.path) == $1.1 }) { return urls }
        }
        let outputs = try render(generated: ReleaseTime.iso(generatedAt))
        let urls = outputs.map { dir.appendingPathComponent($0.0) }
        for (url, (_, data)) in zip(urls, outputs) { try DurableFile.replace(data, at: url) }
        return urls
    }

    private static func previousGenerationTime(_ dir: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent("open-list.json").path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["generated_at"] as? String
    }
}

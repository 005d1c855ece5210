import Foundation
import ODPCore

/// Writes the open-data list (开放清单: `open-list.csv`, `.json`, `.html`) and the DCAT-AP 3
/// catalog (`dcat.jsonld`) under `<root>/catalog/`, generated from every dataset's catalog
/// metadata and its latest released version, never by hand.
///
/// ## Listing rules
/// A dataset is listed with the version `latest.json` points at, so a dataset whose newest
/// release is held stays listed with its last good release. A dataset that was never
/// released is not listed. Download URLs are `<public_base_url>/<id>/<version>/data/<id>.csv`
/// when `public_base_url` is set, else `../<id>/<version>/data/<id>.csv`, relative to the
/// `catalog/` folder of a published copy or the portal (`CatalogEntry.url`).
///
/// ## The gate
/// Each entry is rendered alone and inspected with its dataset's gate; an entry with a
/// finding is withheld (listed in `Written.withheld`, the rest are published). The finished
/// files are inspected again as a whole; a finding there writes nothing and throws.
public enum Catalog {
    /// The published-file gates for one dataset's entry and for the assembled files.
    public struct Gate {
        public var entry: (DatasetDefinition) -> any PublishedFileGate
        public var catalog: ([DatasetDefinition]) -> any PublishedFileGate

        public init(entry: @escaping (DatasetDefinition) -> any PublishedFileGate,
                    catalog: @escaping ([DatasetDefinition]) -> any PublishedFileGate) {
            self.entry = entry
            self.catalog = catalog
        }
    }

    /// The files written and the datasets left out by the gate, with why.
    public struct Written {
        public var files: [URL]
        public var withheld: [(dataset: String, findings: [PublishedFileFinding])]
    }

    @discardableResult
    public static func write(config: PipelineConfig?, definitions: [DatasetDefinition], outputRoot: URL, generatedAt: Date,
                             gate: Gate?) throws -> Written {
        let base = config?.publicBaseURL
        let publisher = config?.publisher ?? PipelineConfig.defaultPublisher
        var entries: [CatalogEntry] = []
        var listed: [DatasetDefinition] = []
        var withheld: [(dataset: String, findings: [PublishedFileFinding])] = []
        for definition in definitions.sorted(by: { $0.id < $1.id }) {
            guard let entry = try CatalogEntry.load(definition: definition, root: outputRoot, baseURL: base, now: generatedAt) else { continue }
            if let gate {
                let alone = try render([entry], publisher: publisher, base: base, generated: "")
                let findings = alone.flatMap { gate.entry(definition).inspect(file: $0.0, bytes: $0.1) }
                if !findings.isEmpty { withheld.append((definition.id, findings)); continue }
            }
            entries.append(entry)
            listed.append(definition)
        }
        let dir = outputRoot.appendingPathComponent("catalog")
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw ODPError.from(error, path: dir.path)
        }
        // The generation time changes only with the content: an unchanged list keeps its files,
        // so a re-run on unchanged data uploads nothing (DESIGN.md, Outputs).
        if let previous = try OpenListDocument.read(catalogDirectory: dir)?.generatedAt {
            let same = try render(entries, publisher: publisher, base: base, generated: previous)
            let urls = same.map { dir.appendingPathComponent($0.0) }
            if zip(urls, same).allSatisfy({ FileManager.default.contents(atPath: $0.path) == $1.1 }) {
                return Written(files: urls, withheld: withheld)
            }
        }
        let outputs = try render(entries, publisher: publisher, base: base, generated: ReleaseTime.iso(generatedAt))
        if let gate {
            let whole = gate.catalog(listed)
            let findings = outputs.flatMap { whole.inspect(file: "catalog/" + $0.0, bytes: $0.1) }
            guard findings.isEmpty else {
                throw ODPError.io(dir.path, "开放清单未更新：" + findings.map(\.reason).joined(separator: "；"))
            }
        }
        let urls = outputs.map { dir.appendingPathComponent($0.0) }
        for (url, (_, data)) in zip(urls, outputs) { try DurableFile.replace(data, at: url) }
        return Written(files: urls, withheld: withheld)
    }

    private static func render(_ entries: [CatalogEntry], publisher: String, base: String?, generated: String) throws -> [(String, Data)] {
        [
            ("open-list.csv", OpenList.csv(entries)),
            (OpenListDocument.fileName, try OpenList.json(entries, generated: generated, publisher: publisher)),
            ("open-list.html", OpenListHTML.page(entries, generated: generated, publisher: publisher)),
            ("open-list.js", OpenListHTML.script),
            ("dcat.jsonld", try DCATCatalog.jsonld(entries, publisher: publisher, baseURL: base, generated: generated)),
        ]
    }
}

import Foundation
import ODPCore

/// Writes the open-data list (开放清单: `open-list.csv`, `.json`, `.html`) and the DCAT-AP 3
/// catalog (`dcat.jsonld`, every published version as a member of its dataset's series) and
/// the Atom feeds (`feed.atom`, `feeds/<id>.atom`) under `<root>/catalog/`, generated from
/// every dataset's catalog metadata, its published versions and the correction notices,
/// never by hand.
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
///
/// ## Files
/// `Written.files` (the open list, `dcat.jsonld`, `feed.atom`) are uploaded with the catalog;
/// the per-dataset feeds (`Written.feeds`) stay in the output, served by the portal and any
/// web server over it (one upload per dataset feed would put 21,000 resources on a CKAN
/// catalog dataset).
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
        /// `catalog/feeds/<id>.atom` of every listed dataset.
        public var feeds: [URL] = []
        public var withheld: [(dataset: String, findings: [PublishedFileFinding])]
    }

    /// - Parameter inputsFile: where the last build's `CatalogInputs` are kept. With it, a
    ///   build whose inputs digest equals the last one's, and whose files are as it left them,
    ///   renders nothing and repeats that build's result.
    @discardableResult
    public static func write(config: PipelineConfig?, definitions: [DatasetDefinition], outputRoot: URL, generatedAt: Date,
                             gate: Gate?, errata: [Erratum] = [], withdrawals: [CatalogWithdrawal] = [], inputsFile: URL? = nil) throws -> Written {
        let base = config?.publicBaseURL
        let publisher = config?.publisher ?? PipelineConfig.defaultPublisher
        let dir = outputRoot.appendingPathComponent("catalog")
        guard let inputsFile else {
            return try build(publisher: publisher, base: base, definitions: definitions, outputRoot: outputRoot, generatedAt: generatedAt,
                             gate: gate, errata: errata, withdrawals: withdrawals)
        }
        let digest = try CatalogInputsDigest.compute(configFile: config?.file, publisher: publisher, base: base, definitions: definitions, outputRoot: outputRoot,
                                                     generatedAt: generatedAt, errata: errata, withdrawals: withdrawals)
        if let previous = try? ArtifactCodec.read(CatalogInputs.self, at: inputsFile), previous.digest == digest,
           let written = unchanged(previous, dir: dir) {
            return written
        }
        let written = try build(publisher: publisher, base: base, definitions: definitions, outputRoot: outputRoot, generatedAt: generatedAt,
                                gate: gate, errata: errata, withdrawals: withdrawals)
        // Losing this record only costs one more rendering next time.
        try? ArtifactCodec.write(CatalogInputs(digest: digest, listed: written.feeds.map { $0.deletingPathExtension().lastPathComponent },
                                               withheld: written.withheld.map { CatalogInputs.Withheld(dataset: $0.dataset, findings: $0.findings) },
                                               files: stamps(dir)), to: inputsFile)
        return written
    }

    /// The last build's result, when every file it wrote is still as it left it.
    private static func unchanged(_ previous: CatalogInputs, dir: URL) -> Written? {
        guard stamps(dir) == previous.files, previous.files.count == fileNames.count else { return nil }
        let feeds = previous.listed.map { dir.appendingPathComponent(CatalogFeeds.folder).appendingPathComponent("\($0).atom") }
        guard feeds.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) else { return nil }
        return Written(files: fileNames.map { dir.appendingPathComponent($0) }, feeds: feeds,
                       withheld: previous.withheld.map { ($0.dataset, $0.findings) })
    }

    private static func stamps(_ dir: URL) -> [String: String] {
        var out: [String: String] = [:]
        for name in fileNames { out[name] = CatalogInputsDigest.stamp(dir.appendingPathComponent(name).path) }
        return out
    }

    private static func build(publisher: String, base: String?, definitions: [DatasetDefinition], outputRoot: URL, generatedAt: Date,
                              gate: Gate?, errata: [Erratum], withdrawals: [CatalogWithdrawal]) throws -> Written {
        let notices = CatalogFeeds.Notices(errata: errata, withdrawals: withdrawals)
        var entries: [CatalogEntry] = []
        var listed: [DatasetDefinition] = []
        var withheld: [(dataset: String, findings: [PublishedFileFinding])] = []
        // Usage figures are read as they are now: the same release tree and usage file give the
        // same bytes. Without the file (no portal counted anything) the columns are left out.
        let state = outputRoot.appendingPathComponent("state")
        let usage = FileManager.default.fileExists(atPath: state.appendingPathComponent(UsageCounts.fileName).path) ? UsageCounts.read(state: state) : nil
        for definition in definitions.sorted(by: { $0.id < $1.id }) {
            guard var entry = try CatalogEntry.load(definition: definition, root: outputRoot, baseURL: base, now: generatedAt) else { continue }
            entry.usage = usage?.total(definition.id)
            if let gate {
                let alone = try render([entry], publisher: publisher, base: base, generated: "", notices: notices)
                    + [("feeds/\(entry.id).atom", CatalogFeeds.dataset(entry, notices: notices, linkBase: base ?? ""))]
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
        // so a re-run on unchanged data uploads nothing (DESIGN.md, Outputs). One file is
        // rendered at a time (at 21,000 entries each is tens of MB), and the comparison stops
        // at the first file that differs.
        let whole = gate.map { $0.catalog(listed) }
        if let previous = try OpenList.generatedAt(catalogDirectory: dir) {
            let same = try renderers(entries, publisher: publisher, base: base, generated: previous, notices: notices).allSatisfy { name, render in
                let sink = CatalogSink(comparingWith: dir.appendingPathComponent(name))
                try render(sink)
                try sink.close()
                return sink.same
            }
            if same {
                let feeds = try writeFeeds(entries, notices: notices, base: base, dir: dir, gate: whole)
                return Written(files: fileNames.map { dir.appendingPathComponent($0) }, feeds: feeds, withheld: withheld)
            }
        }
        // Each file is rendered, inspected and written beside its final name; only when every
        // one passed are they renamed into place, so a finding writes nothing.
        var staged: [(temporary: URL, final: URL)] = []
        defer { for s in staged { unlink(s.temporary.path) } }
        for (name, render) in renderers(entries, publisher: publisher, base: base, generated: ReleaseTime.iso(generatedAt), notices: notices) {
            let final = dir.appendingPathComponent(name)
            let temporary = dir.appendingPathComponent(TemporaryName.release(name))
            staged.append((temporary, final))
            let sink = try CatalogSink(file: temporary)
            try render(sink)
            try sink.close()
            // The gate reads the staged bytes through a memory map: the kernel's page cache,
            // not a second copy of a file of up to 158 MB.
            if let whole {
                let findings = try MappedFile.read(temporary) { whole.inspect(file: "catalog/" + name, bytes: $0) }
                guard findings.isEmpty else {
                    throw ODPError.io(dir.path, "开放清单未更新：" + findings.map(\.reason).joined(separator: "；"))
                }
            }
        }
        for s in staged {
            guard rename(s.temporary.path, s.final.path) == 0 else {
                throw ODPError.io(s.final.path, "无法改名到目标位置（cannot rename into place）：\(String(cString: strerror(errno)))")
            }
        }
        DurableFile.syncDirectory(dir)
        let feeds = try writeFeeds(entries, notices: notices, base: base, dir: dir, gate: whole)
        return Written(files: staged.map(\.final), feeds: feeds, withheld: withheld)
    }

    /// `feeds/<id>.atom` for every listed dataset, each written only when its bytes change;
    /// the feed of a dataset no longer listed is removed. Each passes the catalog gate first:
    /// a finding throws before that feed is written.
    private static func writeFeeds(_ entries: [CatalogEntry], notices: CatalogFeeds.Notices, base: String?, dir: URL, gate: (any PublishedFileGate)?) throws -> [URL] {
        let folder = dir.appendingPathComponent(CatalogFeeds.folder)
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ODPError.from(error, path: folder.path)
        }
        var written: [URL] = []
        for e in entries {
            let name = "\(e.id).atom"
            let data = CatalogFeeds.dataset(e, notices: notices, linkBase: base ?? "")
            let final = folder.appendingPathComponent(name)
            written.append(final)
            if FileManager.default.contents(atPath: final.path) == data { continue }
            let findings = gate?.inspect(file: "catalog/\(CatalogFeeds.folder)/\(name)", bytes: data) ?? []
            guard findings.isEmpty else {
                throw ODPError.io(final.path, "数据集订阅源未更新：" + findings.map(\.reason).joined(separator: "；"))
            }
            try DurableFile.replace(data, at: final)
        }
        let keep = Set(written.map(\.lastPathComponent))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(".atom") && !keep.contains(name) {
            unlink(folder.appendingPathComponent(name).path)
        }
        return written
    }

    static let fileNames = ["open-list.csv", OpenListDocument.fileName, "open-list.html", "open-list.js", "dcat.jsonld", "feed.atom"]

    /// Each file's name and how to render it into a sink, in `fileNames` order.
    private static func renderers(_ entries: [CatalogEntry], publisher: String, base: String?, generated: String, notices: CatalogFeeds.Notices)
        -> [(String, (CatalogSink) throws -> Void)] {
        [
            ("open-list.csv", { try $0.write(OpenList.csv(entries)) }),
            (OpenListDocument.fileName, { try OpenList.json(entries, generated: generated, publisher: publisher, to: $0) }),
            ("open-list.html", { try $0.write(OpenListHTML.page(entries, generated: generated, publisher: publisher)) }),
            ("open-list.js", { try $0.write(OpenListHTML.script) }),
            ("dcat.jsonld", { try DCATCatalog.jsonld(entries, publisher: publisher, baseURL: base, generated: generated, to: $0) }),
            ("feed.atom", { try $0.write(CatalogFeeds.site(entries, notices: notices, linkBase: base ?? "")) }),
        ]
    }

    private static func render(_ entries: [CatalogEntry], publisher: String, base: String?, generated: String, notices: CatalogFeeds.Notices) throws -> [(String, Data)] {
        try renderers(entries, publisher: publisher, base: base, generated: generated, notices: notices).map { name, render in
            let sink = CatalogSink()
            try render(sink)
            return (name, sink.data)
        }
    }
}

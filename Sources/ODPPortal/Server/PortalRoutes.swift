import Foundation
import ODPCore
import Hummingbird
import ODPCore

/// The portal's routes. Paths are taken from the raw request URI and decoded segment by
/// segment (`SafePath.segments`), never from a joined, decoded string.
struct PortalRoutes: Sendable {
    let store: PortalStore
    let index: PortalIndexCache
    let token: String?
    let catalogs: [String: CatalogMetadata]
    let onDecision: PortalDecisionHandler
    let access: AccessPolicy
    let gate: (any PublishedFileGate)?
    let usage: UsageCounter

    func register(on router: Router<PortalContext>) {
        router.get("/") { request, _ in
            Responses.html(try ListPage.render(index: index.current(), query: try CatalogQuery(query: CatalogQuery.parameters(request.uri.query))))
        }
        router.get("/departments") { _, _ in
            Responses.html(FacetPage.render(index.current().providers, title: "部门", scope: ListPage.Scope.department))
        }
        router.get("/topics") { _, _ in
            Responses.html(FacetPage.render(index.current().domains, title: "主题", scope: ListPage.Scope.topic))
        }
        router.get("/departments/{name}") { request, _ in try facetList(request, provider: true) }
        router.get("/topics/{name}") { request, _ in try facetList(request, provider: false) }
        router.get("/datasets/{id}") { request, _ in try datasetPage(request) }
        router.get("/datasets/{id}/**") { request, _ in try download(request, segments: try segments(request)) }
        router.get("/catalog/{name}") { request, _ in try catalogFile(request) }
        router.get("/id/**") { request, _ in try resolveIdentifier(request) }
        router.get("/feed.atom") { _, _ in siteFeed() }
        router.get("/api/changes") { request, _ in try changes(request) }
        router.get("/datasets/{id}/feed.atom") { request, _ in try datasetFeed(request) }
        // The layout of a published copy (`<id>/<version>/<file>` beside `catalog/`), which the
        // open list and DCAT link relatively: the same files resolve here.
        router.get("/{id}/{version}/**") { request, _ in try download(request, segments: ["datasets"] + (try segments(request))) }
        router.get("/api/datasets") { request, _ in
            let parameters = CatalogQuery.parameters(request.uri.query)
            let query = try CatalogQuery(query: parameters)
            let current = index.current()
            var list = current.select(query)
            let count = list.count
            // Paged only when asked, so a harvester that reads the whole list still can.
            if parameters["page"] != nil || parameters["size"] != nil {
                let start = min(list.count, (query.page - 1) * query.size)
                list = Array(list[start..<min(list.count, start + query.size)])
            }
            return Responses.json(["count": .int(Int64(count)), "datasets": .array(list.map { current.records[$0].json })])
        }
        router.get("/api/datasets/{id}") { request, _ in try apiDataset(request) }
        router.get(RouterPath(PreviewScript.path)) { request, _ in PreviewScript.response(request) }
        router.get("/api/datasets/{id}/versions") { request, _ in
            if let gone = try gone(request, index: 2, version: nil, json: true) { return gone }
            let (id, versions) = try publishedVersions(request, index: 2)
            return Responses.json(["dataset": .string(id), "versions": .array(versions.reversed().map(\.json))])
        }
        let approvals = ApprovalRoutes(store: store, token: token, catalogs: catalogs, onDecision: onDecision)
        approvals.register(on: router)
        AccessRoutes(policy: access, approvals: approvals, store: store).register(on: router)
        FeedbackRoutes(store: store, approvals: approvals, gate: gate, record: access.record).register(on: router)
    }

    /// `/departments/{name}` (提供方) or `/topics/{name}` (数据领域): 404 for a name no
    /// published dataset has.
    func facetList(_ request: Request, provider: Bool) throws -> Response {
        let s = try segments(request)
        guard s.count == 2 else { throw HTTPError(.notFound) }
        let current = index.current()
        let name = s[1]
        guard (provider ? current.providers : current.domains).contains(where: { $0.name == name }) else { throw HTTPError(.notFound) }
        var query = try CatalogQuery(query: CatalogQuery.parameters(request.uri.query))
        if provider { query.provider = name } else { query.domain = name }
        return Responses.html(try ListPage.render(index: current, query: query, scope: provider ? .department(name) : .topic(name)))
    }

    /// A series or version identifier (`DatasetURI`: `/id/<资源代码>[/<version>]`; a code may
    /// itself hold `/`) answers with a redirect to its dataset page; 404 for a code no
    /// published dataset has, or a version it does not have.
    func resolveIdentifier(_ request: Request) throws -> Response {
        let rest = Array(try segments(request).dropFirst())
        let records = index.current().records
        func dataset(_ code: ArraySlice<String>) -> String? {
            let joined = code.joined(separator: "/")
            return records.first { $0.code == joined }?.id
        }
        if !rest.isEmpty, let id = dataset(rest[...]) { return Responses.redirect("/datasets/\(HTML.urlComponent(id))") }
        if rest.count >= 2, let id = dataset(rest.dropLast()), let notice = store.withdrawn(id, version: rest.last) { return Self.gone(notice) }
        if let notice = withdrawnIdentifier(rest) { return Self.gone(notice) }
        guard rest.count >= 2, let id = dataset(rest.dropLast()), let version = rest.last,
              store.versions(id).contains(where: { $0.isPublished && $0.version == version }) else { throw HTTPError(.notFound) }
        return Responses.redirect("/datasets/\(HTML.urlComponent(id))?version=\(HTML.urlComponent(version))")
    }

    /// New versions of every published dataset (each one's newest, the 200 most recent),
    /// every correction notice and every withdrawal.
    func siteFeed() -> Response {
        let records = index.current().records
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let recent = records.filter { $0.updated != nil }.sorted { ($0.updated!, $0.id) > ($1.updated!, $1.id) }.prefix(AtomFeed.limit)
        var entries = recent.compactMap { r in store.versions(r.id).last(where: \.isPublished).map { AtomFeed.version(r, $0) } }
        entries += errata().compactMap { e in byID[e.dataset].map { AtomFeed.erratum($0, e) } }
        entries += withdrawalEntries()
        return Responses.atom(AtomFeed.site(entries: entries))
    }

    /// One dataset's published versions, correction notices and withdrawals (a dataset
    /// withdrawn as a whole keeps a feed of its withdrawals).
    func datasetFeed(_ request: Request) throws -> Response {
        let s = try segments(request)
        guard s.count > 1, SafePath.isDatasetId(s[1]) else { throw HTTPError(.notFound) }
        let id = s[1]
        let versions = store.versions(id).filter(\.isPublished)
        let withdrawn = withdrawalEntries(dataset: id)
        let listed = index.current().records.first(where: { $0.id == id })
        guard let record = listed ?? (withdrawn.isEmpty ? nil : DatasetRecord(id: id, title: store.tombstones(id).last?.title ?? id)),
              listed == nil || !versions.isEmpty else { throw HTTPError(.notFound) }
        let entries = versions.map { AtomFeed.version(record, $0) } + errata().filter { $0.dataset == id }.map { AtomFeed.erratum(record, $0) } + withdrawn
        return Responses.atom(AtomFeed.dataset(AtomFeed.Dataset(record), entries: entries))
    }

    /// `GET /api/changes?since=T`: versions published, notices recorded, and withdrawals and
    /// restores (`kind` `withdrawal`, `restore`) after `T` (UTC,
    /// `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ssZ`), oldest first, at most 1,000; when more are
    /// left, `next_since` is the time to ask from next. Only datasets updated after `T` are read.
    func changes(_ request: Request) throws -> Response {
        guard let raw = CatalogQuery.parameters(request.uri.query)["since"], let since = Self.utc(raw) else {
            return Responses.json(["error": "since 参数必填，格式为 YYYY-MM-DD 或 YYYY-MM-DDThh:mm:ssZ（UTC）"], status: .badRequest)
        }
        let records = index.current().records
        var items: [(time: String, json: ArtifactJSON)] = []
        for r in records where (r.updated ?? "") > since {
            for v in store.versions(r.id) where v.isPublished && (v.created ?? "") > since {
                var o: ArtifactJSON = ["kind": "version", "dataset": .string(r.id), "code": ArtifactJSON(r.code), "version": .string(v.version),
                                       "time": ArtifactJSON(v.created), "identifier": .string(DatasetURI.version(code: r.code ?? r.id, version: v.version, baseURL: nil)),
                                       "url": .string("/api/datasets/\(r.id)?version=\(v.version)")]
                if let changes = v.changes { o["changes"] = (try? ArtifactJSON(encoding: changes)) ?? .null }
                items.append((v.created ?? "", o))
            }
        }
        items += withdrawalChanges(since: since)
        for e in errata() where e.recorded > since {
            var o = Self.publicJSON(e)
            o["kind"] = "erratum"
            o["dataset"] = .string(e.dataset)
            items.append((e.recorded, o))
        }
        items.sort { $0.time < $1.time }
        let limit = 1000
        var answer: ArtifactJSON = ["since": .string(since), "changes": .array(items.prefix(limit).map(\.json))]
        if items.count > limit { answer["next_since"] = .string(items[limit - 1].time) }
        return Responses.json(answer)
    }

    /// `2026-12-01` or `2026-12-01T08:00:00Z` as the latter; nil for anything else.
    static func utc(_ text: String) -> String? {
        let full = text.count == 10 ? text + "T00:00:00Z" : text
        let digits = Array(full.utf8)
        guard digits.count == 20 else { return nil }
        for (i, c) in digits.enumerated() {
            let expected: UInt8? = switch i { case 4, 7: UInt8(ascii: "-"); case 10: UInt8(ascii: "T"); case 13, 16: UInt8(ascii: ":"); case 19: UInt8(ascii: "Z"); default: nil }
            if let expected { guard c == expected else { return nil } } else { guard (0x30...0x39).contains(c) else { return nil } }
        }
        return full
    }

    /// A notice as researchers see it: without who recorded it.
    static func publicJSON(_ e: Erratum) -> ArtifactJSON {
        ["number": .string(e.number), "version": .string(e.version), "text": .string(e.text), "time": .string(e.recorded), "fixed_in": ArtifactJSON(e.fixedIn)]
    }

    func errata() -> [Erratum] { store.errata() }

    func segments(_ request: Request) throws -> [String] {
        guard let s = SafePath.segments(rawPath: request.uri.path) else { throw HTTPError(.notFound) }
        return s
    }

    /// The dataset id at `index` and its published versions (404 when none).
    func publishedVersions(_ request: Request, index: Int) throws -> (String, [VersionRecord]) {
        let s = try segments(request)
        guard s.count > index, SafePath.isDatasetId(s[index]) else { throw HTTPError(.notFound) }
        let versions = store.versions(s[index]).filter(\.isPublished)
        guard !versions.isEmpty else { throw HTTPError(.notFound) }
        return (s[index], versions)
    }

    func chosenVersion(_ request: Request, _ versions: [VersionRecord]) throws -> VersionRecord {
        if let wanted = CatalogQuery.parameters(request.uri.query)["version"], !wanted.isEmpty, wanted != "latest" {
            guard let v = versions.first(where: { $0.version == wanted }) else { throw HTTPError(.notFound) }
            return v
        }
        return versions.last(where: \.isLatest) ?? versions[versions.count - 1]
    }

    func datasetPage(_ request: Request) throws -> Response {
        if let gone = try gone(request, index: 1, version: queryVersion(request), json: false) { return gone }
        let (id, versions) = try publishedVersions(request, index: 1)
        let version = try chosenVersion(request, versions)
        let record = store.record(id, version: version, openList: index.current().openList)
        let detail = ReleaseDetail(store: store, id: id, version: version)
        let base = "/datasets/\(HTML.urlComponent(id))/\(HTML.urlComponent(version.version))/"
        // A conditional dataset's rows are never previewed: its page offers the application instead.
        let conditional = access.isConditional(id)
        return Responses.html(DatasetPage.render(record: record, detail: detail, versions: versions,
                                                 sample: conditional ? nil : SampleView.portal(detail.sample(store: store, rows: 20), query: request.uri.query, fields: detail.fields),
                                                 filesBase: base, extra: conditional ? AccessPage.applyCard(dataset: id, conditions: access.conditions(id)) : "",
                                                 errata: errata().filter { $0.dataset == id },
                                                 rowsAPI: conditional ? nil : RowsRoutes.publicPath(store: store, record: record, version: version.version),
                                                 feedback: FeedbackPage.section(dataset: id, version: version.version, items: store.feedback(id), usage: usage.current())))
    }

    func apiDataset(_ request: Request) throws -> Response {
        if let gone = try gone(request, index: 2, version: queryVersion(request), json: true) { return gone }
        let (id, versions) = try publishedVersions(request, index: 2)
        let version = try chosenVersion(request, versions)
        let detail = ReleaseDetail(store: store, id: id, version: version)
        var o = store.record(id, version: version, openList: index.current().openList).json
        o["version"] = version.json
        o["fields"] = .array(detail.fields.map(\.json))
        o["downloads"] = .array(detail.downloads.map { f in
            ["label": .string(f.label), "name": .string(f.name), "bytes": ArtifactJSON(f.bytes), "sha256": ArtifactJSON(f.sha256),
             "url": .string("/datasets/\(id)/\(version.version)/\(f.name)"), "latest_url": .string("/datasets/\(id)/latest/\(f.name)")]
        })
        o["errata"] = .array(errata().filter { $0.dataset == id }.map(Self.publicJSON))
        let quality = detail.qualitySummary
        o["quality"] = ["overall_score": quality["overall_score"] ?? .null, "dimensions": quality["dimensions"] ?? .null,
                        "gate": quality["gate"]?["decision"] ?? .null, "failing_rules": quality["failing_rules"] ?? .null]
        let privacy = detail.privacySummary
        o["privacy"] = ["k_target": privacy["k_target"] ?? .null, "k_achieved": privacy["k_achieved"] ?? .null,
                        "quasi_identifiers": privacy["quasi_identifiers"] ?? .null,
                        "identifier_hits_after": privacy["identifier_hits_after"] ?? .null]
        o["versions"] = .array(versions.reversed().map(\.json))
        if access.isConditional(id) {
            o["access"] = ["conditional": true, "conditions": ArtifactJSON(access.conditions(id)), "apply": .string("/api/datasets/\(id)/applications")]
        }
        return Responses.json(o)
    }

    /// `/datasets/{id}/{version|latest}/{file…}`: only files listed in SHA256SUMS (plus the
    /// checksum files and the package zip), resolved inside the release folder.
    func download(_ request: Request, segments s: [String]) throws -> Response {
        guard s.count >= 4, s[0] == "datasets", SafePath.isDatasetId(s[1]) else { throw HTTPError(.notFound) }
        let id = s[1]
        if let notice = store.withdrawn(id, version: s[2]) { return Self.gone(notice) }
        let versions = store.versions(id).filter(\.isPublished)
        let version: VersionRecord?
        if s[2] == "latest" {
            version = versions.last(where: \.isLatest) ?? versions.last
        } else {
            version = SafePath.isVersion(s[2]) ? versions.first { $0.version == s[2] } : nil
        }
        guard let version else { throw HTTPError(.notFound) }
        let name = s[3...].joined(separator: "/")
        if !AccessPolicy.publicFiles.contains(name),
           let refused = access.refusal(request, dataset: id, version: version.version, use: .download, path: name, api: false) { return refused }
        let restricted = !AccessPolicy.publicFiles.contains(name) && access.isConditional(id)
        func served(_ response: Response) -> Response {
            var response = response
            if restricted { AccessPolicy.keepPrivate(&response) }
            return response
        }
        let zipName = "\(id)-\(version.version).zip"
        countDownload(request, dataset: id, version: version.version, file: name)
        if s.count == 4, name == zipName || name == "package.zip" {
            let packages = store.root.appendingPathComponent("packages")
            guard let file = SafePath.contained(store.packageZip(id, version.version), in: packages) else { throw HTTPError(.notFound) }
            return served(try FileResponder.respond(file: file, sha256: nil, request: request, downloadName: zipName))
        }
        let sums = store.checksums(id, version.version)
        let listed = sums?[name] != nil || name == SHA256Sums.fileName || (name == SHA256Sums.signatureName && version.metadata.isSigned)
        guard listed else { throw HTTPError(.notFound) }
        let folder = store.releaseDirectory(id, version.version)
        guard SafePath.contained(folder, in: store.releasesDirectory.appendingPathComponent(id)) != nil,
              let file = SafePath.contained(folder.appendingPathComponent(name), in: folder) else { throw HTTPError(.notFound) }
        return served(try FileResponder.respond(file: file, sha256: sums?[name], request: request, downloadName: (name as NSString).lastPathComponent))
    }

    /// Counts a GET of a data file or the package (not the checksums or descriptions, and a
    /// ranged request only at its first byte, so a resumed download counts once); a request
    /// for a file that turns out not to exist is counted too, as the figures are rough.
    func countDownload(_ request: Request, dataset: String, version: String, file: String) {
        guard request.method == .get, !AccessPolicy.publicFiles.contains(file), file != SHA256Sums.fileName else { return }
        if let range = request.headers[.range], !range.hasPrefix("bytes=0-") { return }
        usage.count(dataset, version, .download)
    }

    /// The catalog step's files; `dcat.jsonld?modified_since=T` answers with `CatalogSince`.
    func catalogFile(_ request: Request) throws -> Response {
        let s = try segments(request)
        guard s.count == 2, ["dcat.jsonld", "open-list.csv", "open-list.json", "open-list.html", "open-list.js", "feed.atom"].contains(s[1]) else { throw HTTPError(.notFound) }
        let folder = store.root.appendingPathComponent("catalog")
        guard let file = SafePath.contained(folder.appendingPathComponent(s[1]), in: folder) else { throw HTTPError(.notFound) }
        if s[1] == "dcat.jsonld", let raw = CatalogQuery.parameters(request.uri.query)["modified_since"] {
            guard let since = Self.utc(raw) else {
                return Responses.json(["error": "modified_since 参数格式为 YYYY-MM-DD 或 YYYY-MM-DDThh:mm:ssZ（UTC）"], status: .badRequest)
            }
            guard let data = FileManager.default.contents(atPath: file.path), let cut = CatalogSince.filter(catalog: data, since: since) else {
                throw HTTPError(.notFound)
            }
            return Responses.json(cut, type: "application/ld+json")
        }
        return try FileResponder.respond(file: file, sha256: nil, request: request, downloadName: nil)
    }
}

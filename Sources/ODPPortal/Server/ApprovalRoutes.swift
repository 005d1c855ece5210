import Foundation
import Hummingbird
import ODPCore

/// `/approvals`: the queue (releases awaiting approval and releases held by a gate), the
/// review page of one release with its report files, and the decision POST.
///
/// # Security
/// Everything under `/approvals` needs the token: with none configured the portal refuses
/// it (403, saying how to start with one), so no request can record a decision on an open
/// portal. Reading takes the token in a header or the review cookie (`ReviewSession`,
/// eight hours); a POST needs it in the `X-ODP-Token` / `Authorization: Bearer` header or
/// the `token` form field, never the cookie alone.
struct ApprovalRoutes: Sendable {
    let store: PortalStore
    let token: String?
    let catalogs: [String: CatalogMetadata]
    let onDecision: PortalDecisionHandler

    /// Releases held by a gate, laid out like the output root (`<output>/held/`).
    var heldStore: PortalStore { PortalStore(root: store.root.appendingPathComponent("held")) }

    func register(on router: Router<PortalContext>) {
        router.get("/approvals") { request, _ in
            if let refused = refusal(request) { return refused }
            let q = CatalogQuery.parameters(request.uri.query)
            var message: String?
            if let id = q["dataset"], let v = q["version"] {
                message = q["result"] == "approved" ? "已通过 \(id) \(v)，下次运行 odp run 时发布。" : q["result"] == "rejected" ? "已驳回 \(id) \(v)。" : nil
            }
            return Responses.html(ApprovalsPage.queue(store: store, held: heldStore, message: message))
        }
        router.post("/approvals/login") { request, _ in
            guard let token else { return Responses.html(ApprovalsPage.noToken(), status: .forbidden) }
            let form = try await Self.form(request)
            guard let given = form["token"], Self.equal(given, token) else {
                return Responses.html(ApprovalsPage.login(failed: true), status: .forbidden)
            }
            return Responses.redirect("/approvals", headers: [.setCookie: ReviewSession(token: token).setCookie()])
        }
        router.get("/approvals/{id}/{version}") { request, _ in
            if let refused = refusal(request) { return refused }
            let (id, version, source) = try release(request)
            var record = source.record(id, version: version)
            if let catalog = catalogs[id] { record.merge(catalog: catalog) }
            let detail = ReleaseDetail(store: source, id: id, version: version)
            let form = ApprovalsPage.form(id: id, version: version, reportsBase: reviewFilesBase(id, version.version))
            return Responses.html(DatasetPage.render(record: record, detail: detail, versions: source.versions(id),
                                                     sample: SampleView.portal(detail.sample(store: source, rows: 20), query: request.uri.query, fields: detail.fields),
                                                     filesBase: nil, extra: form))
        }
        router.get("/approvals/{id}/{version}/**") { request, _ in
            if let refused = refusal(request) { return refused }
            return try reviewFile(request)
        }
        router.post("/approvals/{id}/{version}") { request, _ in
            guard let token else { throw HTTPError(.forbidden) }
            let form = try await Self.form(request)
            let given = Self.headerToken(request) ?? form["token"] ?? ""
            guard Self.equal(given, token) else { throw HTTPError(.forbidden) }
            let (id, version, _) = try release(request)
            guard version.isAwaitingApproval else { throw HTTPError(.conflict) }
            let by = (form["by"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let note = form["note"].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
            guard let decision = form["decision"], decision == "approve" || decision == "reject",
                  !by.isEmpty, by.count <= 100, (note?.count ?? 0) <= 1000 else { throw HTTPError(.badRequest) }
            try onDecision(id, version.version, decision == "approve", by, note)
            let result = decision == "approve" ? "approved" : "rejected"
            return Responses.redirect("/approvals?result=\(result)&dataset=\(HTML.urlComponent(id))&version=\(HTML.urlComponent(version.version))")
        }
    }

    /// The page answering a request that may not read the queue, or nil when it may.
    func refusal(_ request: Request) -> Response? {
        guard token != nil else { return Responses.html(ApprovalsPage.noToken(), status: .forbidden) }
        return canRead(request) ? nil : Responses.html(ApprovalsPage.login(failed: false), status: .unauthorized)
    }

    /// The release a review path names — under `releases/` (awaiting approval) or `held/` —
    /// and the store that holds it.
    func release(_ request: Request) throws -> (String, VersionRecord, PortalStore) {
        guard let s = SafePath.segments(rawPath: request.uri.path), s.count >= 3,
              SafePath.isDatasetId(s[1]), SafePath.isVersion(s[2]) else { throw HTTPError(.notFound) }
        for source in [store, heldStore] {
            if let v = source.versions(s[1]).first(where: { $0.version == s[2] }) { return (s[1], v, source) }
        }
        throw HTTPError(.notFound)
    }

    func reviewFilesBase(_ id: String, _ version: String) -> String {
        ApprovalsPage.reviewPath(id, version) + "/"
    }

    /// `/approvals/{id}/{version}/{file…}`: a file listed in the release's SHA256SUMS (the
    /// reports, README, data), for the reviewer only.
    func reviewFile(_ request: Request) throws -> Response {
        let (id, version, source) = try release(request)
        guard let s = SafePath.segments(rawPath: request.uri.path), s.count >= 4 else { throw HTTPError(.notFound) }
        let name = s[3...].joined(separator: "/")
        let sums = source.checksums(id, version.version)
        guard sums?[name] != nil || name == SHA256Sums.fileName else { throw HTTPError(.notFound) }
        let folder = source.releaseDirectory(id, version.version)
        guard SafePath.contained(folder, in: source.releasesDirectory.appendingPathComponent(id)) != nil,
              let file = SafePath.contained(folder.appendingPathComponent(name), in: folder) else { throw HTTPError(.notFound) }
        return try FileResponder.respond(file: file, sha256: sums?[name], request: request, downloadName: nil)
    }

    func canRead(_ request: Request) -> Bool {
        guard let token else { return false }
        if let given = Self.headerToken(request), Self.equal(given, token) { return true }
        if let cookie = Self.cookie(request, ReviewSession.cookieName), ReviewSession(token: token).isValid(cookie) { return true }
        return false
    }

    static func headerToken(_ request: Request) -> String? {
        if let t = request.headers[HeaderName.odpToken] { return t }
        if let auth = request.headers[.authorization], auth.hasPrefix("Bearer ") { return String(auth.dropFirst(7)) }
        return nil
    }

    static func cookie(_ request: Request, _ name: String) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == name { return String(kv[1]) }
            }
        }
        return nil
    }

    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        return CatalogQuery.parameters(String(buffer: buffer))
    }

    /// Constant-time comparison: both sides are hashed first, so neither the length nor a
    /// common prefix shows in the timing.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(SHA256Hex.of(Array(a.utf8)).utf8), y = Array(SHA256Hex.of(Array(b.utf8)).utf8)
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

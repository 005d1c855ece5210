import Foundation
import Hummingbird
import ODPCore

/// `/approvals`: the queue, the review page of one release and the decision POST. With a
/// token configured, reading needs the token (header or the login cookie) and every POST
/// needs it in the `X-ODP-Token` / `Authorization: Bearer` header or the `token` form field.
struct ApprovalRoutes: Sendable {
    let store: PortalStore
    let token: String?
    let onDecision: PortalDecisionHandler

    static let cookieName = "odp_review"

    func register(on router: Router<BasicRequestContext>) {
        router.get("/approvals") { request, _ in
            guard canRead(request) else { return Responses.html(ApprovalsPage.login(failed: false), status: .unauthorized) }
            let q = CatalogQuery.parameters(request.uri.query)
            var message: String?
            if let id = q["dataset"], let v = q["version"] {
                message = q["result"] == "approved" ? "已通过 \(id) \(v)，下次运行 odp run 时发布。" : q["result"] == "rejected" ? "已驳回 \(id) \(v)。" : nil
            }
            return Responses.html(ApprovalsPage.queue(store: store, message: message))
        }
        router.post("/approvals/login") { request, _ in
            try checkOrigin(request)
            let form = try await Self.form(request)
            guard let token, let given = form["token"], Self.equal(given, token) else {
                return Responses.html(ApprovalsPage.login(failed: true), status: .forbidden)
            }
            return Responses.redirect("/approvals", headers: [.setCookie: "\(Self.cookieName)=\(sessionValue(token)); Path=/approvals; HttpOnly; SameSite=Strict"])
        }
        router.get("/approvals/{id}/{version}") { request, _ in
            guard canRead(request) else { return Responses.html(ApprovalsPage.login(failed: false), status: .unauthorized) }
            let (id, version) = try release(request)
            let record = store.record(id, version: version)
            let detail = ReleaseDetail(store: store, id: id, version: version)
            let form = ApprovalsPage.form(id: id, version: version, needsToken: token != nil)
            return Responses.html(DatasetPage.render(record: record, detail: detail, versions: store.versions(id),
                                                     sample: detail.sample(store: store, rows: 20), filesBase: nil, extra: form))
        }
        router.post("/approvals/{id}/{version}") { request, _ in
            try checkOrigin(request)
            let form = try await Self.form(request)
            if let token {
                let given = Self.headerToken(request) ?? form["token"] ?? ""
                guard Self.equal(given, token) else { throw HTTPError(.forbidden) }
            }
            let (id, version) = try release(request)
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

    func release(_ request: Request) throws -> (String, VersionRecord) {
        guard let s = SafePath.segments(rawPath: request.uri.path), s.count == 3,
              SafePath.isDatasetId(s[1]), SafePath.isVersion(s[2]),
              let v = store.versions(s[1]).first(where: { $0.version == s[2] }) else { throw HTTPError(.notFound) }
        return (s[1], v)
    }

    func canRead(_ request: Request) -> Bool {
        guard let token else { return true }
        if let given = Self.headerToken(request), Self.equal(given, token) { return true }
        if let cookie = Self.cookie(request, Self.cookieName), Self.equal(cookie, sessionValue(token)) { return true }
        return false
    }

    /// A value derived from the token, so the cookie never holds the token itself.
    func sessionValue(_ token: String) -> String {
        SHA256Hex.of(Array("odp-portal-review\u{0}\(token)".utf8))
    }

    /// Refuses cross-site form posts (a page elsewhere posting to a localhost portal).
    func checkOrigin(_ request: Request) throws {
        if request.headers[HeaderName.secFetchSite] == "cross-site" { throw HTTPError(.forbidden) }
        guard let origin = request.headers[.origin] else { return }
        let host = request.head.authority ?? request.headers[HeaderName.host]
        let originHost = origin.components(separatedBy: "://").last ?? ""
        guard let host, originHost == host else { throw HTTPError(.forbidden) }
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

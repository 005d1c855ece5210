import Foundation
import Hummingbird
import ODPCore

/// 数据申请: researchers apply for a 有条件开放 dataset (the form on its page, or
/// `POST /api/datasets/{id}/applications` with JSON), and data officers decide under
/// `/approvals/access` with the approval token, like release approvals.
///
/// # Limits
/// Bodies over 16 KiB are refused (413), submissions are rate-limited (10 per client address
/// and 200 in all per 10 minutes, 429), every field is validated (`AccessForm`) and
/// escaped wherever it is shown. The applicant's data goes only to the private
/// `state/access/applications.json`; the audit trail gets the application number.
struct AccessRoutes: Sendable {
    let policy: AccessPolicy
    let approvals: ApprovalRoutes
    let store: PortalStore
    /// 10 submissions per client and 200 from everyone per 10 minutes.
    let guarded = PublicSubmission(prefix: "application", perClient: 10, everyone: 200)

    /// The POST paths of application status lookups, which the middleware lets through
    /// (same origin only) besides the submissions (`PublicSubmission.isSubmission`).
    static func isStatusLookup(_ path: String) -> Bool {
        path == ApplicationStatusPage.path || path == ApplicationStatusRoutes.apiPath
    }

    func register(on router: Router<PortalContext>) {
        router.post("/datasets/{id}/applications") { request, context in try await submit(request, context, api: false) }
        router.post("/api/datasets/{id}/applications") { request, context in try await submit(request, context, api: true) }
        router.get("/approvals/access") { request, _ in
            if let refused = approvals.refusal(request) { return refused }
            let q = CatalogQuery.parameters(request.uri.query)
            let message = q["number"].flatMap { n in q["result"].map { "\(n)：\($0 == "revoked" ? "令牌已撤销" : "已驳回")" } }
            return Responses.html(AccessPage.queue(try policy.book.applications(), settings: policy.settings, message: message))
        }
        router.post("/approvals/access") { request, _ in try await decide(request) }
        ApplicationStatusRoutes(policy: policy, store: store).register(on: router)
    }

    func submit(_ request: Request, _ context: PortalContext, api: Bool) async throws -> Response {
        guard let s = SafePath.segments(rawPath: request.uri.path), s.count == (api ? 4 : 3), SafePath.isDatasetId(s[api ? 2 : 1]) else {
            throw HTTPError(.notFound)
        }
        let id = s[api ? 2 : 1]
        guard store.versions(id).contains(where: \.isPublished) else { throw HTTPError(.notFound) }
        func problem(_ status: HTTPResponse.Status, _ code: String, _ message: String, fields: [String: String] = [:], values: [String: String] = [:]) -> Response {
            if api {
                var o: ArtifactJSON = ["error": .string(code), "message": .string(message)]
                if !fields.isEmpty { o["fields"] = .object(fields.mapValues { .string($0) }) }
                return Responses.json(o, status: status)
            }
            let card = AccessPage.applyCard(dataset: id, conditions: policy.conditions(id), problems: fields.isEmpty ? ["_": message] : fields, values: values)
            return Responses.html(Layout.page(title: "数据申请", active: .catalog, body: card), status: status)
        }
        guard policy.isConditional(id) else {
            return problem(.conflict, "application_not_conditional", "该数据集为无条件开放，可直接下载，无需申请。")
        }
        let values: [String: String]
        switch await guarded.read(request, context, api: api, fields: AccessForm.limits.map { $0.field }, flags: ["accept_conditions"]) {
        case .failure(let r):
            var response = problem(r.status, r.code, r.message)
            if let wait = r.retryAfter { response.headers[.retryAfter] = wait }
            return response
        case .success(let v): values = v
        }
        let accepted = ["yes", "true", "on"].contains(values["accept_conditions"] ?? "")
        let applicant: AccessBook.Applicant
        switch AccessForm.validate(values, accepted: accepted) {
        case .failure(let problems): return problem(.badRequest, "application_invalid", "申请信息不完整或有误。", fields: problems.byField, values: values)
        case .success(let a): applicant = a
        }
        let secret = AccessBook.newStatusSecret()
        let application = try policy.book.submit(dataset: id, applicant: applicant, conditions: policy.conditions(id) ?? "", statusSecret: secret)
        policy.record("access_applied", id, AuditDetails(via: "portal", application: application.number))
        // The 查询码 is shown this once (only its hash is kept): nothing may cache the answer.
        var response: Response
        if api {
            response = Responses.json(["application": .string(application.number), "dataset": .string(id), "status": .string(application.status.rawValue),
                                       "review_working_days": .int(Int64(policy.settings.reviewWorkingDays)), "status_secret": .string(secret),
                                       "status_url": .string(ApplicationStatusRoutes.apiPath)], status: .created)
        } else {
            let title = store.dataset(id)?.title ?? id
            response = Responses.html(AccessPage.submitted(application, title: title, reviewDays: policy.settings.reviewWorkingDays, statusSecret: secret),
                                      status: .created)
        }
        return ApplicationStatusRoutes.noStore(response)
    }

    /// The officer's decision: approve (answers with the token, once), reject or revoke.
    func decide(_ request: Request) async throws -> Response {
        guard let token = approvals.token else { throw HTTPError(.forbidden) }
        let form = try await ApprovalRoutes.form(request)
        guard ApprovalRoutes.equal(ApprovalRoutes.headerToken(request) ?? form["token"] ?? "", token) else { throw HTTPError(.forbidden) }
        let by = (form["by"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let note = form["note"].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        let first = form["first_version"].flatMap { $0.isEmpty ? nil : $0 }, last = form["last_version"].flatMap { $0.isEmpty ? nil : $0 }
        guard let number = form["number"], !number.isEmpty, number.count <= 40, let decision = form["decision"],
              ["approve", "reject", "revoke"].contains(decision), !by.isEmpty, by.count <= 100, (note?.count ?? 0) <= 1000,
              first.map(SafePath.isVersion) ?? true, last.map(SafePath.isVersion) ?? true else { throw HTTPError(.badRequest) }
        do {
            switch decision {
            case "approve":
                let (a, issued) = try policy.book.approve(number, by: by, note: note, days: policy.settings.tokenDays, firstVersion: first, lastVersion: last)
                policy.record("access_approved", a.dataset, AuditDetails(version: first ?? last, by: by, via: "portal", application: number))
                var r = Responses.html(AccessPage.issued(a, token: issued))
                r.headers[.cacheControl] = "no-store"
                return r
            case "reject":
                let a = try policy.book.reject(number, by: by, note: note)
                policy.record("access_rejected", a.dataset, AuditDetails(by: by, via: "portal", application: number))
                return Responses.redirect("/approvals/access?result=rejected&number=\(HTML.urlComponent(number))")
            default:
                let a = try policy.book.revoke(number, by: by, note: note)
                policy.record("access_revoked", a.dataset, AuditDetails(by: by, via: "portal", application: number))
                return Responses.redirect("/approvals/access?result=revoked&number=\(HTML.urlComponent(number))")
            }
        } catch let error as ODPError where error.code == .accessApplication {
            return Responses.html(AccessPage.queue(try policy.book.applications(), settings: policy.settings, message: error.message), status: .conflict)
        }
    }
}

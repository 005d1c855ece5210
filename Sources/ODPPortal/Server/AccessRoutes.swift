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
    /// 10 submissions per client and 200 from everyone per 10 minutes (token buckets).
    let perClient = RateLimiter(perSecond: 10.0 / 600, burst: 10)
    let everyone = RateLimiter(perSecond: 200.0 / 600, burst: 200)

    static let bodyLimit = 16 * 1024

    /// The POST paths of applications, which the middleware lets through (same origin only).
    static func isSubmission(_ path: String) -> Bool {
        let s = path.split(separator: "/", omittingEmptySubsequences: false)
        return (s.count == 4 && s[1] == "datasets" && s[3] == "applications")
            || (s.count == 5 && s[1] == "api" && s[2] == "datasets" && s[4] == "applications")
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
        guard perClient.take(context.remoteAddress?.ipAddress ?? "local") == nil, everyone.take("all") == nil else {
            var r = problem(.tooManyRequests, "application_rate_limited", "提交过于频繁，请 10 分钟后再试。")
            r.headers[.retryAfter] = "600"
            return r
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.bodyLimit) } catch {
            return problem(.contentTooLarge, "application_too_large", "申请内容超过 16 KiB，请精简后再提交。")
        }
        var values: [String: String] = [:]
        var accepted = false
        if api {
            guard let object = try? JSONDecoder().decode(ArtifactJSON.self, from: Data(body.readableBytesView)), case .object = object else {
                return problem(.badRequest, "application_bad_json", "请求体须为 JSON 对象（Content-Type: application/json）。")
            }
            for (field, _, _) in AccessForm.limits {
                switch object[field] {
                case .string(let v)?: values[field] = v
                case nil: break
                default: return problem(.badRequest, "application_bad_json", "字段 \(field) 须为字符串。")
                }
            }
            accepted = object["accept_conditions"] == .bool(true)
        } else {
            let form = CatalogQuery.parameters(String(buffer: body))
            for (field, _, _) in AccessForm.limits { values[field] = form[field] }
            accepted = ["yes", "true", "on"].contains(form["accept_conditions"] ?? "")
        }
        let applicant: AccessBook.Applicant
        switch AccessForm.validate(values, accepted: accepted) {
        case .failure(let problems): return problem(.badRequest, "application_invalid", "申请信息不完整或有误。", fields: problems.byField, values: values)
        case .success(let a): applicant = a
        }
        let application = try policy.book.submit(dataset: id, applicant: applicant, conditions: policy.conditions(id) ?? "")
        policy.record("access_applied", id, AuditDetails(via: "portal", application: application.number))
        if api {
            return Responses.json(["application": .string(application.number), "dataset": .string(id), "status": .string(application.status.rawValue),
                                   "review_working_days": .int(Int64(policy.settings.reviewWorkingDays))], status: .created)
        }
        let title = store.dataset(id)?.title ?? id
        return Responses.html(AccessPage.submitted(application, title: title, reviewDays: policy.settings.reviewWorkingDays), status: .created)
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

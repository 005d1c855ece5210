import Foundation
import Hummingbird
import ODPCore

/// 纠错与意见: anyone sends a correction or a request on a published dataset (the form on its
/// page, or `POST /api/datasets/{id}/feedback` with JSON) and gets an acknowledgement number;
/// the public follows its status on the dataset page, `/feedback` and
/// `GET /api/datasets/{id}/feedback`; data officers answer under `/approvals/feedback` with the
/// approval token, or with `odp feedback`. See docs/feedback.md.
///
/// # Limits and privacy
/// `PublicSubmission`'s guard (5 per client and 100 in all per 10 minutes, 16 KiB bodies),
/// `FeedbackForm`'s checks (text ≤ 2,000 characters), escaping wherever a text is shown. The
/// contact is kept only in the private `state/feedback/<dataset>.public.json`; a text in
/// which the published-file scanner (`gate`) finds a personal identifier is stored but shown
/// publicly as “内容含个人信息，不予公开” — and so is every text when no scanner is given
/// (fail closed). The audit trail gets the feedback number only.
struct FeedbackRoutes: Sendable {
    let store: PortalStore
    let approvals: ApprovalRoutes
    let gate: (any PublishedFileGate)?
    let record: PortalAccessRecorder
    /// Submissions per client per 10 minutes (the /api page states it).
    static let perClient = 5
    let guarded = PublicSubmission(prefix: "feedback", perClient: perClient, everyone: 100)
    var book: FeedbackBook { FeedbackBook(state: store.root.appendingPathComponent("state")) }

    static let fields = ["kind", "text", "contact", "version"]

    func register(on router: Router<PortalContext>) {
        router.post("/datasets/{id}/feedback") { request, context in try await submit(request, context, api: false) }
        router.post("/api/datasets/{id}/feedback") { request, context in try await submit(request, context, api: true) }
        router.get("/api/datasets/{id}/feedback") { request, _ in
            let id = try dataset(request, api: true)
            guard let number = FeedbackListPage.number(request.uri.query) else {
                return Responses.json(RowsAPIError.bad("bad_page", FeedbackListPage.badPage).json, status: .badRequest)
            }
            guard let page = FeedbackListPage(store.feedback(id), page: number) else { throw HTTPError(.notFound) }
            let next: ArtifactJSON = page.page < page.pages ? .string("/api/datasets/\(id)/feedback?page=\(page.page + 1)") : .null
            return Responses.json(["dataset": .string(id), "count": .int(Int64(page.count)), "page": .int(Int64(page.page)),
                                   "pages": .int(Int64(page.pages)), "next": next, "feedback": .array(page.items.map(Self.publicJSON))])
        }
        router.get("/feedback") { request, _ in
            guard let number = FeedbackListPage.number(request.uri.query) else {
                return Responses.html(FeedbackPage.badPage(), status: .badRequest)
            }
            guard let page = FeedbackListPage(store.datasetIds().flatMap { store.feedback($0) }, page: number) else { throw HTTPError(.notFound) }
            return Responses.html(FeedbackPage.publicList(page))
        }
        router.get("/approvals/feedback") { request, _ in
            if let refused = approvals.refusal(request) { return refused }
            let q = CatalogQuery.parameters(request.uri.query)
            let message = q["number"].flatMap { n in q["result"].flatMap(FeedbackItem.Status.init(rawValue:)).map { "\(n)：\($0.title)" } }
            return Responses.html(FeedbackPage.queue((try? book.all()) ?? [], message: message))
        }
        router.post("/approvals/feedback") { request, _ in try await decide(request) }
    }

    /// The dataset id of `/datasets/{id}/…` or `/api/datasets/{id}/…`; 404 unless it has a published version.
    func dataset(_ request: Request, api: Bool) throws -> String {
        guard let s = SafePath.segments(rawPath: request.uri.path), s.count > (api ? 2 : 1), SafePath.isDatasetId(s[api ? 2 : 1]) else {
            throw HTTPError(.notFound)
        }
        let id = s[api ? 2 : 1]
        guard store.versions(id).contains(where: \.isPublished) else { throw HTTPError(.notFound) }
        return id
    }

    func submit(_ request: Request, _ context: PortalContext, api: Bool) async throws -> Response {
        let id = try dataset(request, api: api)
        func problem(_ status: HTTPResponse.Status, _ code: String, _ message: String, fields: [String: String] = [:], values: [String: String] = [:]) -> Response {
            if api {
                var o: ArtifactJSON = ["error": .string(code), "message": .string(message)]
                if !fields.isEmpty { o["fields"] = .object(fields.mapValues { .string($0) }) }
                return Responses.json(o, status: status)
            }
            let form = FeedbackPage.form(dataset: id, version: values["version"], problems: fields.isEmpty ? ["_": message] : fields, values: values)
            return Responses.html(Layout.page(title: "纠错与意见", active: .catalog, body: form), status: status)
        }
        let values: [String: String]
        switch await guarded.read(request, context, api: api, fields: Self.fields) {
        case .failure(let r):
            var response = problem(r.status, r.code, r.message)
            if let wait = r.retryAfter { response.headers[.retryAfter] = wait }
            return response
        case .success(let v): values = v
        }
        let submission: FeedbackForm.Submission
        switch FeedbackForm.validate(values) {
        case .failure(let problems): return problem(.badRequest, "feedback_invalid", "反馈内容不完整或有误。", fields: problems.byField, values: values)
        case .success(let s): submission = s
        }
        let withheld = gate.map { !$0.inspect(file: "纠错与意见", bytes: Data(submission.text.utf8)).isEmpty } ?? true
        let item = try book.submit(dataset: id, submission, withheld: withheld)
        record("feedback_received", id, AuditDetails(version: item.version, via: "portal", feedback: item.number))
        if api {
            var o = Self.publicJSON(item)
            o["url"] = .string("/api/datasets/\(id)/feedback")
            return Responses.json(o, status: .created)
        }
        return Responses.html(FeedbackPage.submitted(item, title: store.dataset(id)?.title ?? id), status: .created)
    }

    /// The officer's answer: accept, fix (a published version, optionally an erratum) or decline (a public reason).
    func decide(_ request: Request) async throws -> Response {
        guard let token = approvals.token else { throw HTTPError(.forbidden) }
        let form = try await ApprovalRoutes.form(request)
        guard ApprovalRoutes.equal(ApprovalRoutes.headerToken(request) ?? form["token"] ?? "", token) else { throw HTTPError(.forbidden) }
        func field(_ name: String) -> String? {
            form[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let number = field("number"), number.count <= 160, let dataset = FeedbackBook.dataset(of: number),
              let decision = field("decision"), let by = field("by"), by.count <= 100 else { throw HTTPError(.badRequest) }
        do {
            let item: FeedbackItem
            switch decision {
            case "accept":
                item = try book.accept(number, by: by)
            case "fix":
                guard let version = field("version"), SafePath.isVersion(version) else { throw HTTPError(.badRequest) }
                let published = store.versions(dataset).filter(\.isPublished).map(\.version)
                item = try book.fix(number, version: version, erratum: field("erratum"), by: by, published: published, errata: store.errata())
            case "decline":
                guard let gate else { throw HTTPError(.forbidden) }
                item = try book.decline(number, reason: field("reason") ?? "", by: by, gate: gate)
            default:
                throw HTTPError(.badRequest)
            }
            record("feedback_\(item.status.rawValue)", dataset, AuditDetails(version: item.fixedIn, by: by, note: item.erratum, via: "portal", feedback: number))
            return Responses.redirect("/approvals/feedback?result=\(item.status.rawValue)&number=\(HTML.urlComponent(number))")
        } catch let error as ODPError where error.code == .feedbackChange {
            return Responses.html(FeedbackPage.queue((try? book.all()) ?? [], message: error.message), status: .conflict)
        }
    }

    /// An item as the public sees it: never the contact or who answered.
    static func publicJSON(_ f: FeedbackItem) -> ArtifactJSON {
        ["number": .string(f.number), "kind": .string(f.kind.rawValue), "kind_title": .string(f.kind.title), "received": .string(f.received),
         "text": .string(f.publicText), "withheld": .bool(f.withheld), "version": ArtifactJSON(f.version), "status": .string(f.status.rawValue),
         "status_title": .string(f.statusTitle), "responded": ArtifactJSON(f.responded), "fixed_in": ArtifactJSON(f.fixedIn),
         "erratum": ArtifactJSON(f.erratum), "reason": ArtifactJSON(f.reason)]
    }
}

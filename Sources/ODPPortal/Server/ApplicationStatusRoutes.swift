import Foundation
import Hummingbird
import ODPCore

/// An applicant's status lookup: `GET|POST /applications/status` (form) and
/// `POST /api/applications/status` (JSON `{"number", "secret"}`). POST, so the 查询码 never
/// sits in a URL, a proxy log or the browser history.
///
/// # Against enumeration
/// An unknown number and a wrong 查询码 get the same answer (404 `application_not_found`),
/// every lookup takes a token from a per-client bucket (20 per 10 minutes, then 429), and
/// answers are `Cache-Control: no-store`. The answer is `ApplicationStatus`: no personal data.
struct ApplicationStatusRoutes: Sendable {
    let policy: AccessPolicy
    let store: PortalStore
    let perClient = RateLimiter(perSecond: 20.0 / 600, burst: 20)

    static let apiPath = "/api/applications/status"

    func register(on router: Router<PortalContext>) {
        router.get(RouterPath(ApplicationStatusPage.path)) { request, _ in
            let number = CatalogQuery.parameters(request.uri.query)["number"] ?? ""
            return Self.noStore(Responses.html(ApplicationStatusPage.form(number: String(number.prefix(40)))))
        }
        router.post(RouterPath(ApplicationStatusPage.path)) { request, context in try await lookup(request, context, api: false) }
        router.post(RouterPath(Self.apiPath)) { request, context in try await lookup(request, context, api: true) }
    }

    func lookup(_ request: Request, _ context: PortalContext, api: Bool) async throws -> Response {
        func problem(_ status: HTTPResponse.Status, _ code: String, _ message: String, number: String = "") -> Response {
            if api { return Self.noStore(Responses.json(["error": .string(code), "message": .string(message)], status: status)) }
            return Self.noStore(Responses.html(ApplicationStatusPage.form(number: number, problem: message), status: status))
        }
        if let wait = perClient.take(context.remoteAddress?.ipAddress ?? "local") {
            var r = problem(.tooManyRequests, "status_rate_limited", "查询过于频繁，请 \(wait) 秒后再试。")
            r.headers[.retryAfter] = String(wait)
            return r
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: 4096) } catch {
            return problem(.contentTooLarge, "status_bad_request", "请求内容过长。")
        }
        var number = "", secret = ""
        if api {
            guard let object = try? JSONDecoder().decode(ArtifactJSON.self, from: Data(body.readableBytesView)),
                  case .string(let n)? = object["number"], case .string(let s)? = object["secret"] else {
                return problem(.badRequest, "status_bad_request", "请求体须为 JSON 对象：{\"number\": 申请编号, \"secret\": 查询码}。")
            }
            (number, secret) = (n, s)
        } else {
            let form = CatalogQuery.parameters(String(buffer: body))
            (number, secret) = (form["number"] ?? "", form["secret"] ?? "")
        }
        number = number.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        let shownNumber = String(number.prefix(40))
        guard !number.isEmpty, number.count <= 40, !secret.isEmpty, secret.count <= 100 else {
            return problem(.badRequest, "status_bad_request", "请填写申请编号（不超过 40 个字符）和查询码。", number: shownNumber)
        }
        let found: AccessApplication?
        do { found = try policy.book.lookup(number, secret: secret) } catch {
            return problem(.serviceUnavailable, "status_unavailable", "申请记录暂时无法读取，请稍后再试。", number: shownNumber)
        }
        guard let application = found else {
            return problem(.notFound, "application_not_found", "未找到：申请编号或查询码不正确。", number: shownNumber)
        }
        let status = ApplicationStatus(application, title: store.dataset(application.dataset)?.title ?? application.dataset,
                                       reviewWorkingDays: policy.settings.reviewWorkingDays)
        return Self.noStore(api ? Responses.json(status.json) : Responses.html(ApplicationStatusPage.result(status)))
    }

    /// Status answers are for one person: never stored by a browser or a proxy.
    static func noStore(_ response: Response) -> Response {
        var r = response
        r.headers[.cacheControl] = "no-store"
        return r
    }
}

import Foundation
import ODPCore
import Hummingbird

/// Applied to every response, including errors and unknown paths: only the Host names of
/// `hosts` (DNS rebinding), only GET/HEAD (and same-origin POST under /approvals/ and of the
/// public's submissions, `PublicSubmission`: data applications and 纠错与意见),
/// security headers, and error pages that reveal nothing.
struct PortalMiddleware: RouterMiddleware {
    typealias Context = PortalContext
    let hosts: HostPolicy

    static let csp = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        var response: Response
        let allowed = request.method == .get || request.method == .head
            || (request.method == .post && (path.hasPrefix("/approvals/") || PublicSubmission.isSubmission(path) || AccessRoutes.isStatusLookup(path)))
        let authority = request.head.authority ?? request.headers[HeaderName.host]
        if !hosts.allows(authority) {
            response = Self.error(.misdirectedRequest, api: path.hasPrefix("/api/"))
        } else if request.method == .post, !Self.sameOrigin(request, authority: authority) {
            response = Self.error(.forbidden, api: path.hasPrefix("/api/"))
        } else if !allowed {
            response = Self.error(.methodNotAllowed, api: path.hasPrefix("/api/"))
            response.headers[.allow] = path.hasPrefix("/approvals/") ? "GET, HEAD, POST" : "GET, HEAD"
        } else {
            do {
                response = try await next(request, context)
            } catch let error as any HTTPResponseError {
                response = Self.error(error.status, api: path.hasPrefix("/api/"))
            } catch {
                context.logger.error("portal request failed: \(error)")
                response = Self.error(.internalServerError, api: path.hasPrefix("/api/"))
            }
        }
        if request.method == .head { response.body = ResponseBody() }
        response.headers[HeaderName.csp] = Self.csp
        response.headers[HeaderName.contentTypeOptions] = "nosniff"
        response.headers[HeaderName.referrerPolicy] = "no-referrer"
        response.headers[HeaderName.frameOptions] = "SAMEORIGIN"
        // The API is read-only public data: any site's scripts may GET it (no credentials are used).
        if path.hasPrefix("/api/") { response.headers[HeaderName.allowOrigin] = "*" }
        return response
    }

    /// A state-changing request must come from the portal's own pages: no cross-site fetch
    /// metadata, and an Origin, when sent, naming the very host and port the request was
    /// sent to (a page elsewhere posting to a localhost portal sends its own Origin).
    static func sameOrigin(_ request: Request, authority: String?) -> Bool {
        if request.headers[HeaderName.secFetchSite] == "cross-site" { return false }
        // A browser's own form POST: under `Referrer-Policy: no-referrer` it sends `Origin: null`,
        // but marks the request same-origin in a header no page script can set.
        if request.headers[HeaderName.secFetchSite] == "same-origin" { return true }
        guard let origin = request.headers[.origin] else { return true }
        guard let authority, let range = origin.range(of: "://") else { return false }
        return origin[range.upperBound...].lowercased() == authority.lowercased()
    }

    static func error(_ status: HTTPResponse.Status, api: Bool) -> Response {
        if api {
            return Responses.json(["error": .string(status.reasonPhrase), "status": .int(Int64(status.code))], status: status)
        }
        let message: String
        switch status.code {
        case 404: message = "页面或文件不存在。"
        case 403: message = "没有访问权限。"
        case 401: message = "需要登录。"
        case 405: message = "不支持该请求方法：本平台只读，仅审核、数据申请与纠错与意见可提交。"
        case 416: message = "请求的范围无效。"
        case 421: message = "不受信任的主机名（Host）：请用 odp serve 绑定的地址访问；通过域名访问时，以 --allow-host 名称 启动。"
        default: message = "服务器处理请求时出错。"
        }
        let body = "<div class=\"card empty\"><h1>\(status.code)</h1><p>\(message)</p><p><a href=\"/\">返回数据目录</a></p></div>"
        return Responses.html(Layout.page(title: "\(status.code)", active: .catalog, body: body), status: status)
    }
}

enum Responses {
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ object: ArtifactJSON, status: HTTPResponse.Status = .ok, type: String = "application/json; charset=utf-8") -> Response {
        let body = (try? object.encoded(pretty: true)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func atom(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}

/// Header names HTTPTypes lacks (Hummingbird re-exports HTTPFields but not HTTPField).
enum HeaderName {
    typealias Name = HTTPFields.Element.Name
    static let csp = Name("Content-Security-Policy")!
    static let contentTypeOptions = Name("X-Content-Type-Options")!
    static let referrerPolicy = Name("Referrer-Policy")!
    static let frameOptions = Name("X-Frame-Options")!
    static let secFetchSite = Name("Sec-Fetch-Site")!
    static let host = Name("Host")!
    static let odpToken = Name("X-ODP-Token")!
    static let allowOrigin = Name("Access-Control-Allow-Origin")!
    static let retryAfter = Name("Retry-After")!
    static let nextCursor = Name("X-Next-Cursor")!
}

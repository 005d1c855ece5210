import Foundation
import Hummingbird
import ODPCore

/// What the public may POST — 数据申请 (`applications`) and 纠错与意见 (`feedback`), each as a
/// form on the dataset page and as JSON under /api — passes the same guard: a rate limit per
/// client address and for everyone per 10 minutes (token buckets, 429 with Retry-After), a
/// body limit (413), and a body that is a JSON object of strings (or a form) (400). Codes are
/// `<prefix>_rate_limited`, `<prefix>_too_large`, `<prefix>_bad_json`.
struct PublicSubmission: Sendable {
    /// The last path segment of each kind of submission.
    static let kinds: Set<Substring> = ["applications", "feedback"]
    static let bodyLimit = 16 * 1024

    let prefix: String
    let perClient: RateLimiter
    let everyone: RateLimiter

    /// `perClient` and `everyone`: submissions per 10 minutes.
    init(prefix: String, perClient: Int, everyone: Int) {
        self.prefix = prefix
        self.perClient = RateLimiter(perSecond: Double(perClient) / 600, burst: perClient)
        self.everyone = RateLimiter(perSecond: Double(everyone) / 600, burst: everyone)
    }

    struct Rejection: Error {
        var status: HTTPResponse.Status
        var code: String
        var message: String
        var retryAfter: String?
    }

    /// `/datasets/{id}/<kind>` or `/api/datasets/{id}/<kind>`: the POST paths the middleware lets through (same origin only).
    static func isSubmission(_ path: String) -> Bool {
        let s = path.split(separator: "/", omittingEmptySubsequences: false)
        return (s.count == 4 && s[1] == "datasets" && kinds.contains(s[3]))
            || (s.count == 5 && s[1] == "api" && s[2] == "datasets" && kinds.contains(s[4]))
    }

    /// The submitted fields named in `fields` (JSON strings) and `flags` (a JSON `true` reads as
    /// "true"), or form values. Takes a rate-limit token first, so a flood is refused before
    /// its body is read.
    func read(_ request: Request, _ context: PortalContext, api: Bool, fields: [String], flags: [String] = []) async
        -> Result<[String: String], Rejection> {
        guard perClient.take(context.remoteAddress?.ipAddress ?? "local") == nil, everyone.take("all") == nil else {
            return .failure(Rejection(status: .tooManyRequests, code: "\(prefix)_rate_limited", message: "提交过于频繁，请 10 分钟后再试。", retryAfter: "600"))
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.bodyLimit) } catch {
            return .failure(Rejection(status: .contentTooLarge, code: "\(prefix)_too_large", message: "提交内容超过 16 KiB，请精简后再提交。"))
        }
        var values: [String: String] = [:]
        guard api else {
            let form = CatalogQuery.parameters(String(buffer: body))
            for field in fields + flags { values[field] = form[field] }
            return .success(values)
        }
        guard let object = try? JSONDecoder().decode(ArtifactJSON.self, from: Data(body.readableBytesView)), case .object = object else {
            return .failure(Rejection(status: .badRequest, code: "\(prefix)_bad_json", message: "请求体须为 JSON 对象（Content-Type: application/json）。"))
        }
        for flag in flags where object[flag] == .bool(true) { values[flag] = "true" }
        for field in fields {
            switch object[field] {
            case .string(let v)?: values[field] = v
            case nil: break
            default: return .failure(Rejection(status: .badRequest, code: "\(prefix)_bad_json", message: "字段 \(field) 须为字符串。"))
            }
        }
        return .success(values)
    }
}

import CSQLite
import Foundation
import Hummingbird
import ODPCore

/// The rows API (数据开放接口): `/api/datasets/{id}/rows` (the newest published version)
/// and `/api/datasets/{id}/versions/{version}/rows`, read from the version's SQLite file;
/// also `/api/openapi.json` and the Chinese API page `/api`. See docs/api.md.
///
/// ## Who gets rows
/// Published versions of datasets the open list marks 无条件开放; a 有条件开放 one only with an
/// access token (`AccessPolicy`: 403 `access_token_*` without one, each call counted and
/// audited); one not in the list is 403 `not_open`, whatever its files.
struct RowsRoutes: Sendable {
    let store: PortalStore
    let index: PortalIndexCache
    let limits: RowsAPILimits
    let limiter: RateLimiter
    let access: AccessPolicy?
    let usage: UsageCounter?
    let pool = RowsDatabasePool()
    let published: RowsVersions

    init(store: PortalStore, index: PortalIndexCache, limits: RowsAPILimits, access: AccessPolicy? = nil, usage: UsageCounter? = nil) {
        self.store = store
        self.usage = usage
        self.index = index
        self.limits = limits
        self.access = access
        published = RowsVersions(store: store)
        limiter = RateLimiter(perSecond: limits.perSecond, burst: limits.burst)
    }

    func register(on router: Router<PortalContext>) {
        router.get("/api/datasets/{id}/rows") { request, context in answer(request, context, pinned: false) }
        router.get("/api/datasets/{id}/versions/{version}/rows") { request, context in answer(request, context, pinned: true) }
        router.get("/api/openapi.json") { _, _ in OpenAPIDocument.response }
        router.get("/api") { _, _ in Responses.html(APIPage.render()) }
    }

    func answer(_ request: Request, _ context: PortalContext, pinned: Bool) -> Response {
        if let wait = limiter.take(context.remoteAddress?.ipAddress ?? "local") {
            var response = Responses.json(RowsAPIError(status: 429, code: "rate_limited", message: "请求过于频繁，请 \(wait) 秒后重试").json,
                                          status: .tooManyRequests)
            response.headers[HeaderName.retryAfter] = String(wait)
            return response
        }
        do {
            return try rows(request, pinned: pinned)
        } catch let error as RowsAPIError {
            return Responses.json(error.json, status: HTTPResponse.Status(code: error.status))
        } catch {
            return Responses.json(RowsAPIError(status: 500, code: "internal", message: "服务器处理请求时出错").json, status: .internalServerError)
        }
    }

    /// The rows path of `version` when the API serves it to anyone (an 无条件开放 dataset
    /// whose release has the SQLite file), for the dataset page's preview; nil otherwise.
    static func publicPath(store: PortalStore, record: DatasetRecord, version: String) -> String? {
        guard record.openType == OpenType.unconditional.rawValue, store.checksums(record.id, version)?["data/\(record.id).sqlite"] != nil else { return nil }
        return "/api/datasets/\(HTML.urlComponent(record.id))/versions/\(HTML.urlComponent(version))/rows"
    }

    static let notFound = RowsAPIError(status: 404, code: "not_found", message: "数据集或版本不存在，或尚未发布")

    func rows(_ request: Request, pinned: Bool) throws -> Response {
        guard let s = SafePath.segments(rawPath: request.uri.path), s.count >= 4, SafePath.isDatasetId(s[2]) else { throw Self.notFound }
        let id = s[2]
        // A withdrawn dataset or version answers 410 with the reason, as its other URLs do.
        let (withdrawn, versions) = published.lookup(id, version: pinned ? s[4] : nil)
        if let withdrawn { return PortalRoutes.goneJSON(withdrawn) }
        let parameters = try Self.pairs(request.uri.query)
        guard let newest = versions.newest else { throw Self.notFound }
        // The open type is the open list's alone (as on the dataset page); no list entry is not open.
        let conditional = index.current().openList[id]?.openType != OpenType.unconditional.rawValue
        guard !conditional || access?.isConditional(id) == true else {
            throw RowsAPIError(status: 403, code: "not_open", message: "该数据集不是无条件开放数据（或未列入开放清单），行级接口不提供其数据")
        }
        // A cursor keeps paging on the version it was made on, even after a newer one is published.
        let cursorText = parameters.first { $0.0 == "cursor" }?.1
        let version = pinned ? s[4] : (cursorText.flatMap(RowsCursor.version) ?? newest)
        guard versions.versions.contains(version) else {
            throw pinned ? Self.notFound : RowsCursor.invalid
        }
        if conditional, let access, case .refused(let refusal) = access.authorize(request, dataset: id, version: version, use: .api, path: "rows") {
            throw RowsAPIError(status: 403, code: refusal.code, message: refusal.message)
        }
        guard let file = published.rowsFile(id, version) else {
            throw RowsAPIError(status: 404, code: "no_rows_api", message: "该版本没有行级接口：发布时未生成 SQLite 文件（release.formats 不含 sqlite）")
        }
        let db = try pool.take(file, timeout: limits.queryTimeout)
        defer { pool.give(db, file) }
        let query = try RowsQuery(parameters: parameters, fields: db.fields, accept: request.headers[.accept])
        let fingerprint = query.fingerprint(version: version)
        let cursor = try cursorText.map { text -> RowsCursor in
            let c = try RowsCursor.decode(text, sort: query.sort.map(\.field))
            guard c.version == version, c.fingerprint == fingerprint else { throw RowsCursor.invalid }
            return c
        }
        let (sql, values) = query.sql(after: cursor)
        let page = try RowsPage(query: query, database: db, sql: sql, values: values)
        if request.method == .get { usage?.count(id, version, .api) }
        let next = page.last.map { RowsCursor(version: version, fingerprint: fingerprint, rowid: $0.rowid, keys: $0.keys).encoded }
        var response = query.csv ? page.csv(next: next)
            : page.json(dataset: id, version: version, limit: query.limit, next: next, nextLink: next.map { Self.nextLink(request, cursor: $0) })
        if conditional { AccessPolicy.keepPrivate(&response) }
        return response
    }

    /// The same request with `cursor` replaced.
    static func nextLink(_ request: Request, cursor: String) -> String {
        let kept = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("cursor=") }
        return request.uri.path + "?" + (kept.map(String.init) + ["cursor=" + cursor]).joined(separator: "&")
    }

    /// The query's name=value pairs in order, percent-decoded; 400 for text that does not decode.
    static func pairs(_ query: String?) throws -> [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        guard query.utf8.count <= 8192 else { throw RowsAPIError.bad("query_too_long", "查询字符串过长") }
        return try query.split(separator: "&").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decoded(kv[0]), !key.isEmpty, let value = kv.count > 1 ? decoded(kv[1]) : "" else {
                throw RowsAPIError.bad("bad_query", "查询字符串无法解析（百分号编码有误）")
            }
            return (key, value)
        }
    }

    /// Form decoding (`+` is a space); text with neither `+` nor `%` is taken as it is.
    private static func decoded(_ part: Substring) -> String? {
        guard part.utf8.contains(where: { $0 == 0x2B || $0 == 0x25 }) else { return String(part) }
        return part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

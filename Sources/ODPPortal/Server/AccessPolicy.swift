import Foundation
import Hummingbird
import ODPCore

/// Records one access event in the audit trail: `(event, dataset, details)`. Details carry the
/// application number, version and file, never the applicant's personal data or a token.
public typealias PortalAccessRecorder = @Sendable (_ event: String, _ dataset: String, _ details: AuditDetails) -> Void

/// Who may receive the data of a 有条件开放 dataset. Every route that serves data — files,
/// zips, previews, API rows — asks `authorize` (or `refusal`) before answering; metadata
/// pages stay public.
///
/// A dataset is conditional when its definition (given to `odp serve`) or its open-list entry
/// says 有条件开放: either suffices, so a stale list never opens a dataset. A token comes in
/// `Authorization: Bearer odpat_…` (preferred) or `?token=odpat_…` (for a plain link; it can
/// end up in proxy logs and browser history).
struct AccessPolicy: Sendable {
    let book: AccessBook
    let settings: AccessSettings
    let catalogs: [String: CatalogMetadata]
    let index: PortalIndexCache
    let record: PortalAccessRecorder

    enum Decision: Sendable, Equatable {
        /// Not a conditional dataset: anyone may have it.
        case open
        case granted(AccessApplication)
        case refused(AccessRefusal)
    }

    /// Files of a conditional release that describe it without holding its rows.
    static let publicFiles: Set<String> = ["datapackage.json", "README.md", SHA256Sums.fileName, SHA256Sums.signatureName]

    func isConditional(_ dataset: String) -> Bool {
        catalogs[dataset]?.openType == .conditional || (index.current().openList[dataset]?.openType.contains("有条件") ?? false)
    }

    /// The 开放条件 an applicant accepts (`catalog.open_condition`), from the definition or the open list.
    func conditions(_ dataset: String) -> String? {
        let text = catalogs[dataset]?.openCondition ?? index.current().openList[dataset]?.openCondition
        return text.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether `request` may receive `version` of `dataset`'s data; a granted GET is counted
    /// as a `use` and recorded in the audit trail (with `path`, the file or API asked for).
    func authorize(_ request: Request, dataset: String, version: String, use: AccessBook.Use, path: String) -> Decision {
        guard isConditional(dataset) else { return .open }
        guard let token = Self.token(request) else { return .refused(.tokenRequired) }
        let counted = request.method == .head ? nil : use
        let check: AccessBook.Check
        do { check = try book.check(token: token, dataset: dataset, version: version, use: counted) } catch { return .refused(.unavailable) }
        switch check {
        case .refused(let refusal): return .refused(refusal)
        case .granted(let application):
            if counted != nil {
                record("access_used", dataset, AuditDetails(version: version, via: use.rawValue, application: application.number, path: path))
            }
            return .granted(application)
        }
    }

    /// The 403 answering a refused request, or nil when it may be served.
    func refusal(_ request: Request, dataset: String, version: String, use: AccessBook.Use, path: String, api: Bool) -> Response? {
        guard case .refused(let refusal) = authorize(request, dataset: dataset, version: version, use: use, path: path) else { return nil }
        return Self.response(refusal, dataset: dataset, api: api)
    }

    static func response(_ refusal: AccessRefusal, dataset: String, api: Bool) -> Response {
        var response: Response
        if api {
            response = Responses.json(["error": .string(refusal.code), "message": .string(refusal.message),
                                       "apply": .string("/api/datasets/\(dataset)/applications")], status: .forbidden)
        } else {
            response = Responses.html(AccessPage.refused(refusal, dataset: dataset), status: .forbidden)
        }
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// A conditional dataset's data is never kept by a browser or a shared cache: a proxy
    /// would hand it to clients without a token, and a revoked token would still be answered
    /// from the browser's cache.
    static func keepPrivate(_ response: inout Response) {
        response.headers[.cacheControl] = "private, no-store"
    }

    static func token(_ request: Request) -> String? {
        if let auth = request.headers[.authorization], auth.hasPrefix("Bearer ") { return String(auth.dropFirst(7)) }
        return CatalogQuery.parameters(request.uri.query)["token"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

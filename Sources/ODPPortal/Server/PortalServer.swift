import Foundation
import Hummingbird
import ODPCore

/// Records a data officer's decision: `(dataset, version, approved, by, note)`. The caller
/// writes state/approvals.json and the audit trail; the next `odp run` publishes an approved release.
public typealias PortalDecisionHandler = @Sendable (_ dataset: String, _ version: String, _ approved: Bool,
                                                    _ by: String, _ note: String?) throws -> Void

/// The local web portal (`odp serve`): the open-data list, dataset pages, downloads, the
/// JSON API and the DCAT catalog for researchers, and the approval queue for data officers.
///
/// ```swift
/// let server = try PortalServer(root: output, host: "127.0.0.1", port: 8080, token: nil) { d, v, ok, by, note in … }
/// try await server.run()
/// ```
///
/// # Security
/// Read-only apart from the approval POST. Bound to a non-loopback address it requires a
/// token (`init` throws otherwise). `/approvals` always needs the token: without one the
/// approval pages and POSTs are refused. Requests are answered only for the bound address
/// and `allowedHosts` (DNS rebinding), and a POST only from the same origin.
public struct PortalServer: Sendable {
    public let root: URL
    public let host: String
    public let port: Int
    let token: String?
    let hosts: HostPolicy
    let catalogs: [String: CatalogMetadata]
    let onDecision: PortalDecisionHandler
    let apiLimits: RowsAPILimits
    let access: AccessSettings
    let onAccess: PortalAccessRecorder
    let gate: (any PublishedFileGate)?
    let usageInterval: Double

    /// - Throws: `ODPError.usage` when `host` is not a loopback address and `token` is nil or empty.
    /// - Parameters:
    ///   - allowedHosts: names besides the bound address that browsers use to reach the portal
    ///     (`odp serve --allow-host`), e.g. the name a reverse proxy forwards.
    ///   - catalogs: each dataset's catalog metadata from its definition, shown on review pages
    ///     of releases that were never listed, and which datasets are 有条件开放.
    ///   - apiLimits: the rows API's rate limit per client and query time limit.
    ///   - access: `access:` of odp.yml (token lifetime, review time).
    ///   - onAccess: records applications, decisions, token uses and 纠错与意见 in the audit trail.
    ///   - gate: the published-file scanner a feedback text must pass to be shown publicly
    ///     (without one, no text is shown) and a decline's reason must pass at all.
    ///   - usageInterval: seconds between writes of the download and API counts (`state/usage.json`).
    public init(root: URL, host: String = "127.0.0.1", port: Int = 8080, token: String?, allowedHosts: [String] = [],
                catalogs: [String: CatalogMetadata] = [:], apiLimits: RowsAPILimits = RowsAPILimits(), access: AccessSettings = AccessSettings(),
                gate: (any PublishedFileGate)? = nil, usageInterval: Double = 30,
                onAccess: @escaping PortalAccessRecorder = { _, _, _ in }, onDecision: @escaping PortalDecisionHandler) throws {
        let token = token.flatMap { $0.isEmpty ? nil : $0 }
        if !Self.isLoopback(host), token == nil {
            throw ODPError.usage("没有令牌（token）时拒绝在 \(host) 上提供服务：审核操作会暴露给网络（请设置令牌，或绑定 127.0.0.1）")
        }
        self.root = root
        self.host = host
        self.port = port
        self.token = token
        self.hosts = HostPolicy(bound: host, allowed: allowedHosts)
        self.catalogs = catalogs
        self.onDecision = onDecision
        self.apiLimits = apiLimits
        self.access = access
        self.onAccess = onAccess
        self.gate = gate
        self.usageInterval = usageInterval
    }

    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        return h == "localhost" || h == "::1" || h == "[::1]" || h.hasPrefix("127.")
    }

    /// The Hummingbird application (for tests: `app.test(.router)`; port 0 picks a free one).
    public func makeApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> Application<RouterResponder<PortalContext>> {
        makeApplication(usage: UsageCounter(state: root.appendingPathComponent("state"), interval: usageInterval), onServerRunning: onServerRunning)
    }

    func makeApplication(usage: UsageCounter, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> Application<RouterResponder<PortalContext>> {
        Application(router: makeRouter(usage: usage), configuration: .init(address: .hostname(host, port: port), serverName: nil),
                    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) })
    }

    /// Every route of the portal (tests compare its /api routes with the OpenAPI document).
    func makeRouter(usage: UsageCounter) -> Router<PortalContext> {
        let router = Router(context: PortalContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: PortalMiddleware(hosts: hosts))
        let store = PortalStore(root: root)
        let index = PortalIndexCache(store: store)
        let policy = AccessPolicy(book: AccessBook(state: root.appendingPathComponent("state")), settings: access, catalogs: catalogs,
                                  index: index, record: onAccess)
        let routes = PortalRoutes(store: store, index: index, token: token, catalogs: catalogs, onDecision: onDecision, access: policy,
                                  gate: gate, usage: usage)
        routes.register(on: router)
        RowsRoutes(store: store, index: index, limits: apiLimits, access: policy, usage: usage).register(on: router)
        return router
    }

    /// Serves until the task is cancelled or the process receives SIGINT/SIGTERM.
    /// The counts not yet written are written when it stops.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let usage = UsageCounter(state: root.appendingPathComponent("state"), interval: usageInterval)
        defer { usage.flush() }
        try await makeApplication(usage: usage, onServerRunning: onServerRunning).runService()
    }
}

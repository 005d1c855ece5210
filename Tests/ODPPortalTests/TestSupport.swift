import Foundation
import Hummingbird
import HummingbirdTesting
import ODPCore
@testable import ODPPortal

/// Decisions the portal handed to its closure, for assertions.
final class DecisionLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(String, String, Bool, String, String?)] = []
    func add(_ d: String, _ v: String, _ ok: Bool, _ by: String, _ note: String?) { lock.withLock { items.append((d, v, ok, by, note)) } }
    var all: [(String, String, Bool, String, String?)] { lock.withLock { items } }
}

func withPortal(token: String? = nil, log: DecisionLog = DecisionLog(), catalogs: [String: CatalogMetadata] = [:],
                _ body: @Sendable (PortalFixture, any TestClientProtocol) async throws -> Void) async throws {
    let fixture = try PortalFixture()
    defer { fixture.remove() }
    let server = try PortalServer(root: fixture.root, host: "127.0.0.1", port: 0, token: token, catalogs: catalogs) { d, v, ok, by, note in
        log.add(d, v, ok, by, note)
    }
    try await server.makeApplication().test(.router) { client in try await body(fixture, client) }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}

func get(_ client: any TestClientProtocol, _ uri: String, _ headers: HTTPFields = [:]) async throws -> TestResponse {
    try await client.execute(uri: uri, method: .get, headers: headers)
}

func postForm(_ client: any TestClientProtocol, _ uri: String, _ form: String, _ headers: HTTPFields = [:]) async throws -> TestResponse {
    var h = headers
    h[.contentType] = "application/x-www-form-urlencoded"
    return try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: form))
}

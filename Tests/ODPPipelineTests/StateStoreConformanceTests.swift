import Foundation
import ODPCore
import ODPPostgres
import ODPPublish
import Synchronization
import Testing

/// The calls every `StateStore` answers the same way, run over the embedded files and over a
/// real PostgreSQL (a schema of its own per test, dropped afterwards).
@Suite("State store conformance")
struct StateStoreConformanceTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case files, postgres
        var testDescription: String { rawValue }
    }

    /// The PostgreSQL URI of the test server, password included (never printed).
    static var postgresURL: String? {
        let env = ProcessInfo.processInfo.environment
        guard let host = env["ODP_TEST_PG_HOST"] else { return nil }
        var c = URLComponents()
        c.scheme = "postgres"
        c.host = host
        c.port = Int(env["ODP_TEST_PG_PORT"] ?? "5432")
        c.user = env["ODP_TEST_PG_USER"] ?? "odp"
        c.password = env["ODP_TEST_PG_PASSWORD"]
        c.path = "/" + (env["ODP_TEST_PG_DB"] ?? "odp_test")
        c.queryItems = [URLQueryItem(name: "sslmode", value: "disable")]
        return c.string
    }

    static var postgresRequired: Bool { ProcessInfo.processInfo.environment["ODP_REQUIRE_SERVICES"] == "1" }

    /// One store's home: a temporary folder or a fresh schema. `open()` gives another
    /// instance over the same state (another pod).
    final class Place {
        let kind: Kind
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("odp-state-\(UUID().uuidString.prefix(8))")
        let schema = "odp_t_" + UUID().uuidString.prefix(8).lowercased()

        init(_ kind: Kind) { self.kind = kind }

        func open() throws -> StateStore {
            switch kind {
            case .files: return try FileStateStore(directory: folder)
            case .postgres: return try PostgresStateStore(url: try #require(StateStoreConformanceTests.postgresURL), schema: schema)
            }
        }

        func remove() {
            switch kind {
            case .files: try? FileManager.default.removeItem(at: folder)
            case .postgres: _ = try? SourceFaultTests.psql("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            }
        }
    }

    /// The kinds to run: PostgreSQL only with a server (or when services are required, to fail).
    static let kinds: [Kind] = postgresURL != nil || postgresRequired ? Kind.allCases : [.files]

    static func receipt(_ dataset: String, _ n: Int) -> Receipt {
        Receipt(target: "t", dataset: dataset, version: "2026.12.07.1", file: "f\(n).csv", sha256: String(repeating: "\(n % 10)", count: 64),
                size: Int64(n), remote: "/r/f\(n).csv", time: "2026-12-07T02:00:00.000Z")
    }

    static func intent(_ dataset: String, _ n: Int) -> UploadIntent {
        UploadIntent(target: "t", dataset: dataset, version: "2026.12.07.1", file: "f\(n).csv", sha256: String(repeating: "\(n % 10)", count: 64), size: Int64(n))
    }

    @Test("dataset state: saved, replaced and listed per dataset", arguments: kinds)
    func datasetState(kind: Kind) throws {
        let place = Place(kind)
        defer { place.remove() }
        let store = try place.open()
        #expect(try store.datasetState("a") == nil)
        try store.save(DatasetState(lastVersion: "2026.12.07.1", lastOutcome: .published), dataset: "a")
        try store.save(DatasetState(lastOutcome: .held), dataset: "b")
        try store.save(DatasetState(lastVersion: "2026.12.07.2", lastOutcome: .published), dataset: "a")
        let other = try place.open()
        #expect(try other.datasetState("a")?.lastVersion == "2026.12.07.2")
        #expect(try other.datasetState("b")?.lastOutcome == .held)
        #expect(try other.datasetStates().states.keys.sorted() == ["a", "b"])
    }

    @Test("upload journal: intents and receipts kept per dataset in order, visible to another instance", arguments: kinds)
    func journal(kind: Kind) throws {
        let place = Place(kind)
        defer { place.remove() }
        let store = try place.open()
        #expect(store.journaledDatasets().isEmpty && store.intents(dataset: "a").isEmpty)
        try store.append(intents: [Self.intent("b", 1), Self.intent("a", 2), Self.intent("a", 3)])
        try store.append(Self.receipt("a", 3))
        try store.append(Self.receipt("a", 2))
        try store.append(Self.receipt("catalog", 4))
        let other = try place.open()
        #expect(other.intents(dataset: "a") == [Self.intent("a", 2), Self.intent("a", 3)])
        #expect(other.intents(dataset: "b") == [Self.intent("b", 1)])
        #expect(other.receipts(dataset: "a") == [Self.receipt("a", 3), Self.receipt("a", 2)])
        #expect(other.journaledDatasets() == ["a", "b", "catalog"])
        // b's intent has no receipt: it is the one pending upload.
        #expect(Publisher.status(store: other).map(\.dataset).contains("b"))
    }

    @Test("a run plan: the first writer wins, later proposals get the stored bytes", arguments: kinds)
    func plan(kind: Kind) throws {
        let place = Place(kind)
        defer { place.remove() }
        let first = try place.open(), second = try place.open()
        let a = Data("{\"shards\":[\"a\"]}\n".utf8), b = Data([0, 1, 2, 0xFF])
        #expect(try first.claimPlan(id: "run-1", proposed: a) == a)
        #expect(try second.claimPlan(id: "run-1", proposed: b) == a)
        #expect(try second.claimPlan(id: "run-2", proposed: b) == b)
    }

    @Test("leases: one holder at a time, re-acquire keeps the token, release hands over with a larger one", arguments: kinds)
    func leases(kind: Kind) throws {
        let place = Place(kind)
        defer { place.remove() }
        let one = try place.open(), two = try place.open()
        let mine = try #require(try one.acquireLease(dataset: "a", owner: "pod-1", ttl: 60))
        #expect(try two.acquireLease(dataset: "a", owner: "pod-2", ttl: 60) == nil)
        #expect(try one.acquireLease(dataset: "a", owner: "pod-1", ttl: 60)?.token == mine.token)
        #expect(try two.acquireLease(dataset: "b", owner: "pod-2", ttl: 60) != nil)
        #expect(try two.holds(mine) && two.renew(mine, ttl: 60))
        #expect(try one.heldLeases().map(\.dataset) == ["a", "b"])
        try one.release(mine)
        #expect(try !two.holds(mine))
        let theirs = try #require(try two.acquireLease(dataset: "a", owner: "pod-2", ttl: 60))
        #expect(theirs.token > mine.token)
        try one.release(mine)  // a stale release changes nothing
        #expect(try two.holds(theirs))
    }

    @Test("an expired lease is taken over with a new token; the old holder's renew and fencing check fail", arguments: kinds)
    func expiry(kind: Kind) throws {
        let place = Place(kind)
        defer { place.remove() }
        let one = try place.open(), two = try place.open()
        let stale = try #require(try one.acquireLease(dataset: "a", owner: "pod-1", ttl: 0.5))
        #expect(try two.acquireLease(dataset: "a", owner: "pod-2", ttl: 60) == nil)
        Thread.sleep(forTimeInterval: 1.0)
        #expect(try !one.holds(stale))
        let taken = try #require(try two.acquireLease(dataset: "a", owner: "pod-2", ttl: 60))
        #expect(taken.token == stale.token + 1)
        #expect(try !one.renew(stale, ttl: 60))
        #expect(try !one.holds(stale))
        #expect(try one.acquireLease(dataset: "a", owner: "pod-1", ttl: 60) == nil)
    }

    @Test("eight workers race for one free lease: exactly one wins", arguments: kinds)
    func contention(kind: Kind) throws {
        let place = Place(kind)
        defer { place.remove() }
        let stores = try (0..<8).map { _ in try place.open() }
        let won = Mutex<[Int64]>([])
        DispatchQueue.concurrentPerform(iterations: stores.count) { i in
            if let lease = try? stores[i].acquireLease(dataset: "a", owner: "pod-\(i)", ttl: 60) { won.withLock { $0.append(lease.token) } }
        }
        #expect(won.withLock { $0 } == [1])
    }
}

import Foundation
import ODPCore
import ODPPipeline
import ODPPostgres
import Testing

/// Runs with leases (files and PostgreSQL), the fencing of a taken-over worker's writes, and
/// the audit trail kept as hash-chained rows.
@Suite("Shared state in runs", .serialized)
struct SharedStateRunTests {
    typealias Conformance = StateStoreConformanceTests
    static let postgres = Conformance.postgresURL != nil || Conformance.postgresRequired

    /// The demo workspace with `state: {type: postgres}` in a fresh schema; the URL is read
    /// from a file next to odp.yml, as a deployment would mount it.
    static func postgresFixture(schema: String) throws -> DemoFixture {
        let fixture = try DemoFixture()
        let pipelines = fixture.root.appendingPathComponent("pipelines")
        try (try #require(Conformance.postgresURL) + "\n").write(to: pipelines.appendingPathComponent("state-url"), atomically: true, encoding: .utf8)
        let config = DemoFixture.config + "state: {type: postgres, url: file:state-url, schema: \(schema), lease_seconds: 30}\n"
        try config.write(to: pipelines.appendingPathComponent("odp.yml"), atomically: true, encoding: .utf8)
        return fixture
    }

    @Test("`state:` in odp.yml is checked like every key: type, url only as env:/file:, schema name, lease_seconds, unknown keys")
    func configValidation() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("odp-statecfg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func load(_ state: String) throws -> (PipelineConfig?, [Diagnostic]) {
            let path = folder.appendingPathComponent("odp.yml").path
            try "datasets: [\"*.yml\"]\n\(state)".write(toFile: path, atomically: true, encoding: .utf8)
            return PipelineConfig.load(path: path)
        }
        func errors(_ state: String) throws -> String {
            try load(state).1.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")
        }
        #expect(try load("").0?.state.kind == .files)
        let good = try #require(try load("state: {type: postgres, url: env:ODP_STATE_URL, schema: odp_prod, lease_seconds: 45}").0?.state)
        #expect(good.kind == .postgres && good.url == .environment("ODP_STATE_URL") && good.schema == "odp_prod" && good.leaseSeconds == 45)
        #expect(try errors("state: {type: postgress, url: env:X}").contains("postgres"))
        #expect(try errors("state: {type: postgres}").contains("缺少必填键（missing required key）`url`"))
        let inline = try load("state: {type: postgres, url: \"postgres://u:hunter22@db/odp\"}").1
        #expect(inline.contains { $0.code == .inlineSecret })
        #expect(!inline.map(\.description).joined().contains("hunter22"))
        #expect(try errors("state: {type: postgres, url: env:X, schema: Bad-Name}").contains("不是有效的模式名（schema name）"))
        #expect(try errors("state: {type: postgres, url: env:X, lease_seconds: 5}").contains("应在 10 到 86400 之间"))
        let unknown = try errors("state: {type: postgres, url: env:X, lease_secs: 60}")
        #expect(unknown.contains("未知的键（unknown key）`lease_secs`") && unknown.contains("lease_seconds"))
        #expect(try errors("state: {url: env:X}").contains("only with type: postgres"))
        // README's example is what this odp reads.
        let example = try #require(ReadmeReferenceTests.yamlBlock(after: "### Shared state"))
        let documented = try #require(try load(example).0?.state)
        #expect(documented.kind == .postgres && documented.url == .environment("ODP_STATE_URL") && documented.schema == "odp" && documented.leaseSeconds == 120)
    }

    @Test("a dataset whose lease another live worker holds is skipped, not failed; once released it runs")
    func leasedElsewhereIsSkipped() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let leased = DemoFixture.datasets[0]
        let other = try FileStateStore(directory: fixture.output.appendingPathComponent("state"))
        let lease = try #require(try other.acquireLease(dataset: leased, owner: "other-pod", ttl: 300))
        let first = try fixture.run()
        let outcome = try #require(first.outcomes.first { $0.dataset == leased })
        #expect(outcome.status == .skipped)
        #expect(outcome.reasons.contains { $0.contains("另一个进程正在处理该数据集") })
        // The others run as in any demo run (one is held by its gate): none fails.
        #expect(first.outcomes.filter { $0.dataset != leased }.allSatisfy { $0.status != .failed && $0.status != .skipped })
        #expect(first.exitCode != ODPExit.failure)
        #expect(try other.heldLeases().map(\.dataset) == [leased], "the run released its own leases and left the other's")
        try other.release(lease)
        let second = try fixture.run()
        #expect(second.outcomes.first { $0.dataset == leased }?.status == .published)
        #expect(try other.heldLeases().isEmpty)
    }

    @Test("fencing: once a worker's expired lease is taken over, its journal and state writes are refused")
    func fencing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("odp-fence-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let shared = try FileStateStore(directory: folder)
        // A stalled worker: its heartbeat does not come in time.
        let leases = DatasetLeases(store: shared, owner: "stalled-pod", ttl: 0.5, heartbeat: 3600)
        let fenced = FencedStateStore(shared, leases: leases)
        defer { leases.release("a") }
        _ = try #require(try leases.acquire("a"))
        try fenced.append(Conformance.receipt("a", 1))
        Thread.sleep(forTimeInterval: 1.0)
        let taker = try #require(try FileStateStore(directory: folder).acquireLease(dataset: "a", owner: "new-pod", ttl: 60))
        #expect(taker.token == 2)
        for write in [{ try fenced.append(Conformance.receipt("a", 2)) }, { try fenced.append(intents: [Conformance.intent("a", 3)]) },
                      { try fenced.save(DatasetState(lastOutcome: .published), dataset: "a") }] {
            #expect { try write() } throws: { ($0 as? ODPError)?.code == .leaseLost }
        }
        #expect(shared.receipts(dataset: "a") == [Conformance.receipt("a", 1)])
        #expect(shared.intents(dataset: "a").isEmpty)
        #expect(try shared.datasetState("a") == nil)
        try fenced.append(Conformance.receipt("b", 4))  // a dataset this worker holds no lease for is not fenced
    }

    @Test("a run with state in PostgreSQL: state, journal, reports and audit rows there; a dead worker's lease is taken over",
          .enabled(if: postgres))
    func postgresRun() throws {
        let schema = "odp_run_" + UUID().uuidString.prefix(8).lowercased()
        defer { _ = try? SourceFaultTests.psql("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        let fixture = try Self.postgresFixture(schema: schema)
        defer { fixture.remove() }
        let store = try PostgresStateStore(url: try #require(Conformance.postgresURL), schema: schema)
        // A worker that died holding a lease on one dataset: it expires, and is taken over.
        let dead = DemoFixture.datasets[0]
        let stale = try #require(try store.acquireLease(dataset: dead, owner: "dead-pod", ttl: 1))
        let first = try fixture.run()
        #expect(first.outcomes.first { $0.dataset == dead }?.status == .skipped)
        Thread.sleep(forTimeInterval: 1.2)
        let second = try fixture.run()
        #expect(second.outcomes.first { $0.dataset == dead }?.status == .published)
        #expect(second.outcomes.allSatisfy { $0.status != .failed && $0.status != .skipped }, "\(second.outcomes.map(\.status))")
        #expect(try !store.holds(stale))
        #expect(try store.heldLeases().isEmpty, "no lease is left held")
        #expect(try Set(store.datasetStates().states.keys) == Set(DemoFixture.datasets))
        #expect(!FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("state/datasets").path))
        #expect(!FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("state/audit.jsonl").path))
        for outcome in second.outcomes where outcome.status == .published {
            #expect(!store.receipts(dataset: outcome.dataset).isEmpty, "\(outcome.dataset) has no receipt in PostgreSQL")
        }
        #expect(try store.documentNames(prefix: "runs/").count == 2)
        let verification = try AuditTrail.verify(records: store)
        #expect(verification.firstBrokenLine == nil && verification.entries > 4)
        let status = try StatusReport(workspace: try fixture.workspace())
        #expect(status.datasets.allSatisfy { $0.lastRun != nil && $0.version != nil })
        // A third run: nothing changed, nothing uploaded again.
        let third = try fixture.run()
        #expect(third.outcomes.allSatisfy { $0.bytesPublished == 0 && $0.status != .failed })
        #expect(third.outcomes.filter { $0.status == .unchanged }.count == second.outcomes.filter { $0.status == .published || $0.status == .unchanged }.count)
    }

    @Test("the audit trail in PostgreSQL: appends from two stores form one chain; an edited row is found", .enabled(if: postgres))
    func postgresAuditTamper() throws {
        let schema = "odp_audit_" + UUID().uuidString.prefix(8).lowercased()
        defer { _ = try? SourceFaultTests.psql("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        let url = try #require(Conformance.postgresURL)
        let one = AuditTrail(records: try PostgresStateStore(url: url, schema: schema))
        let two = AuditTrail(records: try PostgresStateStore(url: url, schema: schema))
        DispatchQueue.concurrentPerform(iterations: 20) { i in
            try? (i % 2 == 0 ? one : two).record("dataset_uploaded", dataset: "d\(i)", details: AuditDetails(files: i))
        }
        let store = try PostgresStateStore(url: url, schema: schema)
        let intact = try AuditTrail.verify(records: store)
        #expect(intact.entries == 20 && intact.firstBrokenLine == nil)
        let edited = Int(try SourceFaultTests.psql("SELECT seq FROM \(schema).audit WHERE line LIKE '%\"files\":7%'")) ?? 0
        try SourceFaultTests.psql("UPDATE \(schema).audit SET line = replace(line, '\"files\":7', '\"files\":8') WHERE seq = \(edited)")
        let broken = try AuditTrail.verify(records: store)
        #expect(broken.firstBrokenLine != nil)
        #expect(edited > 0 && broken.firstBrokenLine == min(edited + 1, 20), "edited row \(edited)")
        // The newest row has no successor: the head's hash catches its edit.
        let fresh = "odp_audit_" + UUID().uuidString.prefix(8).lowercased()
        defer { _ = try? SourceFaultTests.psql("DROP SCHEMA IF EXISTS \(fresh) CASCADE") }
        let last = try PostgresStateStore(url: url, schema: fresh)
        for i in 0..<3 { try AuditTrail(records: last).record("run_started", details: AuditDetails(pid: i)) }
        try SourceFaultTests.psql("UPDATE \(fresh).audit SET line = replace(line, '\"pid\":2', '\"pid\":9') WHERE seq = 3")
        #expect(try AuditTrail.verify(records: last).firstBrokenLine == 3)
    }
}

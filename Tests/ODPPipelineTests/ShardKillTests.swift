import Foundation
import ODPCore
import ODPPipeline
import ODPPostgres
import Testing

/// The Kubernetes deployment as the Job controller would run it, on one machine: N
/// `odp run --shard i/N` processes against one PostgreSQL state store, some killed with -9
/// mid-run and started again (a pod retried by `backoffLimitPerIndex`), then `odp catalog`.
@Suite("Sharded runs on PostgreSQL, killed and retried", .serialized,
       .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"),
       .enabled(if: SharedStateRunTests.postgres, "no PostgreSQL (ODP_TEST_PG_HOST); run scripts/services-start.sh DIR"))
struct ShardKillTests {
    static let shards = 3
    /// Big enough that a debug build is still working on them when the kill comes.
    static let large: Set<String> = ["sh-03", "sh-07", "sh-11"]

    @Test("kill -9 two of three shards mid-run, retry them, then odp catalog: every dataset released and uploaded once, listed, the audit chain intact, no lease left")
    func killAndRetry() async throws {
        let schema = "odp_k9_" + UUID().uuidString.prefix(8).lowercased()
        defer { _ = try? SourceFaultTests.psql("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        let fixture = try ShardRunTests().fixture()
        defer { fixture.remove() }
        let pipelines = fixture.root.appendingPathComponent("pipelines")
        for id in Self.large {
            let rows = (0..<60_000).map { "C\($0 % 20),\(Double($0 * 37 % 1000) / 100)" }
            try ("code,amount\n" + rows.joined(separator: "\n") + "\n").write(to: pipelines.appendingPathComponent("demo/data/\(id).csv"), atomically: true, encoding: .utf8)
        }
        let url = try #require(StateStoreConformanceTests.postgresURL)
        try (url + "\n").write(to: pipelines.appendingPathComponent("state-url"), atomically: true, encoding: .utf8)
        let config = try String(contentsOf: URL(fileURLWithPath: fixture.configPath), encoding: .utf8)
            + "state: {type: postgres, url: file:state-url, schema: \(schema), lease_seconds: 10}\n"
        try config.write(toFile: fixture.configPath, atomically: true, encoding: .utf8)

        let environment = ["JOB_COMPLETIONS": "\(Self.shards)", "ODP_JOB_ID": "job-k9"]
        func shard(_ i: Int) throws -> OdpCommand.Child {
            try OdpCommand.start(["run", "--config", fixture.configPath, "--shard", "\(i)", "--jobs", "2", "--quiet"], environment: environment, logs: fixture.root)
        }
        var running = try (0..<Self.shards).map(shard)
        // Killed once the shards are writing releases: part of the job is done, part is not.
        // Watched from a thread of its own: the test pool's threads may be busy with other
        // suites for longer than the shards take.
        let releases = fixture.output.appendingPathComponent("releases")
        let (zero, two) = (running[0].process.processIdentifier, running[2].process.processIdentifier)
        let killed = try await offPool { () -> [Int] in
            let deadline = Date().addingTimeInterval(300)
            while Date() < deadline, ((try? FileManager.default.contentsOfDirectory(atPath: releases.path)) ?? []).count < 3 { usleep(10_000) }
            // A shard that already exited (a zombie until reaped) is not killed.
            func alive(_ pid: Int32) -> Bool {
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")") else { return false }
                return !stat[close...].hasPrefix(") Z")
            }
            return [(0, zero), (2, two)].filter { alive($0.1) && kill($0.1, SIGKILL) == 0 }.map(\.0)
        }
        for i in killed { #expect(await running[i].wait() == SIGKILL) }
        #expect(!killed.isEmpty, "every shard ended before the kill")
        for i in killed { running[i] = try shard(i) }
        for (i, child) in running.enumerated() {
            let status = await child.wait()
            #expect(status == 0, "shard \(i): \(child.stderr.suffix(3000))")
        }
        // Then the catalog Job: every dataset of the plan has finished, so it does not wait.
        // (ShardRunTests starts it beside the shards, waiting.)
        let catalog = try await OdpCommand.run(["catalog", "--config", fixture.configPath, "--wait-for", "job-k9", "--shards", "\(Self.shards)",
                                                "--timeout", "60", "--quiet"], logs: fixture.root)
        #expect(catalog.status == 0, "\(catalog.stderr.suffix(3000))")

        let store = try PostgresStateStore(url: url, schema: schema)
        let published = fixture.output.appendingPathComponent("published")
        for id in ShardRunTests.ids {
            let versions = try FileManager.default.contentsOfDirectory(atPath: releases.appendingPathComponent(id).path)
                .filter { !$0.hasPrefix(".") && $0 != "latest.json" }
            #expect(versions.count == 1, "\(id) released once: \(versions)")
            let release = try #require(try ReleaseMetadataProbe.files(releases.appendingPathComponent(id).appendingPathComponent(versions.first ?? "")))
            // Uploaded once: one receipt per file of the one version, and that version alone on the target.
            let receipts = store.receipts(dataset: id)
            #expect(receipts.count == release.count, "\(id): \(receipts.count) receipts for \(release.count) files")
            #expect(Set(receipts.map(\.file)) == Set(release), "\(id): \(receipts.map(\.file))")
            let copies = try FileManager.default.contentsOfDirectory(atPath: published.appendingPathComponent(id).path).filter { !$0.hasPrefix(".") && $0 != "latest.json" }
            #expect(copies == versions, "\(id) on the target: \(copies)")
            #expect(try store.datasetState(id)?.plan == "job-k9")
        }
        let list = try #require(try ArtifactCodec.read(OpenListDocument.self, at: fixture.output.appendingPathComponent("catalog/open-list.json")))
        #expect(list.datasets.map(\.datasetId).sorted() == ShardRunTests.ids)
        let held = try store.heldLeases()
        #expect(held.isEmpty, "leases left held: \(held.map(\.dataset))")
        let audit = try await OdpCommand.run(["audit", "verify", "--config", fixture.configPath], logs: fixture.root)
        #expect(audit.status == 0, "\(audit.stdout) \(audit.stderr)")
    }
}

/// The files of a release folder that SHA256SUMS lists (what the targets receive besides it).
enum ReleaseMetadataProbe {
    static func files(_ release: URL) throws -> [String]? {
        guard let data = FileManager.default.contents(atPath: release.appendingPathComponent(SHA256Sums.fileName).path) else { return nil }
        return try SHA256Sums.parse(data, file: SHA256Sums.fileName).entries.map(\.path) + [SHA256Sums.fileName]
    }
}

import Foundation
import ODPCore
import ODPPipeline
import Testing

/// A database that refuses the credentials, is down, or drops the connection half-way fails
/// only its own dataset: the others are released, the run exits 3, and nothing partial of
/// the failed one is visible.
@Suite("Source faults")
struct SourceFaultTests {
    static let env = ProcessInfo.processInfo.environment
    static var hasServer: Bool { env["ODP_TEST_PG_HOST"] != nil }
    static var host: String { env["ODP_TEST_PG_HOST"]! }
    static var port: String { env["ODP_TEST_PG_PORT"] ?? "5432" }
    static var user: String { env["ODP_TEST_PG_USER"] ?? "odp" }
    static var database: String { env["ODP_TEST_PG_DB"] ?? "odp_test" }

    @Test("a refused login and an unreachable server fail their datasets; the others go on",
          .enabled(if: hasServer || env["ODP_REQUIRE_SERVICES"] == "1", "start PostgreSQL with scripts/pg-start.sh DIR and source DIR/env"))
    func refusedAndDown() throws {
        try #require(Self.hasServer, "ODP_REQUIRE_SERVICES=1 but no PostgreSQL (ODP_TEST_PG_HOST) is configured")
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        func query(port: String) -> String {
            """
            source:
              type: postgres
              query: "SELECT '1' AS 站点编号"
              connection: {host: \(Self.host), port: \(port), database: \(Self.database), user: \(Self.user), password: env:ODP_TEST_WRONG_PASSWORD, sslmode: disable}
            """
        }
        try Self.addDataset(to: fixture, id: "pg-refused", source: query(port: Self.port))
        try Self.addDataset(to: fixture, id: "pg-down", source: query(port: "1"))
        setenv("ODP_TEST_WRONG_PASSWORD", "not-the-password-7731", 1)
        let summary = try fixture.run()
        let byID = Dictionary(uniqueKeysWithValues: summary.outcomes.map { ($0.dataset, $0) })
        #expect(byID["pg-refused"]?.status == .failed)
        #expect(byID["pg-down"]?.status == .failed)
        #expect(byID["jtys-bus-stops"]?.status == .published)
        #expect(summary.exitCode == ODPExit.failure)
        for id in ["pg-refused", "pg-down"] {
            let error = byID[id]?.error ?? ""
            #expect(!error.isEmpty)
            #expect(!error.contains("not-the-password-7731"))
            let versions = (try? FileManager.default.contentsOfDirectory(atPath: fixture.output.appendingPathComponent("releases/\(id)").path)) ?? []
            #expect(versions.isEmpty, "\(id) left \(versions)")
        }
    }

    @Test("a backend terminated while `odp run` extracts fails the dataset (exit 3), leaves nothing partial, and the next run publishes once",
          .enabled(if: hasServer || env["ODP_REQUIRE_SERVICES"] == "1", "start PostgreSQL with scripts/pg-start.sh DIR and source DIR/env"),
          .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"),
          .timeLimit(.minutes(5)))
    func restartMidExtraction() async throws {
        try #require(Self.hasServer, "ODP_REQUIRE_SERVICES=1 but no PostgreSQL (ODP_TEST_PG_HOST) is configured")
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let table = "odp_lost_" + UUID().uuidString.prefix(8).lowercased()
        // Enough rows that extraction lasts seconds: the cursor fetches 2000 per round trip.
        try Self.psql("""
            CREATE TABLE \(table) AS SELECT g::text AS 站点编号, '站点' || g AS 站点名称, '1路' AS 途经线路,
              '350102' AS 所属区县代码, 119.3 AS 经度, 26.08 AS 纬度, g % 2 = 0 AS 是否有候车亭, DATE '2020-01-01' AS 启用日期
            FROM generate_series(1, 300000) g
            """)
        defer { _ = try? Self.psql("DROP TABLE IF EXISTS \(table)") }
        try Self.addDataset(to: fixture, id: "pg-lost", source: """
            source:
              type: postgres
              table: \(table)
              connection: {host: \(Self.host), port: \(Self.port), database: \(Self.database), user: \(Self.user), password: env:ODP_TEST_PG_PASSWORD, sslmode: disable}
            """)

        let first = try await Self.offPool {
            let run = try Self.startRun(fixture)
            // The extracting backend holds a lock on the table until it commits: end exactly that one.
            var terminated = false
            let deadline = Date().addingTimeInterval(120)
            while run.process.isRunning, !terminated, Date() < deadline {
                let pid = try Self.psql("SELECT pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = '\(table)' AND l.pid <> pg_backend_pid() LIMIT 1")
                if !pid.isEmpty { terminated = try Self.psql("SELECT pg_terminate_backend(\(pid))") == "t" } else { usleep(20_000) }
            }
            return (run.finish(), terminated)
        }
        try #require(first.1, "the run ended before its PostgreSQL backend could be terminated")
        #expect(first.0.status == ODPExit.failure, "\(first.0.output)")
        #expect(first.0.output.contains("数据源 pg-lost：与 PostgreSQL \(Self.host):\(Self.port)，数据库（database）"), "\(first.0.output)")
        #expect(first.0.output.contains("表（table）\(table)"), "\(first.0.output)")
        // The summary says how far the dataset got before the connection was lost.
        #expect(first.0.output.contains(/pg-lost：FAILED 失败，读取 [1-9][0-9]* 行（rows read）/), "\(first.0.output)")
        #expect(Self.leftovers(in: fixture.output).isEmpty, "\(Self.leftovers(in: fixture.output))")
        #expect(fixture.files(under: "releases/pg-lost").isEmpty)
        let audit = fixture.output.appendingPathComponent("state/audit.jsonl")
        #expect(try AuditTrail.verify(url: audit).firstBrokenLine == nil)
        #expect(try String(contentsOf: audit, encoding: .utf8).contains("\"dataset_failed\""))

        let second = try await Self.offPool { try Self.startRun(fixture).finish() }
        #expect(second.status == ODPExit.success, "\(second.output)")
        let releases = fixture.output.appendingPathComponent("releases/pg-lost")
        let versions = try FileManager.default.contentsOfDirectory(atPath: releases.path).filter { $0 != "latest.json" }
        #expect(versions.count == 1, "\(versions)")
        let latest = try JSONSerialization.jsonObject(with: Data(contentsOf: releases.appendingPathComponent("latest.json"))) as? [String: Any]
        #expect(latest?["version"] as? String == versions.first)
        let uploads = try String(contentsOf: audit, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("\"dataset_uploaded\"") && $0.contains("\"pg-lost\"") }
        #expect(uploads.count == 1)
        #expect(try AuditTrail.verify(url: audit).firstBrokenLine == nil)
        #expect(Self.leftovers(in: fixture.output).isEmpty)
    }

    /// A copy of the bus-stop definition under a new id, reading from `source` (a `source:` block).
    static func addDataset(to fixture: DemoFixture, id: String, source: String) throws {
        let demo = fixture.root.appendingPathComponent("pipelines/demo")
        let base = try String(contentsOf: demo.appendingPathComponent("jtys-bus-stops.yml"), encoding: .utf8)
        let header = base.replacingOccurrences(of: "id: jtys-bus-stops", with: "id: \(id)")
            .replacingOccurrences(of: "code: 350100-JTYS-00012", with: "code: 350100-JTYS-\(id.count)")
        var lines = header.components(separatedBy: "\n")
        let start = lines.firstIndex { $0.hasPrefix("source:") }!
        var end = start + 1
        while end < lines.count, lines[end].hasPrefix("  ") { end += 1 }
        lines.replaceSubrange(start..<end, with: [source])
        try lines.joined(separator: "\n").write(to: demo.appendingPathComponent("\(id).yml"), atomically: true, encoding: .utf8)
    }

    /// Temporary names a failed or killed run could leave behind.
    static func leftovers(in output: URL) -> [String] {
        let names = FileManager.default.enumerator(atPath: output.path)?.compactMap { $0 as? String } ?? []
        return names.filter { $0.split(separator: "/").contains { $0.hasPrefix(".tmp-") || $0.hasSuffix(".spool") } }
    }

    /// `odp run --dataset pg-lost` as a child process, its stdout and stderr read into one text.
    struct Run {
        let process: Process
        let pipe: Pipe

        func finish() -> (status: Int32, output: String) {
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, output)
        }
    }

    static func startRun(_ fixture: DemoFixture) throws -> Run {
        let process = Process()
        process.executableURL = OdpCommand.binary
        process.arguments = ["run", "--quiet", "--config", fixture.configPath, "--dataset", "pg-lost"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return Run(process: process, pipe: pipe)
    }

    /// One statement through psql as the test user; its unaligned output.
    @discardableResult
    static func psql(_ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-h", host, "-p", port, "-U", user, "-d", database, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]
        process.environment = ["PGPASSWORD": env["ODP_TEST_PG_PASSWORD"] ?? "", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ODPError.source("psql", text) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs blocking work (child processes) on a Dispatch thread, not on the cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}

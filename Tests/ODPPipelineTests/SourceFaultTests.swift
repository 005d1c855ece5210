import Foundation
import ODPCore
import ODPPipeline
import Testing

/// A database that refuses the credentials or is down fails only its own dataset: the
/// others are released, the run exits 3, and nothing partial of the failed one is visible.
@Suite("Source faults")
struct SourceFaultTests {
    static let env = ProcessInfo.processInfo.environment
    static var hasServer: Bool { env["ODP_TEST_PG_HOST"] != nil }

    @Test("a refused login and an unreachable server fail their datasets; the others go on",
          .enabled(if: hasServer || env["ODP_REQUIRE_SERVICES"] == "1", "start PostgreSQL with scripts/pg-start.sh DIR and source DIR/env"))
    func refusedAndDown() throws {
        try #require(Self.hasServer, "ODP_REQUIRE_SERVICES=1 but no PostgreSQL (ODP_TEST_PG_HOST) is configured")
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let host = Self.env["ODP_TEST_PG_HOST"]!, port = Self.env["ODP_TEST_PG_PORT"] ?? "5432"
        let user = Self.env["ODP_TEST_PG_USER"] ?? "odp", db = Self.env["ODP_TEST_PG_DB"] ?? "odp_test"
        let base = try String(contentsOf: fixture.root.appendingPathComponent("pipelines/demo/jtys-bus-stops.yml"), encoding: .utf8)
        func pgDataset(id: String, port: String, passwordVariable: String) -> String {
            let header = base.replacingOccurrences(of: "id: jtys-bus-stops", with: "id: \(id)")
                .replacingOccurrences(of: "code: 350100-JTYS-00012", with: "code: 350100-JTYS-\(id.count)")
            let source = """
            source:
              type: postgres
              query: "SELECT '1' AS 站点编号"
              connection: {host: \(host), port: \(port), database: \(db), user: \(user), password: env:\(passwordVariable), sslmode: disable}
            """
            var lines = header.components(separatedBy: "\n")
            let start = lines.firstIndex { $0.hasPrefix("source:") }!
            var end = start + 1
            while end < lines.count, lines[end].hasPrefix("  ") { end += 1 }
            lines.replaceSubrange(start..<end, with: [source])
            return lines.joined(separator: "\n")
        }
        let demo = fixture.root.appendingPathComponent("pipelines/demo")
        try pgDataset(id: "pg-refused", port: port, passwordVariable: "ODP_TEST_WRONG_PASSWORD")
            .write(to: demo.appendingPathComponent("pg-refused.yml"), atomically: true, encoding: .utf8)
        try pgDataset(id: "pg-down", port: "1", passwordVariable: "ODP_TEST_WRONG_PASSWORD")
            .write(to: demo.appendingPathComponent("pg-down.yml"), atomically: true, encoding: .utf8)
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
}

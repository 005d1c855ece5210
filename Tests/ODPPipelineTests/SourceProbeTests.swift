import Foundation
import ODPCore
import ODPPipeline
import Testing

/// Issue 18: a PostgreSQL source is skipped as unchanged only through a cheap probe:
/// `source.probe` names one; without it (and without a trusted watermark) every run reads.
@Suite("Database source probes", .serialized,
       .enabled(if: SourceFaultTests.hasServer || SourceFaultTests.env["ODP_REQUIRE_SERVICES"] == "1", "start PostgreSQL with scripts/pg-start.sh DIR and source DIR/env"))
struct SourceProbeTests {
    typealias PG = SourceFaultTests

    func pipeline(table: String, probe: String?) throws -> UnchangedSkipTests.Pipeline {
        let p = try UnchangedSkipTests.Pipeline()
        try p.write("items.yml", """
        id: items
        catalog: {title: 条目, code: 350100-TEST-18, provider: 测试局, provider_code: "11350100MB1995472L", summary: 测试, domain: 测试, open_type: 无条件开放, update_cycle: 每日, license: CC-BY-4.0}
        source:
          type: postgres
          table: \(table)
          connection: {host: \(PG.host), port: \(PG.port), database: \(PG.database), user: \(PG.user), password: env:ODP_TEST_PG_PASSWORD, sslmode: disable}
        \(probe.map { "  probe: \"\($0)\"" } ?? "")
        primary_key: [id]
        fields:
          - {name: id, title: 编号, type: integer, class: public}
          - {name: name, title: 名称, type: string, class: public}
        """)
        return p
    }

    @Test("with source.probe an unchanged table is not read and a new row is; without it every run reads the table")
    func probeDecides() throws {
        try #require(PG.hasServer, "ODP_REQUIRE_SERVICES=1 but no PostgreSQL (ODP_TEST_PG_HOST) is configured")
        let table = "odp_probe_" + UUID().uuidString.prefix(8).lowercased()
        _ = try PG.psql("CREATE TABLE \(table) (id integer PRIMARY KEY, name text); INSERT INTO \(table) SELECT g, '条目' || g FROM generate_series(1, 20) g;")
        defer { _ = try? PG.psql("DROP TABLE IF EXISTS \(table)") }

        let probed = try pipeline(table: table, probe: "SELECT count(*), max(id) FROM \(table)")
        defer { probed.remove() }
        #expect(try probed.run().rowsRead == 20)
        let unchanged = try probed.run()
        #expect(unchanged.status == .unchanged && unchanged.rowsRead == 0, "\(unchanged)")

        let plain = try pipeline(table: table, probe: nil)
        defer { plain.remove() }
        #expect(try plain.run().rowsRead == 20)
        #expect(try plain.run().rowsRead == 20)

        _ = try PG.psql("INSERT INTO \(table) VALUES (21, '条目21')")
        let changed = try probed.run()
        #expect(changed.status == .published && changed.rowsRead == 21, "\(changed)")
    }
}

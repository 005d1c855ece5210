import Foundation
import ODPCore
import ODPExtract

/// `odp-bench --reconcile ROWS`: on a PostgreSQL table of ROWS rows (the test server's
/// ODP_TEST_PG_* settings), the extraction-level cost of a full read, of an incremental
/// round with 1 % of the rows changed, and of a reconciliation pass with nothing to find and
/// with 1 % drifted (changed without a newer watermark). Checking and packaging are the same
/// for all of them and are left out. The table is dropped afterwards.
enum ReconcileBench {
    static func run(rows: Int) throws {
        let env = ProcessInfo.processInfo.environment
        guard let host = env["ODP_TEST_PG_HOST"], let port = env["ODP_TEST_PG_PORT"], let user = env["ODP_TEST_PG_USER"],
              let database = env["ODP_TEST_PG_DB"] else {
            throw ODPError.usage("--reconcile needs ODP_TEST_PG_HOST, _PORT, _USER, _DB and _PASSWORD (source the test services' env)")
        }
        let table = "odp_bench_reconcile_\(getpid())"
        func psql(_ sql: String) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            p.arguments = ["-h", host, "-p", port, "-U", user, "-d", database, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]
            p.environment = ["PGPASSWORD": env["ODP_TEST_PG_PASSWORD"] ?? "", "PATH": "/usr/bin:/bin"]
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw ODPError.usage("psql failed: \(sql.prefix(80))") }
        }
        try psql("""
            CREATE TABLE \(table) (id bigint PRIMARY KEY, name text, amount numeric(12,2), region text, updated_at timestamptz);
            INSERT INTO \(table) SELECT g, '市场主体' || g, g % 100000 * 1.25, '3501' || lpad((g % 13)::text, 2, '0'),
              timestamptz '2026-01-01 00:00:00+08' + g * interval '1 second' FROM generate_series(1, \(rows)) g;
            ANALYZE \(table);
            """)
        defer { try? psql("DROP TABLE IF EXISTS \(table)") }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("odp-bench-reconcile-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let yaml = """
            id: bench-reconcile
            catalog: {title: 基准, code: 350100-BENCH-00001, provider: 基准, provider_code: "11350100MB1995472L", summary: 基准, domain: 基准, open_type: 无条件开放, update_cycle: 每日, license: CC-BY-4.0}
            source:
              type: postgres
              table: \(table)
              connection: {host: \(host), port: \(port), database: \(database), user: \(user), password: env:ODP_TEST_PG_PASSWORD, sslmode: disable}
              incremental: {watermark: updated_at, mode: merge}
            primary_key: [id]
            fields:
              - {name: id, title: 编号, type: integer, class: public}
              - {name: name, title: 名称, type: string, class: public}
              - {name: amount, title: 金额, type: number, class: public}
              - {name: region, title: 区划, type: string, class: public}
              - {name: updated_at, title: 更新时间, type: datetime, class: public}
            """
        guard let definition = DatasetDefinition.parse(yaml: yaml, file: work.appendingPathComponent("d.yml").path).0 else {
            throw ODPError.usage("the benchmark definition does not parse")
        }
        var result: [String: ArtifactJSON] = ["rows": ArtifactJSON(rows), "mode": "reconcile"]
        func timed(_ name: String, _ body: () throws -> Void) rethrows {
            let watch = Stopwatch()
            try body()
            result[name + "_seconds"] = ArtifactJSON((watch.elapsed * 1000).rounded() / 1000)
        }
        try timed("full_read") {
            var whole = definition
            whole.source.incremental = nil
            let source = try Extractor.open(whole, since: nil, environment: env)
            defer { source.close() }
            while try source.next(maxRows: 8192) != nil {}
        }
        let store = try StagingStore(url: work.appendingPathComponent("staging.sqlite"), schema: definition.schema, primaryKey: ["id"])
        var watermark: String?
        try timed("initial_staging") {
            let source = try Extractor.open(definition, since: nil, environment: env)
            defer { source.close() }
            try store.replaceAll(source)
            watermark = source.watermark
        }
        try timed("reconcile_clean") { result["reconcile_clean"] = Self.counts(try Reconciler.reconcile(definition, staging: store, environment: env).byKind) }
        try psql("UPDATE \(table) SET amount = amount + 1, updated_at = timestamptz '2027-01-01 00:00:00+08' WHERE id % 100 = 0")
        try timed("incremental_1pct") {
            let source = try Extractor.open(definition, since: watermark, environment: env)
            defer { source.close() }
            result["incremental_1pct_counts"] = ArtifactJSON("\(try store.merge(source))")
        }
        try psql("UPDATE \(table) SET name = name || '（改）' WHERE id % 100 = 1")
        try timed("reconcile_1pct_drift") {
            let found = try Reconciler.reconcile(definition, staging: store, environment: env)
            result["reconcile_1pct_drift"] = Self.counts(found.byKind)
            result["reconcile_1pct_ranges_differing"] = ArtifactJSON(found.rangesDiffering)
            result["reconcile_1pct_rows_reread"] = ArtifactJSON(found.rowsReread)
        }
        let data = try ArtifactJSON.object(result).encoded(pretty: true)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    private static func counts(_ byKind: [String: Int]) -> ArtifactJSON { .object(byKind.mapValues { ArtifactJSON($0) }) }
}

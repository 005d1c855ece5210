import Foundation
import ODPCore
import ODPPipeline
import ODPRelease
import Testing

/// Issue 23: incremental extraction from a real PostgreSQL never loses a row. Round after
/// round of the writes that defeat a plain `updated_at > watermark` (equal timestamps, a
/// watermark moving backwards, NULL watermarks, hard deletes, a writer committing while the
/// run reads), a comparer proves the release equals the source's current state, minus the
/// rows flagged deleted.
@Suite("Incremental PostgreSQL rounds", .serialized)
struct IncrementalPostgresTests {
    typealias PG = SourceFaultTests

    static let enabled = PG.hasServer || PG.env["ODP_REQUIRE_SERVICES"] == "1"

    struct Table {
        let name = "odp_inc_" + UUID().uuidString.prefix(8).lowercased()

        func definition(_ incremental: String) -> String {
            """
            id: pg-inc
            catalog: {title: 登记信息, code: 350100-TEST-23, provider: 测试局, provider_code: "11350100MB1995472L", summary: 测试, domain: 测试, open_type: 无条件开放, update_cycle: 每日, license: CC-BY-4.0}
            source:
              type: postgres
              table: \(name)
              connection: {host: \(PG.host), port: \(PG.port), database: \(PG.database), user: \(PG.user), password: env:ODP_TEST_PG_PASSWORD, sslmode: disable}
              incremental: \(incremental)
            primary_key: [id]
            fields:
              - {name: id, title: 编号, type: integer, class: public}
              - {name: name, title: 名称, type: string, class: public}
              - {name: amount, title: 金额, type: number, scale: 2, class: public}
              - {name: active, title: 有效, type: boolean, class: public}
              - {name: updated_at, title: 更新时间, type: datetime, time_zone: "+08:00", class: public}
            gate: {max_reject_share: 0.5}
            """
        }

        /// The table with `rows` rows made by `select` (id, name, amount, active, updated_at over g).
        func create(rows: Int, select: String) throws {
            try PG.psql("""
                CREATE TABLE \(name) (id integer PRIMARY KEY, name text, amount numeric(10,2), active boolean,
                  updated_at timestamptz, is_deleted boolean NOT NULL DEFAULT false);
                INSERT INTO \(name) (id, name, amount, active, updated_at) SELECT \(select) FROM generate_series(1, \(rows)) g;
                """)
        }

        /// The source's current rows, as the release must publish them: flagged rows left
        /// out, timestamps in the published form.
        func current() throws -> [String: [String]] {
            let text = try PG.psql("""
                SELECT id || '|' || coalesce(name, '') || '|' || coalesce(amount::text, '') || '|' || coalesce(active::text, '')
                  || '|' || coalesce(updated_at::text, '') FROM \(name) WHERE NOT is_deleted ORDER BY id
                """)
            var rows: [String: [String]] = [:]
            for line in text.split(separator: "\n") {
                var cells = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                if let t = TimestampText.parse(cells[4]) { cells[4] = t.converted(to: 8 * 3600).normalized }
                rows[cells[0]] = cells
            }
            return rows
        }
    }

    /// The released CSV of the latest version, by id.
    static func released(_ fixture: DemoFixture) throws -> [String: [String]] {
        let latest = try #require(try ReleaseReader.latest(datasetId: "pg-inc", root: fixture.output))
        let csv = try String(contentsOf: latest.directory.appendingPathComponent("data/pg-inc.csv"), encoding: .utf8)
        var rows: [String: [String]] = [:]
        for record in CSVText.parse(csv).dropFirst() where record.count == 5 { rows[record[0]] = record }
        return rows
    }

    /// The comparer: every source row released with its current values, and nothing else.
    static func expectReleaseEqualsSource(_ fixture: DemoFixture, _ table: Table, round: String,
                                          sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let source = try table.current(), release = try released(fixture)
        let missing = Set(source.keys).subtracting(release.keys).sorted(), extra = Set(release.keys).subtracting(source.keys).sorted()
        let changed = source.keys.filter { release[$0] != nil && release[$0] != source[$0] }.sorted()
        #expect(missing.isEmpty && extra.isEmpty && changed.isEmpty,
                "\(round): missing \(missing), extra \(extra), differing \(changed.prefix(5).map { "\(source[$0]!) ≠ \(release[$0]!)" })",
                sourceLocation: sourceLocation)
    }

    /// A dataset with the bus stops' fields reading `query` from the test server.
    static func addQuery(to fixture: DemoFixture, id: String, query: String) throws {
        try SourceFaultTests.addDataset(to: fixture, id: id, source: """
            source:
              type: postgres
              query: "\(query)"
              connection: {host: \(PG.host), port: \(PG.port), database: \(PG.database), user: \(PG.user), password: env:ODP_TEST_PG_PASSWORD, sslmode: disable}
            """)
    }

    /// A fresh fixture and a table of `rows` rows made by `select`; `remove` drops both.
    static func fixture(rows: Int, select: String) throws -> (DemoFixture, Table) {
        try #require(PG.hasServer, "ODP_REQUIRE_SERVICES=1 but no PostgreSQL (ODP_TEST_PG_HOST) is configured")
        let fixture = try DemoFixture(), table = Table()
        do { try table.create(rows: rows, select: select) } catch {
            fixture.remove()
            throw error
        }
        return (fixture, table)
    }

    static func remove(_ fixture: DemoFixture, _ table: Table) {
        _ = try? PG.psql("DROP TABLE IF EXISTS \(table.name)")
        fixture.remove()
    }

    static func run(_ fixture: DemoFixture) throws -> DatasetOutcome {
        let summary = try fixture.run(RunOptions(datasets: ["pg-inc"]))
        return try #require(summary.outcomes.first { $0.dataset == "pg-inc" })
    }

    @Test("five rounds of hostile writes: the release equals the source after each", .enabled(if: enabled), .timeLimit(.minutes(5)))
    func rounds() throws {
        let (fixture, table) = try Self.fixture(rows: 300, select: "g, '企业' || g, g * 1.5, g % 3 = 0, "
            + "timestamptz '2026-05-01 10:00:00+08' + g * interval '1 second' + (g % 7) * interval '123456 microseconds'")
        defer { Self.remove(fixture, table) }
        try table.definition("{watermark: updated_at, deleted_flag: is_deleted, mode: merge}")
            .write(to: fixture.root.appendingPathComponent("pipelines/demo/pg-inc.yml"), atomically: true, encoding: .utf8)

        // Round 1: the first, full read; timestamptz with fractional seconds is a datetime.
        let first = try Self.run(fixture)
        #expect(first.status == .published, "\(first.reasons) \(first.error ?? "")")
        #expect(first.rowsRejected == 0)
        try Self.expectReleaseEqualsSource(fixture, table, round: "round 1")
        let published = try Self.released(fixture)
        #expect(published["8"]?[4] == "2026-05-01T10:00:08.123456+08:00", "\(published["8"] ?? [])")
        #expect(published["7"]?[4] == "2026-05-01T10:00:07+08:00", "\(published["7"] ?? [])")

        // Round 2: equal timestamps, a watermark moving backwards, NULL watermarks, a hard
        // delete and a flagged one.
        let newest = try PG.psql("SELECT max(updated_at)::text FROM \(table.name)")
        try PG.psql("""
            UPDATE \(table.name) SET name = '同一时刻更新' WHERE id = 300;
            INSERT INTO \(table.name) (id, name, amount, active, updated_at) VALUES (301, '同一时刻新增', 1, true, '\(newest)');
            UPDATE \(table.name) SET name = '时间倒退', updated_at = '2026-04-01 09:00:00+08' WHERE id = 10;
            INSERT INTO \(table.name) (id, name, amount, active, updated_at) VALUES (302, '迟到的新增', 2, false, '2026-03-01 00:00:00+08');
            UPDATE \(table.name) SET name = '时间为空', updated_at = NULL WHERE id = 20;
            INSERT INTO \(table.name) (id, name, amount, active, updated_at) VALUES (303, '新增无时间', 3, true, NULL);
            DELETE FROM \(table.name) WHERE id IN (30, 31);
            UPDATE \(table.name) SET is_deleted = true, updated_at = updated_at + interval '1 hour' WHERE id = 40;
            """)
        let second = try Self.run(fixture)
        #expect(second.status == .published, "\(second.reasons) \(second.error ?? "")")
        try Self.expectReleaseEqualsSource(fixture, table, round: "round 2")
        let found = try #require(second.reconciliation)
        #expect(found["hard_delete"] == 2, "\(found)")
        #expect(found["late_write"] == 2, "\(found)")
        #expect((found["null_watermark"] ?? 0) >= 2, "\(found)")
        let audit = try String(contentsOf: fixture.output.appendingPathComponent("state/audit.jsonl"), encoding: .utf8)
        #expect(audit.contains("\"dataset_reconciled\"") && audit.contains("\"hard_delete\":2"), "the findings are in the audit trail")

        // Round 3: a writer's transaction stamps rows, then commits while the run reads; a
        // later autocommit moves the watermark past its stamps.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        writer.arguments = ["-h", PG.host, "-p", PG.port, "-U", PG.user, "-d", PG.database, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", """
            BEGIN; UPDATE \(table.name) SET name = '并发写入', updated_at = now() WHERE id = 50;
            INSERT INTO \(table.name) (id, name, amount, active, updated_at) VALUES (304, '并发新增', 4, true, now());
            SELECT pg_sleep(1.5); COMMIT;
            """]
        writer.environment = ["PGPASSWORD": PG.env["ODP_TEST_PG_PASSWORD"] ?? "", "PATH": "/usr/bin:/bin"]
        try writer.run()
        usleep(500_000)
        try PG.psql("UPDATE \(table.name) SET name = '稍后提交', updated_at = now() WHERE id = 60")
        let third = try Self.run(fixture)
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        #expect(third.status == .published, "\(third.reasons) \(third.error ?? "")")

        // Round 4: nothing new; the rows the writer committed late arrive (the lookback re-reads them).
        let fourth = try Self.run(fixture)
        #expect([.published, .unchanged].contains(fourth.status), "\(fourth.reasons) \(fourth.error ?? "")")
        try Self.expectReleaseEqualsSource(fixture, table, round: "round 4")
        #expect(try Self.released(fixture)["304"]?[1] == "并发新增")

        // Round 5: content drift with no watermark change, and more deletes.
        try PG.psql("""
            UPDATE \(table.name) SET amount = 999.99 WHERE id = 70;
            DELETE FROM \(table.name) WHERE id = 301;
            """)
        let fifth = try Self.run(fixture)
        #expect(fifth.status == .published, "\(fifth.reasons) \(fifth.error ?? "")")
        try Self.expectReleaseEqualsSource(fixture, table, round: "round 5")
        #expect(fifth.reconciliation?["drift"] == 1 && fifth.reconciliation?["hard_delete"] == 1, "\(fifth.reconciliation ?? [:])")
    }

    @Test("a row stamped in the future or `infinity` pins neither the watermark nor the unchanged probe", .enabled(if: enabled))
    func futureStamps() throws {
        let (fixture, table) = try Self.fixture(rows: 20, select: "g, '企业' || g, g, true, timestamptz '2026-05-01 10:00:00+08' + g * interval '1 minute'")
        defer { Self.remove(fixture, table) }
        // Weekly reconciliation: between passes only the window and the probe see writes.
        try table.definition("{watermark: updated_at, deleted_flag: is_deleted, reconcile: {every: 每周}}")
            .write(to: fixture.root.appendingPathComponent("pipelines/demo/pg-inc.yml"), atomically: true, encoding: .utf8)
        #expect(try Self.run(fixture).status == .published)
        try PG.psql("""
            INSERT INTO \(table.name) (id, name, amount, active, updated_at) VALUES (21, '录入错误', 1, true, '2099-01-01 00:00:00+08'),
              (22, '无穷', 2, true, 'infinity');
            """)
        let second = try Self.run(fixture)
        #expect(second.status == .published, "\(second.reasons) \(second.error ?? "")")
        let state = try String(contentsOf: fixture.output.appendingPathComponent("state/datasets/pg-inc.json"), encoding: .utf8)
        #expect(state.contains("2026-05-01") && !state.contains("2099") && !state.contains("infinity"), "\(state)")
        // An ordinary write after them: neither the maximum nor the count changes.
        try PG.psql("UPDATE \(table.name) SET name = '之后的更新', updated_at = now() WHERE id = 3")
        let third = try Self.run(fixture)
        #expect(third.status == .published, "\(third.reasons) \(third.error ?? "")")
        #expect(third.reconciliation == nil, "the window found it, not a reconciliation pass")
        #expect(try Self.released(fixture)["3"]?[1] == "之后的更新")

        // A watermark an earlier version stored as `infinity` starts no window: the next run
        // reads in full instead of reading nothing.
        let stateFile = fixture.output.appendingPathComponent("state/datasets/pg-inc.json")
        let poisoned = try String(contentsOf: stateFile, encoding: .utf8)
            .replacing(/"watermark" ?: ?"[^"]*"/, with: "\"watermark\" : \"infinity\"")
        #expect(poisoned.contains("infinity"))
        try poisoned.write(to: stateFile, atomically: true, encoding: .utf8)
        // With the source as it was, the run is not skipped as unchanged: it reads in full.
        let fourth = try Self.run(fixture)
        #expect([.published, .unchanged].contains(fourth.status), "\(fourth.reasons) \(fourth.error ?? "")")
        #expect(try !String(contentsOf: stateFile, encoding: .utf8).contains("infinity"))
        try PG.psql("UPDATE \(table.name) SET name = '修复后的更新', updated_at = now() WHERE id = 4")
        let fifth = try Self.run(fixture)
        #expect(fifth.status == .published, "\(fifth.reasons) \(fifth.error ?? "")")
        #expect(try Self.released(fixture)["4"]?[1] == "修复后的更新")
    }

    @Test("null_watermark: reject lists the rows for the department; fail stops the dataset", .enabled(if: enabled))
    func nullPolicies() throws {
        let (fixture, table) = try Self.fixture(rows: 20, select: "g, '企业' || g, g, true, "
            + "CASE WHEN g = 5 THEN NULL ELSE timestamptz '2026-05-01 10:00:00+08' + g * interval '1 minute' END")
        defer { Self.remove(fixture, table) }
        let file = fixture.root.appendingPathComponent("pipelines/demo/pg-inc.yml")
        try table.definition("{watermark: updated_at, deleted_flag: is_deleted, null_watermark: reject}").write(to: file, atomically: true, encoding: .utf8)
        let rejected = try Self.run(fixture)
        #expect(rejected.status == .published, "\(rejected.reasons) \(rejected.error ?? "")")
        #expect(try Self.released(fixture)["5"] == nil)
        #expect(rejected.rowsRejected == 1)
        let feedback = try String(contentsOf: fixture.output.appendingPathComponent("state/feedback/pg-inc.csv"), encoding: .utf8)
        #expect(feedback.contains("null_watermark"), "\(feedback)")

        try table.definition("{watermark: updated_at, deleted_flag: is_deleted, null_watermark: fail}").write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: fixture.output)
        let failed = try Self.run(fixture)
        #expect(failed.status == .failed)
        #expect(failed.error?.contains("updated_at") == true && failed.error?.contains("null_watermark") == true, "\(failed.error ?? "")")
        #expect(failed.seconds > 0, "a failed dataset reports its time")
    }

    @Test("odp validate opens the PostgreSQL source and warns when sampled timestamps would not parse", .enabled(if: enabled))
    func validateSamples() throws {
        let (fixture, table) = try Self.fixture(rows: 5, select: "g, '企业' || g, g, true, now()")
        defer { Self.remove(fixture, table) }
        let file = fixture.root.appendingPathComponent("pipelines/demo/pg-inc.yml")
        func warnings() throws -> [String] {
            try Workspace.load(configPath: fixture.configPath, openSources: true).diagnostics
                .filter { $0.severity == .warning && $0.location.file.hasSuffix("pg-inc.yml") }.map(\.message)
        }
        // A layout written for one-second text: now()'s fractional seconds and offset do not fit it.
        try table.definition("{watermark: updated_at}").replacingOccurrences(of: "time_zone: \"+08:00\"", with: "format: \"YYYY-MM-DD hh:mm:ss\"")
            .write(to: file, atomically: true, encoding: .utf8)
        let found = try warnings()
        #expect(found.contains { $0.contains("字段 `updated_at`：抽样的 5 个值中有 5 个无法按 datetime 解析") }, "\(found)")
        // The native text needs no layout.
        try table.definition("{watermark: updated_at}").write(to: file, atomically: true, encoding: .utf8)
        let none = try warnings()
        #expect(none.isEmpty, "\(none)")
    }

    @Test("a read that fails half-way reports the rows the server sent, as its message does, and its time", .enabled(if: enabled))
    func failedMidRead() throws {
        try #require(PG.hasServer, "ODP_REQUIRE_SERVICES=1 but no PostgreSQL (ODP_TEST_PG_HOST) is configured")
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        // Row 30,000 divides by zero: the server sends whole fetches before it, none of it.
        try Self.addQuery(to: fixture, id: "pg-mid-fail", query: "SELECT 'S' || g AS 站点编号, '站' || (1 / (g - 30000)) AS 站点名称, "
            + "'' AS 途经线路, '350102' AS 所属区县代码, 119.3 AS 经度, 26.1 AS 纬度, true AS 是否有候车亭, '2020-01-01' AS 启用日期 FROM generate_series(1, 40000) g")
        let outcome = try #require(try fixture.run(RunOptions(datasets: ["pg-mid-fail"])).outcomes.first)
        #expect(outcome.status == .failed)
        let error = try #require(outcome.error)
        #expect(error.contains("division by zero"), "\(error)")
        let said = try #require(error.firstMatch(of: /读取 ([0-9]+) 行后/).flatMap { Int($0.1) })
        #expect(said > 20_000 && said < 30_000, "\(error)")
        #expect(outcome.rowsRead == said, "summary \(outcome.rowsRead) rows, message \(said)")
        #expect(outcome.seconds > 0)
    }

    @Test("SQL errors are cleaned without the echoed query line and its ^ marker", .enabled(if: enabled))
    func cleanErrors() throws {
        try #require(PG.hasServer, "ODP_REQUIRE_SERVICES=1 but no PostgreSQL (ODP_TEST_PG_HOST) is configured")
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        try Self.addQuery(to: fixture, id: "pg-bad-sql", query: "SELECT no_such_column FROM pg_class")
        let summary = try fixture.run(RunOptions(datasets: ["pg-bad-sql"]))
        let error = try #require(summary.outcomes.first?.error)
        #expect(error.contains("column \"no_such_column\" does not exist"), "\(error)")
        #expect(error.contains("SQLSTATE 42703"), "\(error)")
        #expect(!error.contains("^") && !error.contains("LINE 1"), "\(error)")
        #expect((summary.outcomes.first?.seconds ?? 0) > 0, "a failed dataset reports its time")

        // That failed first run uploaded no open list; the first release does.
        func uploadedLists() -> [URL] { fixture.files(under: "published").filter { $0.lastPathComponent.hasPrefix("open-list") } }
        #expect(uploadedLists().isEmpty, "\(uploadedLists())")
        _ = try fixture.run(RunOptions(datasets: ["jtys-bus-stops"]))
        #expect(!uploadedLists().isEmpty)
    }
}

import CSQLite
import Foundation
import ODPCore
import ODPPipeline
import ODPRelease
import Testing

/// Incremental extraction end to end: the second run reads only rows newer than the
/// watermark of the first good release, merges them (updates and deletions included) into
/// the staging copy and releases the whole table.
@Suite("Incremental runs", .serialized)
struct IncrementalRunTests {
    static func exec(_ db: OpaquePointer?, _ sql: String) {
        #expect(sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK, "\(String(cString: sqlite3_errmsg(db)))")
    }

    func exec(_ db: OpaquePointer?, _ sql: String) { Self.exec(db, sql) }

    /// The fixture's `permits.sqlite`, opened (the caller closes it), and `permits.yml` reading
    /// it with these `source` lines and `updated_at` declared with `format` (native text without).
    static func permits(_ fixture: DemoFixture, source: String, format: String?) throws -> OpaquePointer? {
        var db: OpaquePointer?
        #expect(sqlite3_open(fixture.root.appendingPathComponent("pipelines/demo/data/permits.sqlite").path, &db) == SQLITE_OK)
        let layout = format.map { ", format: \"\($0)\"" } ?? ""
        try """
        id: permits
        catalog: {title: 许可证, code: 350100-TEST-09, provider: 测试局, provider_code: "11350100MB1995472L", summary: 测试, domain: 测试, open_type: 无条件开放, update_cycle: 每日, license: CC-BY-4.0}
        source:
          type: sqlite
          path: data/permits.sqlite
        \(source.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        primary_key: [permit_no]
        fields:
          - {name: permit_no, title: 许可证号, type: string, class: public}
          - {name: holder, title: 持证单位, type: string, class: public}
          - {name: updated_at, title: 更新时间, type: datetime\(layout), class: public}
        """.write(to: fixture.root.appendingPathComponent("pipelines/demo/permits.yml"), atomically: true, encoding: .utf8)
        return db
    }

    @Test("new, changed and deleted rows are merged into the next release")
    func mergesDelta() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let db = try Self.permits(fixture, source: """
            query: SELECT permit_no, holder, updated_at, is_deleted FROM permits
            incremental: {watermark: updated_at, deleted_flag: is_deleted, mode: merge}
            """, format: "YYYY-MM-DD hh:mm:ss")
        defer { sqlite3_close(db) }
        exec(db, "CREATE TABLE permits (permit_no TEXT, holder TEXT, updated_at TEXT, is_deleted INTEGER)")
        exec(db, "INSERT INTO permits VALUES ('P1','福州甲公司','2026-11-01 08:00:00',0),('P2','福州乙公司','2026-11-01 09:00:00',0),('P3','福州丙公司','2026-11-01 10:00:00',0)")
        let first = try fixture.run(RunOptions(datasets: ["permits"]))
        #expect(first.outcomes.first?.status == .published)
        #expect(first.outcomes.first?.rowsReleased == 3)

        exec(db, "UPDATE permits SET holder='福州乙公司（更名）', updated_at='2026-11-02 09:00:00' WHERE permit_no='P2'")
        exec(db, "UPDATE permits SET is_deleted=1, updated_at='2026-11-02 10:00:00' WHERE permit_no='P3'")
        exec(db, "INSERT INTO permits VALUES ('P4','福州丁公司','2026-11-02 11:00:00',0)")
        let second = try fixture.run(RunOptions(datasets: ["permits"]))
        let outcome = try #require(second.outcomes.first)
        #expect(outcome.status == .published)
        #expect(outcome.rowsReleased == 3)
        let latest = try #require(try ReleaseReader.latest(datasetId: "permits", root: fixture.output))
        let csv = try String(contentsOf: latest.directory.appendingPathComponent("data/permits.csv"), encoding: .utf8)
        #expect(csv.contains("P1,福州甲公司"))
        #expect(csv.contains("P2,福州乙公司（更名）"))
        #expect(!csv.contains("P3"))
        #expect(csv.contains("P4,福州丁公司"))
        let audit = try String(contentsOf: fixture.output.appendingPathComponent("state/audit.jsonl"), encoding: .utf8)
        #expect(audit.contains("\"mode\":\"incremental\""))
    }
}

/// Issue 23: reconciliation on its schedule, and always after a run that failed half-way.
@Suite("Reconciliation in runs", .serialized)
struct ReconciliationRunTests {
    @Test("a run that failed after extracting makes the next one reconcile, whatever the schedule")
    func afterFailure() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let db = try IncrementalRunTests.permits(fixture, source: """
            table: permits
            incremental: {watermark: updated_at, reconcile: {every: 每周}}
            """, format: nil)
        defer { sqlite3_close(db) }
        func exec(_ sql: String) { IncrementalRunTests.exec(db, sql) }
        exec("CREATE TABLE permits (permit_no TEXT, holder TEXT, updated_at TEXT)")
        exec("INSERT INTO permits VALUES ('P1','福州甲公司','2026-11-01 08:00:00'),('P2','福州乙公司','2026-11-01 09:00:00')")
        #expect(try fixture.run(RunOptions(datasets: ["permits"])).outcomes.first?.status == .published)

        // A late write (older than the window) and a row without a key, which fails the merge.
        exec("UPDATE permits SET holder = '福州甲公司（更名）', updated_at = '2026-10-01 08:00:00' WHERE permit_no = 'P1'")
        exec("INSERT INTO permits VALUES (NULL, '无编号', '2026-11-02 08:00:00')")
        let failed = try #require(try fixture.run(RunOptions(datasets: ["permits"])).outcomes.first)
        // The window (09:00 less an hour) read P2 and the keyless row before the merge failed.
        #expect(failed.status == .failed && failed.rowsRead == 2, "\(failed.error ?? "") \(failed.rowsRead)")
        #expect(failed.seconds > 0)

        exec("DELETE FROM permits WHERE permit_no IS NULL")
        let next = try #require(try fixture.run(RunOptions(datasets: ["permits"])).outcomes.first)
        #expect(next.status == .published, "\(next.error ?? "")")
        #expect(next.reconciliation?["late_write"] == 1, "\(next.reconciliation ?? [:])")
        let latest = try #require(try ReleaseReader.latest(datasetId: "permits", root: fixture.output))
        let csv = try String(contentsOf: latest.directory.appendingPathComponent("data/permits.csv"), encoding: .utf8)
        #expect(csv.contains("P1,福州甲公司（更名）"), "\(csv)")
        let audit = try String(contentsOf: fixture.output.appendingPathComponent("state/audit.jsonl"), encoding: .utf8)
        #expect(audit.contains("\"reason\":\"previous_run_incomplete\""))

        // Completed now: the next run leaves reconciliation to its weekly schedule.
        let quiet = try #require(try fixture.run(RunOptions(datasets: ["permits"])).outcomes.first)
        #expect(quiet.reconciliation == nil)
    }
}

@Suite("Schedules and metrics", .serialized)
struct ScheduleAndMetricsTests {
    @Test("--due skips datasets whose 更新周期 has not come round since their last good release")
    func dueOnly() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let now = Date()
        _ = try fixture.run(RunOptions(runTime: now))
        let soon = try fixture.run(RunOptions(runTime: now.addingTimeInterval(2 * 86_400), dueOnly: true))
        let status = Dictionary(uniqueKeysWithValues: soon.outcomes.map { ($0.dataset, $0.status) })
        #expect(status["scjg-individual-business"] != .skipped)   // 每日: due after two days
        #expect(status["jtys-bus-stops"] == .skipped)              // 每月: not yet
        #expect(status["mzj-elderly-care"] != .skipped)            // never released: always due
    }

    @Test("the metrics file is Prometheus text format with one sample per dataset")
    func metricsFormat() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        _ = try fixture.run()
        let text = try String(contentsOf: fixture.output.appendingPathComponent("state/metrics/odp.prom"), encoding: .utf8)
        var typed = Set<String>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                #expect(parts.count == 4 && ["gauge", "counter", "summary"].contains(parts[3]), "\(line)")
                typed.insert(String(parts[2]))
            } else if !line.hasPrefix("# HELP ") {
                // name{label="value"} number, or name number for a site-wide figure
                let match = line.firstMatch(of: /^([a-z_:][a-z0-9_:]*)(?:\{dataset="[a-z0-9-]+"(?:,[a-z]+="[a-z0-9.]+")?\})? (-?[0-9.e+]+)$/)
                #expect(match != nil, "bad sample line: \(line)")
                // A summary's samples are <name>_sum and <name>_count.
                if let match { #expect(typed.contains(String(match.1).replacing(/_(sum|count)$/, with: "")) || typed.contains(String(match.1)),
                                       "sample before its TYPE: \(line)") }
            }
        }
        #expect(typed.contains("odp_rows_read"))
        #expect(text.contains("odp_rows_read{dataset=\"scjg-individual-business\"} 3000"))
    }
}

@Suite("Notifications")
struct NotificationTests {
    @Test("the notify command receives the held datasets as JSON")
    func commandHook() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let sink = fixture.root.appendingPathComponent("notified.json")
        let config = fixture.root.appendingPathComponent("pipelines/odp.yml")
        var text = try String(contentsOf: config, encoding: .utf8)
        text += "notify:\n  command: cat > \(sink.path)\n"
        try text.write(to: config, atomically: true, encoding: .utf8)
        _ = try fixture.run()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: sink)) as? [String: Any])
        let datasets = try #require(object["datasets"] as? [[String: Any]])
        #expect(datasets.contains { $0["dataset"] as? String == "mzj-elderly-care" && $0["status"] as? String == "held" })
        #expect(!datasets.contains { $0["dataset"] as? String == "scjg-individual-business" })
    }
}

@Suite("更新及时率: overdue datasets", .serialized)
struct TimelinessTests {
    /// 2026-09-15 12:00 Beijing time.
    static let september = Date(timeIntervalSince1970: Double(CivilDays.days(2026, 9, 15)) * 86_400 + 4 * 3600)

    @Test("a dataset released in September is overdue for 每月 in December; status, metrics and the notification say so")
    func overdue() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let sink = fixture.root.appendingPathComponent("notified.json")
        let config = fixture.root.appendingPathComponent("pipelines/odp.yml")
        try (String(contentsOf: config, encoding: .utf8) + "notify:\n  command: printf '%s' \"$ODP_EVENT_OVERDUE\" > \(sink.path)\n")
            .write(to: config, atomically: true, encoding: .utf8)
        _ = try fixture.run(RunOptions(runTime: Self.september))
        #expect(try String(contentsOf: sink, encoding: .utf8) == "", "nothing is overdue right after a release")
        let october = Self.september.addingTimeInterval(20 * 86_400)   // 5 October: the next month, not overdue yet
        let december = Self.september.addingTimeInterval(83 * 86_400)  // 7 December
        let early = try StatusReport(workspace: fixture.workspace(), now: october)
        let bus = try #require(early.datasets.first { $0.dataset == "jtys-bus-stops" }?.timeliness)
        #expect(!bus.overdue && bus.cycle == .monthly)
        #expect(bus.overdueFrom.map { BeijingTime.day($0) } == "2026-11-01")

        let late = try StatusReport(workspace: fixture.workspace(), now: december)
        let byId = Dictionary(uniqueKeysWithValues: late.datasets.map { ($0.dataset, $0) })
        #expect(byId["jtys-bus-stops"]?.timeliness?.overdue == true)
        #expect(byId["jtys-bus-stops"]?.next.contains { $0.hasPrefix("已逾期：更新周期每月") } == true)
        #expect(byId["scjg-individual-business"]?.timeliness?.overdue == true)   // 每日
        #expect(byId["mzj-elderly-care"]?.timeliness == nil)                     // held: nothing public to judge

        // A run that selects no dataset still judges every released one.
        let summary = try fixture.run(RunOptions(runTime: december, datasets: ["none-*"]))
        #expect(summary.timeliness["jtys-bus-stops"]?.overdue == true)
        let metrics = try String(contentsOf: fixture.output.appendingPathComponent("state/metrics/odp.prom"), encoding: .utf8)
        #expect(metrics.contains("odp_overdue{dataset=\"jtys-bus-stops\"} 1.0"), "\(metrics)")
        #expect(metrics.contains("odp_timeliness_ratio 0.0"), "\(metrics)")
        #expect(try String(contentsOf: sink, encoding: .utf8) == "jtys-bus-stops scjg-individual-business sthj-air-quality-hourly")
        // The department has not delivered new data: an unchanged run makes no release and
        // the dataset stays overdue.
        let unchanged = try fixture.run(RunOptions(runTime: december))
        #expect(unchanged.outcomes.first { $0.dataset == "scjg-individual-business" }?.status == .unchanged)
        #expect(unchanged.timeliness["scjg-individual-business"]?.overdue == true)
    }
}

import Foundation
import ODPCore
import ODPPostgres
import Testing
@testable import ODPPublish

/// Issue 19 §7: the exchange database (前置机库) target against a real PostgreSQL. Each test
/// uses a schema of its own.
@Suite("Database target", .enabled(if: DatabaseFixture.available, "no PostgreSQL (ODP_TEST_PG_HOST); run scripts/services-start.sh DIR"))
struct DatabaseTargetTests {
    static let v1 = "2026.12.07.1"
    static let v2 = "2026.12.07.2"

    @Test("v1 then v2: each version gets its own typed table, the view shows the newest, v1's table stays, and the catalog rows say so")
    func loadsAndSwitches() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        let target = f.target()
        let r1 = try f.publish(target, try f.release(version: Self.v1, rows: DatabaseFixture.rows(30, seed: 1)), version: Self.v1)
        #expect(r1.count == 5 && r1.allSatisfy { $0.newlyUploaded })
        #expect(r1.first { $0.file == "data/bus-stops.csv" }?.remote.hasSuffix("\"\(f.schema)\".\"bus_stops__2026_12_07_1\"") == true)
        #expect(try f.value("SELECT count(*) FROM \(f.table("bus_stops"))") == "30")

        try f.publish(target, try f.release(version: Self.v2, rows: DatabaseFixture.rows(40, seed: 2)), version: Self.v2)
        #expect(try f.relations() == ["bus_stops", "bus_stops__2026_12_07_1", "bus_stops__2026_12_07_2", "odp_datasets", "odp_versions"])
        #expect(try f.value("SELECT count(*) FROM \(f.table("bus_stops"))") == "40")
        #expect(try f.value("SELECT \"站点名称\" FROM \(f.table("bus_stops")) WHERE id = 3") == "站点2-3")
        #expect(try f.value("SELECT count(*) FROM \(f.table("bus_stops__2026_12_07_1"))") == "30", "the previous version stays")
        let versions = try f.query("SELECT version, table_name, row_count::text, status, issued::text, length(content_hash)::text, checksum FROM \(f.table("odp_versions")) ORDER BY version")
        #expect(versions.map { $0[0] } == [Self.v1, Self.v2])
        #expect(versions.map { $0[2] } == ["30", "40"])
        #expect(versions.allSatisfy { $0[3] == "loaded" && $0[4] == "2026-12-07 08:00:00+00" && $0[5] == "64" })
        #expect(versions[1][6]?.hasPrefix("40:") == true)
        let dataset = try #require(try f.query("SELECT title, resource_code, provider_code, update_cycle, open_type, license, current_version, stable_name, status FROM \(f.table("odp_datasets"))").first)
        #expect(dataset == ["公交站点", "370100-JT-0001/交通", "11370100004318345X", "每月", "无条件开放", "CC-BY-4.0", Self.v2, "bus_stops", "published"])
        // The view keeps its column titles from the table; the column comment carries the Chinese title.
        #expect(try f.value("SELECT col_description(to_regclass($1), 2)", ["\(f.table("bus_stops__2026_12_07_2"))"]) == "标题 站点名称")
    }

    @Test("publishing the same version again loads nothing and writes nothing: receipts confirmed, rows untouched")
    func rerunIsNoOp() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        let release = try f.release(version: Self.v1, rows: DatabaseFixture.rows(10, seed: 1))
        try f.publish(f.target(), release, version: Self.v1)
        let before = try f.query("SELECT xmin::text FROM \(f.table("odp_datasets")) UNION ALL SELECT xmin::text FROM \(f.table("odp_versions"))")
        let view = try f.value("SELECT to_regclass($1)::oid::text", [f.table("bus_stops")])
        let again = try f.publish(f.target(), release, version: Self.v1)
        #expect(again.count == 5 && again.allSatisfy { !$0.newlyUploaded })
        #expect(try f.query("SELECT xmin::text FROM \(f.table("odp_datasets")) UNION ALL SELECT xmin::text FROM \(f.table("odp_versions"))") == before)
        #expect(try f.value("SELECT to_regclass($1)::oid::text", [f.table("bus_stops")]) == view)
        #expect(try f.value("SELECT count(*) FROM \(f.table("bus_stops"))") == "10")
        #expect(f.lines.all.filter { $0.contains("loaded 10 rows") }.count == 1)
    }

    @Test("integers, decimals, dates, booleans, Chinese text, quotes, commas, line breaks and NULLs come back as released, typed")
    func valuesRoundTrip() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        let rows: [[String?]] = [
            ["1", "他说\"你好\"，再见", "1.50", "2026-01-31", "true"],
            ["-9007199254740993", "a,b\r\nc", "-0.001", "1999-12-31", "false"],
            ["3", nil, nil, nil, nil],
            ["4", "O'Brien; DROP TABLE x; --", "12345678901234567890.123", "2000-02-29", "true"],
        ]
        try f.publish(f.target(), try f.release(version: Self.v1, rows: rows), version: Self.v1)
        let view = f.table("bus_stops")
        let back = try f.query("SELECT id::text, \"站点名称\", amount::text, day::text, open::text FROM \(view) ORDER BY id")
        #expect(back == [rows[1], rows[0], rows[2], rows[3]])
        let types = try f.query("SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'bus_stops__2026_12_07_1' ORDER BY ordinal_position", [f.schema])
        #expect(types.map { $0[1] } == ["bigint", "text", "numeric", "date", "boolean"])
        #expect(try f.value("SELECT sum(amount)::text FROM \(view)") == "12345678901234567891.622")
        #expect(try f.value("SELECT count(*) FROM \(view) WHERE \"站点名称\" IS NULL AND amount IS NULL AND day IS NULL AND open IS NULL") == "1")
    }

    @Test("a released value that does not fit its typed column fails the load naming the file, line and field; nothing is left behind")
    func valueThatDoesNotFit() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        var rows = DatabaseFixture.rows(3, seed: 1)
        rows[1][2] = "暂无"
        var message = ""
        do { try f.publish(f.target(), try f.release(version: Self.v1, rows: rows), version: Self.v1) } catch { message = "\(error)" }
        #expect(message.contains("data/bus-stops.csv") && message.contains("line 3") && message.contains("amount") && message.contains("暂无"), "\(message)")
        #expect(try f.relations() == ["odp_datasets", "odp_versions"])
    }

    @Test("a load interrupted by a failure or a killed connection leaves the view on the old version and nothing half-loaded; the next run loads once")
    func interruptedLoadResumes() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        try f.publish(f.target(), try f.release(version: Self.v1, rows: DatabaseFixture.rows(20, seed: 1)), version: Self.v1)
        let v2 = try f.release(version: Self.v2, rows: DatabaseFixture.rows(2000, seed: 2))
        func unchanged() throws {
            #expect(try f.value("SELECT count(*) FROM \(f.table("bus_stops"))") == "20")
            #expect(try f.relations() == ["bus_stops", "bus_stops__2026_12_07_1", "odp_datasets", "odp_versions"])
            #expect(try f.value("SELECT count(*) FROM \(f.table("odp_versions"))") == "1")
        }

        // A failure half-way through COPY.
        let failing = f.target()
        failing.copyChunkBytes = 4096
        failing.afterCopyChunk = { n in if n == 3 { throw ODPError.io("test", "injected failure") } }
        #expect(throws: (any Error).self) { try f.publish(failing, v2, version: Self.v2) }
        try unchanged()

        // The server ends the connection half-way (what a killed odp looks like to it).
        let killed = f.target()
        killed.copyChunkBytes = 4096
        let pid = try #require(try killed.connect().rows("SELECT pg_backend_pid()", doing: "pid").first?.first ?? nil)
        killed.afterCopyChunk = { n in if n == 3 { _ = try f.query("SELECT pg_terminate_backend($1::int)", [pid]) } }
        var message = ""
        do { try f.publish(killed, v2, version: Self.v2) } catch { message = "\(error)" }
        #expect(message.contains("连接中断") || message.contains("terminat"), "\(message)")
        try unchanged()

        // The same target object reconnects and loads it whole.
        killed.afterCopyChunk = nil
        let receipts = try f.publish(killed, v2, version: Self.v2)
        #expect(receipts.allSatisfy { $0.newlyUploaded })
        #expect(try f.value("SELECT count(*) FROM \(f.table("bus_stops"))") == "2000")
        #expect(try f.value("SELECT count(DISTINCT id) FROM \(f.table("bus_stops"))") == "2000", "no duplicate rows")
    }

    @Test("killed between the load and the switch: the next run checks the staged table and switches without loading again; a damaged one is loaded again")
    func stagedTableIsCheckedAndReused() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        let v1 = try f.release(version: Self.v1, rows: DatabaseFixture.rows(50, seed: 1))
        let stopping = f.target()
        stopping.beforeSwitch = { throw ODPError.io("test", "killed before the switch") }
        #expect(throws: (any Error).self) { try f.publish(stopping, v1, version: Self.v1) }
        #expect(try f.relations() == ["odp_datasets", "odp_loading__bus_stops__2026_12_07_1", "odp_versions"], "staged, not visible under the stable name")

        try f.publish(f.target(), v1, version: Self.v1)
        #expect(f.lines.all.contains { $0.contains("staging table complete from an earlier run") })
        #expect(f.lines.all.filter { $0.contains("loaded 50 rows") }.count == 1)
        #expect(try f.value("SELECT count(*) FROM \(f.table("bus_stops"))") == "50")

        // A staged table that lost a row is not trusted: loaded again, then switched.
        let v2 = try f.release(version: Self.v2, rows: DatabaseFixture.rows(60, seed: 2))
        #expect(throws: (any Error).self) { try f.publish(stopping, v2, version: Self.v2) }
        try f.command("DELETE FROM \(f.table("odp_loading__bus_stops__2026_12_07_2")) WHERE id = 7")
        try f.publish(f.target(), v2, version: Self.v2)
        #expect(f.lines.all.filter { $0.contains("loaded 60 rows") }.count == 2)
        #expect(try f.value("SELECT count(*) FROM \(f.table("bus_stops")) WHERE id = 7") == "1")
    }

    @Test("other content under a published version, or a foreign table under its name, is refused and nothing changes")
    func publishedVersionIsImmutable() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        try f.publish(f.target(), try f.release(version: Self.v1, rows: DatabaseFixture.rows(5, seed: 1)), version: Self.v1)
        var message = ""
        do { try f.publish(f.target(), try f.release(version: Self.v1, rows: DatabaseFixture.rows(6, seed: 9)), version: Self.v1) } catch { message = "\(error)" }
        #expect(message.contains("拒绝覆盖") && message.contains("bus_stops__2026_12_07_1"), "\(message)")
        #expect(try f.value("SELECT count(*) FROM \(f.table("bus_stops__2026_12_07_1"))") == "5")

        try f.command("CREATE TABLE \(f.table("bus_stops__2026_12_07_2")) (x int)")
        message = ""
        do { try f.publish(f.target(), try f.release(version: Self.v2, rows: DatabaseFixture.rows(6, seed: 2)), version: Self.v2) } catch { message = "\(error)" }
        #expect(message.contains("拒绝覆盖"), "\(message)")
        #expect(try f.value("SELECT current_version FROM \(f.table("odp_datasets"))") == Self.v1)
    }

    @Test("`odp verify --targets` (repair) loads a version's table again when it lost rows, and leaves an intact one alone")
    func repairReloadsDamagedTable() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        let release = try f.release(version: Self.v1, rows: DatabaseFixture.rows(25, seed: 1))
        try f.publish(f.target(), release, version: Self.v1)
        let intact = try f.publish(f.target(), release, version: Self.v1, repair: true)
        #expect(intact.allSatisfy { !$0.newlyUploaded })
        try f.command("DELETE FROM \(f.table("bus_stops__2026_12_07_1")) WHERE id < 5")
        let repaired = try f.publish(f.target(), release, version: Self.v1, repair: true)
        #expect(repaired.allSatisfy { $0.newlyUploaded })
        #expect(try f.value("SELECT count(*) FROM \(f.table("bus_stops"))") == "25")
        #expect(try f.relations() == ["bus_stops", "bus_stops__2026_12_07_1", "odp_datasets", "odp_versions"])
    }

    @Test("hostile dataset ids and field names stay names: quoted, fitted to 63 bytes, never SQL")
    func hostileNames() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        let dataset = "x\"; DROP TABLE odp_versions; --"
        let fields = [DatabaseFixture.Field(name: "a\"b", type: "string"), DatabaseFixture.Field(name: "c'); DROP SCHEMA public; --", type: "integer"),
                      DatabaseFixture.Field(name: String(repeating: "很长的字段名", count: 5) + "甲", type: "string"),
                      DatabaseFixture.Field(name: String(repeating: "很长的字段名", count: 5) + "乙", type: "string")]
        let release = try f.release(dataset: dataset, version: Self.v1, fields: fields, rows: [["q\"", "1", "甲", "乙"]])
        try f.publish(f.target(), release, dataset: dataset, version: Self.v1)
        let stable = DatabaseNames.stable(dataset)
        #expect(stable.hasPrefix("x_") && stable.utf8.count <= 63 && stable.allSatisfy { $0 == "_" || $0.isASCII && ($0.isLowercase || $0.isNumber) })
        #expect(try f.relations().contains("odp_versions"))
        let columns = try f.query("SELECT column_name::text FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                                  [f.schema, stable]).compactMap { $0[0] }
        #expect(columns.count == 4 && columns[0] == "a\"b" && columns[1] == "c'); DROP SCHEMA public; --")
        #expect(columns[2] != columns[3] && columns[2...].allSatisfy { $0.utf8.count <= 63 })
        #expect(try f.value("SELECT \"a\"\"b\" FROM \(f.table(stable))") == "q\"")
        #expect(DatabaseNames.stable("a-b") != DatabaseNames.stable("a_b") && DatabaseNames.versioned("a", "1.2") != DatabaseNames.versioned("a", "1_2"))
    }

    @Test("keep_versions: 2 keeps the two newest tables; older ones are dropped and their rows say so")
    func keepVersions() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        let target = f.target(keepVersions: 2)
        for n in 1...3 {
            try f.publish(target, try f.release(version: "2026.12.07.\(n)", rows: DatabaseFixture.rows(3 + n, seed: n)), version: "2026.12.07.\(n)")
        }
        #expect(try f.relations() == ["bus_stops", "bus_stops__2026_12_07_2", "bus_stops__2026_12_07_3", "odp_datasets", "odp_versions"])
        #expect(try f.query("SELECT status FROM \(f.table("odp_versions")) ORDER BY version").map { $0[0] } == ["dropped", "loaded", "loaded"])
        // Keeping all (the default) drops nothing.
        let g = try DatabaseFixture()
        defer { g.remove() }
        for n in 1...3 { try g.publish(g.target(), try g.release(version: "2026.12.07.\(n)", rows: DatabaseFixture.rows(3, seed: n)), version: "2026.12.07.\(n)") }
        #expect(try g.relations().count == 6)
    }

    @Test("withdrawing a version drops its table, marks its row with the reason and date, and moves the view back; the whole dataset removes the view")
    func withdraw() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        let target = f.target()
        let releases = try [Self.v1, Self.v2].enumerated().map { n, v in try f.release(version: v, rows: DatabaseFixture.rows(10 + n, seed: n)) }
        for (release, v) in zip(releases, [Self.v1, Self.v2]) { try f.publish(target, release, version: v) }
        let one = Withdrawal(number: "bus-stops-W1", dataset: "bus-stops", version: Self.v2, reason: "含有错误坐标", by: "张三", recorded: "2026-12-08T09:00:00Z")
        try target.withdraw(one, versions: [Self.v2])
        #expect(try f.relations() == ["bus_stops", "bus_stops__2026_12_07_1", "odp_datasets", "odp_versions"])
        #expect(try f.value("SELECT count(*) FROM \(f.table("bus_stops"))") == "10")
        #expect(try f.query("SELECT status, withdrawal, withdrawn_reason, withdrawn_at::text FROM \(f.table("odp_versions")) WHERE version = $1", [Self.v2]).first
                == ["withdrawn", "bus-stops-W1", "含有错误坐标", "2026-12-08 09:00:00+00"])
        #expect(try f.value("SELECT current_version FROM \(f.table("odp_datasets"))") == Self.v1)

        // Again: nothing changes; publishing the withdrawn version is refused.
        let before = try f.query("SELECT xmin::text FROM \(f.table("odp_versions")) ORDER BY version")
        try target.withdraw(one, versions: [Self.v2])
        #expect(try f.query("SELECT xmin::text FROM \(f.table("odp_versions")) ORDER BY version") == before)
        var message = ""
        do { try f.publish(target, releases[1], version: Self.v2) } catch { message = "\(error)" }
        #expect(message.contains("已撤回"), "\(message)")

        let all = Withdrawal(number: "bus-stops-W2", dataset: "bus-stops", version: nil, reason: "停止开放", by: "张三", recorded: "2026-12-09T09:00:00Z")
        try target.withdraw(all, versions: [])
        #expect(try f.relations() == ["odp_datasets", "odp_versions"])
        #expect(try f.query("SELECT status, current_version, withdrawn_reason FROM \(f.table("odp_datasets"))").first == ["withdrawn", nil, "停止开放"])
        #expect(try f.query("SELECT status, withdrawal FROM \(f.table("odp_versions")) ORDER BY version") == [["withdrawn", "bus-stops-W2"], ["withdrawn", "bus-stops-W1"]])
    }

    @Test("through the publisher: the URL comes from env:, never shows in logs, errors or receipts; existing versions are read from odp_versions")
    func throughPublisher() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        let yaml = "  - type: database\n    name: exchange\n    url: env:ODP_EXCHANGE_URL\n    schema: \(f.schema)\n    keep_versions: 5"
        let (config, diagnostics) = Fixtures.config(yaml, in: f.dir)
        let pipeline = try #require(config, "\(diagnostics)")
        let state = f.dir.appendingPathComponent("pub-state")
        let publisher = try Publisher(config: pipeline, stateDirectory: state, environment: ["ODP_EXCHANGE_URL": DatabaseFixture.url], log: f.lines.sink)
        let definition = Fixtures.definition()
        let receipts = try publisher.publish(release: try f.release(version: Self.v1, rows: DatabaseFixture.rows(4, seed: 1)), definition: definition, version: Self.v1)
        #expect(receipts.count == 5)
        #expect(try publisher.existingVersions(definition: definition, day: "2026.12.07") == [Self.v1])
        #expect(try f.value("SELECT count(*) FROM \(f.table("bus_stops"))") == "4")

        var components = try #require(URLComponents(string: DatabaseFixture.url))
        components.password = "not-the-password-5521"
        let wrong = try #require(components.string)
        let refused = try Publisher(config: pipeline, stateDirectory: state, environment: ["ODP_EXCHANGE_URL": wrong], log: f.lines.sink)
        var message = ""
        do { _ = try refused.publish(release: try f.release(version: Self.v2, rows: DatabaseFixture.rows(4, seed: 2)), definition: definition, version: Self.v2) } catch { message = "\(error)" }
        #expect(message.contains("无法连接交换库"), "\(message)")
        expectNoSecrets([Services.values["ODP_TEST_PG_PASSWORD"]!, "not-the-password-5521", DatabaseFixture.url], logs: f.lines.all, errors: [message], state: state)
    }

    @Test("`Publisher.withdraw` reaches the database: the version's table goes, the view moves back, each version is journaled once")
    func withdrawThroughPublisher() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        let yaml = "  - type: database\n    name: exchange\n    url: env:ODP_EXCHANGE_URL\n    schema: \(f.schema)"
        let pipeline = try #require(Fixtures.config(yaml, in: f.dir).0)
        let publisher = try Publisher(config: pipeline, stateDirectory: f.dir.appendingPathComponent("wd-state"), environment: ["ODP_EXCHANGE_URL": DatabaseFixture.url])
        let definition = Fixtures.definition()
        for (n, v) in [Self.v1, Self.v2].enumerated() {
            _ = try publisher.publish(release: try f.release(version: v, rows: DatabaseFixture.rows(5 + n, seed: n)), definition: definition, version: v)
        }
        let w = Withdrawal(number: "bus-stops-W1", dataset: "bus-stops", version: Self.v2, reason: "坐标有误", by: "李四", recorded: "2026-12-08T10:00:00Z")
        let first = try publisher.withdraw(w, versions: [Self.v2], definition: definition)
        #expect(first.count == 1 && first.allSatisfy { $0.newlyUploaded && $0.version == Self.v2 })
        #expect(try f.relations() == ["bus_stops", "bus_stops__2026_12_07_1", "odp_datasets", "odp_versions"])
        #expect(try f.value("SELECT current_version FROM \(f.table("odp_datasets"))") == Self.v1)
        let again = try publisher.withdraw(w, versions: [Self.v2], definition: definition)
        #expect(again.count == 1 && again.allSatisfy { !$0.newlyUploaded })
    }

    @Test("ssl_mode reaches libpq: `require` against a server without TLS is refused, naming the database and not the password")
    func sslModeIsUsed() throws {
        let f = try DatabaseFixture()
        defer { f.remove() }
        var settings = f.settings()
        settings.sslMode = "require"
        let plain = DatabaseFixture.url.replacingOccurrences(of: "?sslmode=disable", with: "")
        let target = DatabaseTarget(settings: settings, url: plain, log: PublishLog(redactor: Redactor(), sink: nil))
        var message = ""
        do { _ = try target.connect() } catch { message = "\(error)" }
        #expect(message.contains("SSL") && !message.contains(Services.values["ODP_TEST_PG_PASSWORD"]!), "\(message)")
    }
}

@Suite("Database target settings")
struct DatabaseTargetSettingsTests {
    func errors(_ yaml: String) -> String {
        let dir = Fixtures.tempDirectory("dbcfg")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (config, diagnostics) = Fixtures.config(yaml, in: dir)
        let all = (config.map { Publisher.validate($0) } ?? []) + diagnostics
        return all.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")
    }

    @Test("`url` only as env:/file:, a schema name, keep_versions from 1, ssl_mode from libpq's list, ca_file only with verification")
    func validation() {
        #expect(errors("  - type: database\n    url: env:X\n    schema: odp_x\n    keep_versions: 3\n    ssl_mode: verify-full") == "")
        #expect(errors("  - type: database\n    url: postgres://u:pw@h/db").contains("明文密钥"))
        #expect(errors("  - type: database\n    schema: x").contains("url"))
        #expect(errors("  - type: database\n    url: env:X\n    schema: \"a; drop\"").contains("模式名"))
        #expect(errors("  - type: database\n    url: env:X\n    keep_versions: 0").contains("keep_versions"))
        #expect(errors("  - type: database\n    url: env:X\n    ssl_mode: allow-anything").contains("ssl_mode"))
        #expect(errors("  - type: database\n    url: env:X\n    ca_file: /etc/hostname\n    ssl_mode: require").contains("ca_file"))
        #expect(errors("  - type: database\n    url: env:X\n    tabel: t").contains("tabel"))
    }
}

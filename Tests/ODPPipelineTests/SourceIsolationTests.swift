import CSQLite
import Foundation
import ODPCore
@testable import ODPDemoData
import ODPPipeline
import Testing

/// Issue 16, item 1: a broken source or a missing secret fails only the dataset that needs
/// it. The run still releases the others, reports and audits the failure, and exits 3;
/// `odp validate` still opens the sources and reads the secrets and reports what is wrong.
@Suite("Source problems fail their dataset, not the run")
struct SourceIsolationTests {
    /// Two CSV-shaped datasets in a temporary folder: `broken` (listed first, so the run meets
    /// it before the other) reads whatever source a test gives it; `sound` always reads a good CSV.
    struct TwoDatasets {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("odp-isolation-\(UUID().uuidString.prefix(8))")
        var config: String { root.appendingPathComponent("odp.yml").path }
        var output: URL { root.appendingPathComponent("out") }

        init(source: String, keys: String = "", brokenField: String = "") throws {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try "output: out\ndatasets: [broken.yml, sound.yml]\n\(keys)\n".write(toFile: config, atomically: true, encoding: .utf8)
            try Self.definition(id: "broken", code: "01", source: source, extraField: brokenField)
                .write(to: root.appendingPathComponent("broken.yml"), atomically: true, encoding: .utf8)
            try Self.definition(id: "sound", code: "02", source: "{type: csv, path: sound.csv}")
                .write(to: root.appendingPathComponent("sound.yml"), atomically: true, encoding: .utf8)
            try write("sound.csv", Self.csv)
        }

        static let csv = "编号,名称\n" + (1...40).map { "R\($0),名称\($0)\n" }.joined()

        static func definition(id: String, code: String, source: String, extraField: String = "") -> String {
            """
            id: \(id)
            catalog:
              title: 测试表\(code)
              code: 350100-TEST-000\(code)
              provider: 测试局
              provider_code: 11350100003592010K
              summary: 测试用表。
              domain: 测试
              open_type: 无条件开放
              update_cycle: 每月
              license: CC-BY-4.0
            source: \(source)
            fields:
              - {name: code, title: 编号, type: string, class: public, rules: [required]}
              - {name: name, title: 名称, type: string, class: public}
            \(extraField)
            """
        }

        func write(_ name: String, _ text: String) throws { try write(name, bytes: Array(text.utf8)) }
        func write(_ name: String, bytes: [UInt8]) throws { try Data(bytes).write(to: root.appendingPathComponent(name)) }
        func path(_ name: String) -> String { root.appendingPathComponent(name).path }

        func load(openSources: Bool = false) throws -> Workspace { try Workspace.load(configPath: config, openSources: openSources) }

        func run() throws -> PipelineRunner.Summary {
            let workspace = try load()
            #expect(workspace.errors.isEmpty, "a source problem is no definition error: \(workspace.errors.map(\.description))")
            return try PipelineRunner(workspace: workspace, options: RunOptions(), log: RunLog(logFile: nil, interactive: false, quiet: true)).run()
        }

        var audit: String { (try? String(contentsOf: output.appendingPathComponent("state/audit.jsonl"), encoding: .utf8)) ?? "" }
        func latest(_ id: String) -> Bool { FileManager.default.fileExists(atPath: output.appendingPathComponent("releases/\(id)/latest.json").path) }
        func remove() { try? FileManager.default.removeItem(at: root) }

        /// The run's verdict on `broken`, after checking what holds for every broken source:
        /// `sound` published, exit 3, the failure in the run report and the audit trail.
        func brokenFailure(_ summary: PipelineRunner.Summary, _ label: String) throws -> String {
            let byID = Dictionary(uniqueKeysWithValues: summary.outcomes.map { ($0.dataset, $0) })
            #expect(byID["sound"]?.status == .published, "\(label): \(String(describing: byID["sound"]))")
            #expect(latest("sound"), "\(label)")
            #expect(byID["broken"]?.status == .failed, "\(label)")
            #expect(!latest("broken"), "\(label)")
            #expect(summary.exitCode == ODPExit.failure, "\(label)")
            let error = byID["broken"]?.error ?? ""
            let report = try String(contentsOf: try #require(summary.reportURL), encoding: .utf8)
            #expect(report.contains("\"broken\"") && report.contains("failed"), "\(label): \(report.prefix(400))")
            #expect(audit.contains("\"dataset_failed\""), "\(label)")
            return error
        }
    }

    /// A workbook with one sheet, `人员`, holding the two columns.
    struct Sheet: DemoTable {
        var name: String { "人员" }
        var columns: [String] { ["编号", "名称"] }
        var rowCount: Int { 3 }
        func row(_ index: Int) -> [String?] { ["R\(index)", "名称\(index)"] }
    }

    static func xlsx(at url: URL) throws -> [UInt8] {
        try DemoXLSX.write(Sheet(), to: url, sheetName: "人员", numericColumns: [], dateColumns: [])
        return Array(try Data(contentsOf: url))
    }

    /// A SQLite file with table `items` (编号, 名称) of `rows` rows, in rollback-journal mode so
    /// an exclusive lock keeps readers out.
    static func sqlite(at path: String, table: String = "items", rows: Int = 40) throws {
        var db: OpaquePointer?
        try #require(sqlite3_open(path, &db) == SQLITE_OK)
        defer { sqlite3_close(db) }
        let values = (1...rows).map { "('R\($0)', '名称\($0) \(String(repeating: "x", count: 200))')" }.joined(separator: ",")
        try #require(sqlite3_exec(db, "CREATE TABLE \(table) (编号 TEXT, 名称 TEXT); INSERT INTO \(table) VALUES \(values);", nil, nil, nil) == SQLITE_OK)
    }

    @Test("each kind of unreadable file source fails its dataset with a message naming the file; the other is published (exit 3)")
    func brokenFiles() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("odp-isolation-\(UUID().uuidString.prefix(8)).xlsx")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let workbook = try Self.xlsx(at: scratch)
        // 编号,名称 in GB18030, read as declared UTF-8.
        let gb18030Header: [UInt8] = [0xB1, 0xE0, 0xBA, 0xC5, 0x2C, 0xC3, 0xFB, 0xB3, 0xC6, 0x0A, 0x52, 0x31, 0x2C, 0xC3, 0xFB, 0x0A]
        let cases: [(label: String, source: String, file: String, bytes: [UInt8])] = [
            ("missing column", "{type: csv, path: bad.csv}", "bad.csv", Array("代码,名称\nR1,甲\n".utf8)),
            ("empty file", "{type: csv, path: bad.csv}", "bad.csv", []),
            ("wrong encoding", "{type: csv, path: bad.csv, encoding: utf-8}", "bad.csv", gb18030Header),
            ("wrong delimiter", "{type: csv, path: bad.csv}", "bad.csv", Array("编号;名称\nR1;甲\n".utf8)),
            ("damaged xlsx", "{type: xlsx, path: bad.xlsx}", "bad.xlsx", Array(workbook.prefix(workbook.count / 2))),
            ("missing sheet", "{type: xlsx, path: bad.xlsx, sheet: 不存在}", "bad.xlsx", workbook),
            ("scalar JSON", "{type: json, path: bad.json}", "bad.json", Array("42\n".utf8)),
            ("missing file", "{type: csv, path: none.csv}", "none.csv", []),
        ]
        for c in cases {
            let w = try TwoDatasets(source: c.source)
            defer { w.remove() }
            if c.label != "missing file" { try w.write(c.file, bytes: c.bytes) }
            let error = try w.brokenFailure(try w.run(), c.label)
            #expect(error.contains(c.file), "\(c.label): \(error)")
            // `odp validate` still opens the source and reports the problem at `source:`.
            let validated = try w.load(openSources: true).errors
            #expect(validated.contains { $0.location.file.hasSuffix("broken.yml") && $0.message.contains(c.file) }, "\(c.label): \(validated)")
        }
    }

    @Test("a missing SQLite table and a truncated SQLite file fail their dataset only")
    func brokenSQLite() throws {
        let missing = try TwoDatasets(source: "{type: sqlite, path: bad.sqlite, table: items}")
        defer { missing.remove() }
        try Self.sqlite(at: missing.path("bad.sqlite"), table: "other")
        let noTable = try missing.brokenFailure(try missing.run(), "missing table")
        #expect(noTable.contains("bad.sqlite") && noTable.contains("items"), "\(noTable)")

        let truncated = try TwoDatasets(source: "{type: sqlite, path: bad.sqlite, table: items}")
        defer { truncated.remove() }
        try Self.sqlite(at: truncated.path("bad.sqlite"), rows: 400)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: truncated.path("bad.sqlite")))
        try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: truncated.path("bad.sqlite")))
        let cut = try truncated.brokenFailure(try truncated.run(), "truncated")
        #expect(cut.contains("bad.sqlite"), "\(cut)")
    }

    /// Holds an exclusive lock on the SQLite file, as a department's program writing to it does.
    final class Writer: @unchecked Sendable {
        private var db: OpaquePointer?
        init(_ path: String) throws {
            try #require(sqlite3_open(path, &db) == SQLITE_OK)
            try #require(sqlite3_exec(db, "BEGIN EXCLUSIVE", nil, nil, nil) == SQLITE_OK)
        }
        func release() {
            sqlite3_exec(db, "COMMIT", nil, nil, nil)
            sqlite3_close(db)
            db = nil
        }
    }

    @Test("a SQLite database locked for a moment is waited for, and the dataset is published", .timeLimit(.minutes(1)))
    func lockedBriefly() throws {
        let w = try TwoDatasets(source: "{type: sqlite, path: locked.sqlite, table: items}")
        defer { w.remove() }
        try Self.sqlite(at: w.path("locked.sqlite"))
        let writer = try Writer(w.path("locked.sqlite"))
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.5) { writer.release() }
        let started = Date()
        let summary = try w.run()
        #expect(summary.exitCode == ODPExit.success, "\(summary.outcomes.map { "\($0.dataset) \($0.status) \($0.error ?? "")" })")
        #expect(summary.outcomes.allSatisfy { $0.status == .published })
        #expect(Date().timeIntervalSince(started) >= 1.4, "the run did not wait for the lock")
    }

    @Test("a SQLite database locked beyond the retry window fails its dataset, saying the file was locked, without an unrelated hint",
          .timeLimit(.minutes(1)))
    func lockedTooLong() throws {
        let w = try TwoDatasets(source: "{type: sqlite, path: locked.sqlite, table: items}")
        defer { w.remove() }
        try Self.sqlite(at: w.path("locked.sqlite"))
        let writer = try Writer(w.path("locked.sqlite"))
        defer { writer.release() }
        let started = Date()
        let error = try w.brokenFailure(try w.run(), "locked")
        #expect(Date().timeIntervalSince(started) >= 4.5, "gave up before the retry window")
        #expect(error.contains("locked.sqlite") && error.contains("锁定"), "\(error)")
        let validated = try w.load(openSources: true).errors.filter { $0.message.contains("locked.sqlite") }
        #expect(validated.count == 1 && validated.first?.hint == nil, "\(validated)")
    }

    @Test("a missing pseudonym key file fails only the dataset that pseudonymizes; `odp validate` names the key and file")
    func missingPseudonymKey() throws {
        let w = try TwoDatasets(source: "{type: csv, path: broken.csv}",
                                keys: "keys: {pseudonym: {id: k-test, secret: file:keys/missing.key}}",
                                brokenField: "  - {name: person, title: 姓名, type: string, class: direct, desensitize: {op: pseudonym}}")
        defer { w.remove() }
        try w.write("broken.csv", "编号,名称,姓名\nR1,甲,张三\nR2,乙,李四\n")
        let error = try w.brokenFailure(try w.run(), "pseudonym key")
        #expect(error.contains("k-test") && error.contains("file:keys/missing.key"), "\(error)")
        let validated = try w.load(openSources: true).errors
        #expect(validated.count == 1, "\(validated)")
        #expect(validated.first?.message.contains("k-test") == true && validated.first?.message.contains("file:keys/missing.key") == true,
                "\(validated)")
        #expect(validated.first?.location.file.hasSuffix("broken.yml") == true)
    }

    @Test("an unset `env:` signing key fails every dataset with the reason, and the run still reports (exit 3); validate names the variable")
    func missingSigningKey() throws {
        let variable = "ODP_TEST_UNSET_SIGNING_\(UUID().uuidString.prefix(6))"
        let w = try TwoDatasets(source: "{type: csv, path: sound.csv}", keys: "keys: {signing: {secret: env:\(variable)}}")
        defer { w.remove() }
        let summary = try w.run()
        #expect(summary.exitCode == ODPExit.failure)
        #expect(summary.outcomes.count == 2 && summary.outcomes.allSatisfy { $0.status == .failed && ($0.error ?? "").contains(variable) },
                "\(summary.outcomes.map { $0.error ?? "" })")
        #expect(summary.reportURL != nil && w.audit.contains("\"run_finished\""))
        #expect(try w.load(openSources: true).errors.contains { $0.message.contains("env:\(variable)") })
    }

    @Test("an unset `env:` target token fails the uploads to that target, not the run; validate names the target and variable")
    func missingTargetToken() throws {
        let variable = "ODP_TEST_UNSET_TOKEN_\(UUID().uuidString.prefix(6))"
        let w = try TwoDatasets(source: "{type: csv, path: sound.csv}", keys: """
            targets:
              - {name: local, type: dir, path: out/published}
              - {name: portal, type: http, url: "https://127.0.0.1:1/{dataset}/{version}/{file}", token: env:\(variable)}
            """)
        defer { w.remove() }
        let summary = try w.run()
        #expect(summary.exitCode == ODPExit.failure)
        #expect(summary.outcomes.count == 2 && summary.outcomes.allSatisfy { $0.status == .failed && ($0.error ?? "").contains("portal") && ($0.error ?? "").contains(variable) },
                "\(summary.outcomes.map { $0.error ?? "" })")
        #expect(summary.reportURL != nil && w.audit.contains("\"run_finished\""))
        #expect(try w.load(openSources: true).errors.contains { $0.message.contains("portal") && $0.message.contains("env:\(variable)") })
    }

    @Test("a definition error still stops the run before any dataset runs")
    func definitionErrorStops() throws {
        let w = try TwoDatasets(source: "{type: csv, path: sound.csv, no_such_key: 1}")
        defer { w.remove() }
        let workspace = try w.load()
        #expect(!workspace.errors.isEmpty)
        #expect(throws: ODPError.self) {
            try PipelineRunner(workspace: workspace, options: RunOptions(), log: RunLog(logFile: nil, interactive: false, quiet: true)).run()
        }
        #expect(!w.latest("sound"))
    }

    @Test("`odp run` exits 3 for a dataset whose source is broken, and releases the other",
          .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"))
    func binaryExitCode() async throws {
        let w = try TwoDatasets(source: "{type: csv, path: bad.csv}")
        defer { w.remove() }
        try w.write("bad.csv", "代码,名称\nR1,甲\n")
        let run = try await OdpCommand.run(["run", "--config", w.config], logs: w.root)
        #expect(run.status == ODPExit.failure, "\(run.stdout)\n\(run.stderr)")
        #expect(w.latest("sound"))
        let validate = try await OdpCommand.run(["validate", "--config", w.config], logs: w.root)
        #expect(validate.status == ODPExit.usage)
        #expect(validate.stdout.contains("bad.csv"), "\(validate.stdout)")
    }
}

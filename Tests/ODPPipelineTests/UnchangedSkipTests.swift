import Foundation
import ODPCore
import ODPPipeline
import Testing

/// Issue 18: a dataset whose source, definition, code tables and keys are those of its last
/// good release is not extracted and makes no target request; `--force` runs it anyway.
@Suite("Unchanged datasets are skipped")
struct UnchangedSkipTests {
    /// One CSV dataset with a code table and a `dir` target (or `targets` given).
    struct Pipeline {
        let root: URL
        var config: String { root.appendingPathComponent("odp.yml").path }
        var output: URL { root.appendingPathComponent("out") }
        var csv: URL { root.appendingPathComponent("items.csv") }

        init(targets: String = "  - {name: local, type: dir, path: out/published}", extraConfig: String = "") throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("odp-skip-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try write("odp.yml", """
            output: out
            publisher: 测试市大数据局
            datasets: [items.yml]
            code_tables:
              kinds: {path: kinds.txt}
            targets:
            \(targets)
            \(extraConfig)
            """)
            try write("kinds.txt", "A 甲类\nB 乙类\n")
            try write("items.yml", Self.definition())
            try write("items.csv", "id,kind,amount\n1,A,10.50\n2,B,3.00\n3,A,7.25\n")
        }

        static func definition(summary: String = "测试") -> String {
            """
            id: items
            catalog: {title: 条目, code: 350100-TEST-18, provider: 测试局, provider_code: "11350100MB1995472L", summary: \(summary), domain: 测试, open_type: 无条件开放, update_cycle: 每日, license: CC-BY-4.0}
            source: {type: csv, path: items.csv}
            primary_key: [id]
            fields:
              - {name: id, title: 编号, type: integer, class: public, rules: [required, unique]}
              - {name: kind, title: 类别, type: code, code_table: kinds, class: public}
              - {name: amount, title: 金额, type: number, scale: 2, class: public}
            """
        }

        func write(_ name: String, _ text: String) throws {
            try text.write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }

        func run(_ options: RunOptions = RunOptions()) throws -> DatasetOutcome {
            let workspace = try Workspace.load(configPath: config)
            #expect(workspace.errors.isEmpty, "\(workspace.errors.map(\.description))")
            let summary = try PipelineRunner(workspace: workspace, options: options, log: RunLog(logFile: nil, interactive: false, quiet: true)).run()
            return try #require(summary.outcomes.first)
        }

        /// Every file under the output folder with its modification time, to prove nothing was rewritten.
        func releaseFiles() -> [String: Date] {
            let dir = output.appendingPathComponent("releases")
            var out: [String: Date] = [:]
            for case let url as URL in FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) ?? .init() {
                out[url.path] = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate]) as? Date
            }
            return out
        }

        func auditEvents() -> [String] { AuditTrail.entries(url: output.appendingPathComponent("state/audit.jsonl")).map(\.event) }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    @Test("an unchanged re-run reads no row, keeps every release file and reports the version unchanged; --force reads the source again")
    func unchangedIsSkipped() throws {
        let p = try Pipeline()
        defer { p.remove() }
        let first = try p.run()
        #expect(first.status == .published && first.rowsRead == 3, "\(first)")
        let files = p.releaseFiles()
        let second = try p.run()
        #expect(second.status == .unchanged && second.rowsRead == 0 && second.version == first.version, "\(second)")
        #expect(p.releaseFiles() == files)
        #expect(p.auditEvents().filter { $0 == "datasets_unchanged" }.count == 1)
        #expect(!p.auditEvents().dropFirst(p.auditEvents().firstIndex(of: "run_finished") ?? 0).contains("dataset_packaged"))
        let forced = try p.run(RunOptions(force: true))
        #expect(forced.status == .unchanged && forced.rowsRead == 3 && forced.version == first.version, "\(forced)")
    }

    @Test("a file touched with the same bytes stays unchanged; one changed byte makes a new version")
    func touchedAndChangedFiles() throws {
        let p = try Pipeline()
        defer { p.remove() }
        let first = try p.run()
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(3600)], ofItemAtPath: p.csv.path)
        let touched = try p.run()
        #expect(touched.status == .unchanged && touched.rowsRead == 0, "\(touched)")
        try p.write("items.csv", "id,kind,amount\n1,A,10.50\n2,B,3.00\n3,A,7.26\n")
        let changed = try p.run()
        #expect(changed.status == .published && changed.rowsRead == 3 && changed.version != first.version, "\(changed)")
    }

    @Test("a changed definition or code table runs the dataset again")
    func settingsChanges() throws {
        let p = try Pipeline()
        defer { p.remove() }
        _ = try p.run()
        try p.write("items.yml", Pipeline.definition(summary: "新的摘要"))
        #expect(try p.run().rowsRead == 3)
        #expect(try p.run().rowsRead == 0)
        try p.write("kinds.txt", "A 甲类\nB 乙类\nC 丙类\n")
        #expect(try p.run().rowsRead == 3)
        #expect(try p.run().rowsRead == 0)
    }

    @Test("a dry run, or a held release, never lets the next run skip")
    func onlyGoodReleasesAreReused() throws {
        let p = try Pipeline()
        defer { p.remove() }
        _ = try p.run(RunOptions(dryRun: true))
        let real = try p.run()
        #expect(real.rowsRead == 3, "\(real)")
        #expect(FileManager.default.fileExists(atPath: p.output.appendingPathComponent("published/items").path))
        // A header-only file is held (gate.allow_empty is false), and held again by a run of its own.
        try p.write("items.csv", "id,kind,amount\n")
        #expect(try p.run().status == .held)
        let packaged = p.auditEvents().filter { $0 == "dataset_packaged" }.count
        #expect(try p.run().status == .held)
        #expect(p.auditEvents().filter { $0 == "dataset_packaged" }.count == packaged + 1)
    }
}

import Foundation
import ODPCore
import ODPPipeline
import ODPPortal
import Testing

/// Issue 15, items 4 and 5, end to end: unreadable rows are rejected rows and hold the
/// release past `max_reject_share`; an empty source or a collapsed row count holds it; and
/// one run's counts read the same in every place that shows them.
@Suite("Release safety: unreadable rows and safe defaults")
struct ReleaseSafetyTests {
    /// A workspace of one CSV dataset, `registry`, in a temporary folder.
    struct SafetyWorkspace {
        static let id = "registry"
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("odp-safety-\(UUID().uuidString.prefix(8))")
        var config: String { root.appendingPathComponent("odp.yml").path }
        var output: URL { root.appendingPathComponent("out") }
        var release: URL { output.appendingPathComponent("releases/\(Self.id)") }

        init(definition extra: String = "gate: {max_reject_share: 0.02}") throws {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try "output: out\ndatasets: [registry.yml]\n".write(toFile: config, atomically: true, encoding: .utf8)
            try """
            id: \(Self.id)
            catalog:
              title: 测试登记表
              code: 350100-TEST-00015
              provider: 测试局
              provider_code: 11350100003592010K
              summary: 测试用登记表。
              domain: 测试
              open_type: 无条件开放
              update_cycle: 每月
              license: CC-BY-4.0
            source: {type: csv, path: registry.csv}
            fields:
              - {name: code, title: 编号, type: string, class: public, rules: [required]}
              - {name: name, title: 名称, type: string, class: public}
              - {name: qty, title: 数量, type: integer, class: public, rules: [{type: max, value: 900, severity: warn}]}
            \(extra)
            """.write(to: root.appendingPathComponent("registry.yml"), atomically: true, encoding: .utf8)
        }

        /// A header and `rows` data lines; `line(i)` may replace data line i (1-based).
        func writeCSV(rows: Int, _ line: (Int) -> String? = { _ in nil }) throws {
            var text = "code,name,qty\n"
            if rows > 0 { for i in 1...rows { text += line(i) ?? "R\(i),名称\(i),\(i % 100)\n" } }
            try text.write(to: root.appendingPathComponent("registry.csv"), atomically: true, encoding: .utf8)
        }

        func run() throws -> (summary: PipelineRunner.Summary, outcome: DatasetOutcome) {
            let workspace = try Workspace.load(configPath: config)
            #expect(workspace.errors.isEmpty, "\(workspace.errors.map(\.description))")
            let summary = try PipelineRunner(workspace: workspace, options: RunOptions(), log: RunLog(logFile: nil, interactive: false, quiet: true)).run()
            return (summary, try #require(summary.outcomes.first))
        }

        var latest: String? {
            (try? Data(contentsOf: release.appendingPathComponent("latest.json")))
                .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }?["version"] as? String
        }

        func feedback() throws -> [String] {
            try String(contentsOf: output.appendingPathComponent("state/feedback/\(Self.id).csv"), encoding: .utf8)
                .split(separator: "\r\n").dropFirst().map(String.init)
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    @Test("a header-only CSV after a 3,000-row release is held (exit 2) and latest.json keeps the old version")
    func headerOnlyAfterGoodRelease() throws {
        let w = try SafetyWorkspace()
        defer { w.remove() }
        try w.writeCSV(rows: 3000)
        let (first, good) = try w.run()
        #expect(first.exitCode == ODPExit.success && good.status == .published)
        let version = try #require(good.version)
        #expect(w.latest == version)

        try w.writeCSV(rows: 0)
        let (second, empty) = try w.run()
        #expect(second.exitCode == ODPExit.held)
        #expect(empty.status == .held)
        #expect(empty.reasons.contains { $0.contains("没有数据行") }, "\(empty.reasons)")
        #expect(empty.reasons.contains { $0.contains("行数由 3000 减至 0") }, "\(empty.reasons)")
        #expect(w.latest == version)
    }

    @Test("without compare:, 3,000 rows falling to 1,000 is held, not only warned about")
    func rowFallHeld() throws {
        let w = try SafetyWorkspace()
        defer { w.remove() }
        try w.writeCSV(rows: 3000)
        let version = try #require(try w.run().outcome.version)
        try w.writeCSV(rows: 1000)
        let (summary, fell) = try w.run()
        #expect(summary.exitCode == ODPExit.held && fell.status == .held)
        #expect(fell.reasons.contains { $0.contains("行数由 3000 减至 1000") }, "\(fell.reasons)")
        #expect(w.latest == version)
    }

    @Test("an empty first source is held; with gate.allow_empty it is published")
    func emptyFirstSource() throws {
        let held = try SafetyWorkspace()
        defer { held.remove() }
        try held.writeCSV(rows: 0)
        let (summary, outcome) = try held.run()
        #expect(summary.exitCode == ODPExit.held && outcome.status == .held)
        #expect(held.latest == nil)

        let allowed = try SafetyWorkspace(definition: "gate: {allow_empty: true}")
        defer { allowed.remove() }
        try allowed.writeCSV(rows: 0)
        let (ok, published) = try allowed.run()
        #expect(ok.exitCode == ODPExit.success && published.status == .published, "\(published.reasons)")
        #expect(allowed.latest == published.version)
    }

    @Test("every 5th line two cells short: 20% of rows are rejected and the release is held")
    func raggedRowsHeld() throws {
        let w = try SafetyWorkspace()
        defer { w.remove() }
        try w.writeCSV(rows: 3000) { $0 % 5 == 0 ? "R\($0)\n" : nil }
        let (summary, outcome) = try w.run()
        #expect(summary.exitCode == ODPExit.held && outcome.status == .held)
        #expect(outcome.counts == RowCounts(read: 3000, unreadable: 600, rejected: 600, problemEntries: 600))
        #expect(outcome.rowsReleased == 2400)
        #expect(outcome.reasons.contains { $0.contains("被剔除的行占 20%（600 / 3000，其中 600 行无法读取）") }, "\(outcome.reasons)")
        #expect(w.latest == nil)
    }

    @Test("a stray quote 60 rows before the end rejects the 60 rows it swallowed, as one range, and holds")
    func strayQuoteHeld() throws {
        let w = try SafetyWorkspace()
        defer { w.remove() }
        try w.writeCSV(rows: 1000) { $0 == 941 ? "R941,\"名称941,941\n" : nil }
        let (summary, outcome) = try w.run()
        #expect(summary.exitCode == ODPExit.held && outcome.status == .held)
        #expect(outcome.counts == RowCounts(read: 1000, unreadable: 60, rejected: 60, problemEntries: 1))
        #expect(outcome.rowsReleased == 940)
        // Data row 941 is line 942; the file's last line is 1001.
        let entries = try w.feedback()
        #expect(entries.count == 1 && entries[0].hasPrefix("registry,942-1001,,unclosed_quote,"), "\(entries)")
    }

    @Test("one run's read, rejected and unreadable rows and problem entries agree in the run summary, run report, quality report, README and portal",
          .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"))
    func countsAgreeEverywhere() async throws {
        let w = try SafetyWorkspace(definition: "gate: {max_reject_share: 1}")
        defer { w.remove() }
        // Every 50th row ragged (20), every 100th from 7 without a code (10, rejected), and
        // quantities above 900 only warned about: entries outnumber rejected rows.
        try w.writeCSV(rows: 1000) { i in
            i % 50 == 0 ? "R\(i),x\n" : i % 100 == 7 ? ",名称\(i),\(i)\n" : i > 900 ? "R\(i),名称\(i),\(i)\n" : nil
        }
        let run = try await OdpCommand.run(["run", "--config", w.config], logs: w.root)
        #expect(run.status == ODPExit.success, "\(run.stderr)")
        let feedback = try w.feedback()
        let truth = RowCounts(read: 1000, unreadable: 20, rejected: 30, problemEntries: feedback.count)
        #expect(feedback.count == 20 + 10 + 98, "ragged rows, missing codes, and quantities 901…999 except ragged 950")

        func numbers(_ text: String, _ pattern: String) throws -> [Int] {
            let regex = try NSRegularExpression(pattern: pattern)
            let match = try #require(regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), "no `\(pattern)` in \(text.prefix(2000))")
            return (1..<match.numberOfRanges).map { Int(text[Range(match.range(at: $0), in: text)!])! }
        }
        let sentence = "读取 (\\d+) 行，剔除 (\\d+) 行（其中 (\\d+) 行无法读取），问题数据清单 (\\d+) 条"
        let expected = [truth.read, truth.rejected, truth.unreadable, truth.problemEntries]

        // Run summary (stdout).
        #expect(try numbers(run.stdout, "registry \\S+：[^，]+，读取 (\\d+) 行（rows read），剔除 (\\d+) 行（rejected，其中无法读取 (\\d+) 行 unreadable），问题数据 (\\d+) 条（problem entries）") == expected)
        // Run report (state/runs).
        let runs = try FileManager.default.contentsOfDirectory(at: w.output.appendingPathComponent("state/runs"), includingPropertiesForKeys: nil)
        let reportURL = try #require(runs.first)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: reportURL)) as? [String: Any])
        let entry = try #require((report["datasets"] as? [[String: Any]])?.first)
        #expect(["rows_read", "rows_rejected", "rows_unreadable", "problems"].map { entry[$0] as? Int } == expected)
        // Quality report, JSON and HTML, and the README of the release.
        let version = try #require(w.latest)
        let dir = w.release.appendingPathComponent(version)
        let quality = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("quality-report.json"))) as? [String: Any])
        #expect(["rows_read", "rejected_rows", "rows_unreadable"].map { quality[$0] as? Int } + [(quality["problems"] as? [String: Any])?["count"] as? Int] == expected)
        #expect(quality["reject_share"] as? Double == 0.03)
        let html = try String(contentsOf: dir.appendingPathComponent("quality-report.html"), encoding: .utf8)
        #expect(try numbers(html, sentence) == expected)
        #expect(try numbers(html, "问题数据清单共 (\\d+) 条") == [truth.problemEntries])
        #expect(try numbers(try String(contentsOf: dir.appendingPathComponent("README.md"), encoding: .utf8), sentence) == expected)
        // Portal (the dataset page and `odp preview` share ReleaseDetail.counts).
        #expect(try numbers(try Preview.render(root: w.output, dataset: SafetyWorkspace.id, color: false), sentence) == expected)
    }
}

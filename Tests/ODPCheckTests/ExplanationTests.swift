import Foundation
import ODPCore
import Testing
@testable import ODPCheck

@Suite("compare.explain is scoped and expires")
struct ExplanationTests {
    static let fields = """
      - {name: district, title: 区, type: string, class: public}
      - {name: amount, title: 金额, type: number, class: public}
    """

    func definition(_ explain: String) -> DatasetDefinition {
        Fixture.definition(fields: Self.fields, extra: "compare: {row_count_change: 0.2, mean_change: 0.3, explain: \(explain)}")
    }

    func table(_ rows: Int, amount: String = "100") -> [[String?]] { (0..<rows).map { _ in ["朝阳区", amount] } }

    /// A previous release folder named by its version, as `latest.json` resolves it.
    func released(_ version: String, rows: Int, in dir: URL) throws -> URL {
        let report = try Fixture.run(Fixture.definition(fields: Self.fields), table(rows)).report
        let release = dir.appendingPathComponent(version)
        try FileManager.default.createDirectory(at: release, withIntermediateDirectories: true)
        try report.files["quality-report.json"]!.write(to: release.appendingPathComponent("quality-report.json"))
        return release
    }

    func run(_ d: DatasetDefinition, _ rows: [[String?]], previous: URL, version: String) throws -> StageReport {
        try Fixture.run(d, rows, context: Fixture.context(previous: previous)) { $0.releaseVersion = version }.report
    }

    func explanations(_ report: StageReport) -> [[String: Any]] {
        ((Fixture.reportJSON(report)["comparison"] as? [String: Any])?["explanations"] as? [[String: Any]]) ?? []
    }

    func temporary() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("odp-explain-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("an explanation applies to its version once and not to the next flagged jump")
    func appliesOnce() throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = definition("[{version: 2026.11.23.1, text: 2026年起合并两区数据}]")
        let first = try run(d, table(20), previous: try released("2026.11.20.1", rows: 10, in: dir), version: "2026.11.23.1")
        #expect(Fixture.rules(first, type: "compare_row_count")[0]["explained"] as? Bool == true)
        #expect(first.holdReasons.isEmpty)
        #expect(explanations(first).first?["status"] as? String == "applied")

        // 2026.11.23.1 is now released; the next jump is flagged again.
        let next = try run(d, table(40), previous: try released("2026.11.23.1", rows: 20, in: dir), version: "2026.11.24.1")
        #expect(Fixture.rules(next, type: "compare_row_count")[0]["explained"] == nil)
        #expect(next.holdReasons.contains { $0.contains("行数变化") && $0.contains("{version: 2026.11.24.1, text: 原因}") },
                "the hold names the entry that would explain this version: \(next.holdReasons)")
        let stale = explanations(next).first
        #expect(stale?["status"] as? String == "stale")
        #expect((stale?["note"] as? String)?.contains("已发布") == true)
        let html = String(decoding: next.files["quality-report.html"]!, as: UTF8.self)
        #expect(html.contains("过期：版本 2026.11.23.1 已发布"))
    }

    @Test("a version held and re-run is still explained; a future version is not yet")
    func heldAndPending() throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let previous = try released("2026.11.20.1", rows: 10, in: dir)
        let d = definition("[{version: 2026.11.23.1, text: 合并两区}]")
        let rerun = try run(d, table(20), previous: previous, version: "2026.11.23.2")
        #expect(rerun.holdReasons.isEmpty)
        let early = try run(definition("[{version: 2026.11.25.1, text: 合并两区}]"), table(20), previous: previous, version: "2026.11.23.1")
        #expect(!early.holdReasons.isEmpty)
        #expect(explanations(early).first?["status"] as? String == "pending")
    }

    @Test("a dated explanation covers its metric until its day, then is stale")
    func metricUntil() throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let previous = try released("2026.11.20.1", rows: 10, in: dir)
        // Run date 2026-11-23: row count jumps and the mean doubles.
        let rows = table(20, amount: "200")
        let current = try run(definition("[{metric: row_count, until: 2026-11-30, text: 年底补录}]"), rows, previous: previous, version: "2026.11.23.1")
        #expect(Fixture.rules(current, type: "compare_row_count")[0]["explained"] as? Bool == true)
        #expect(current.holdReasons.count == 1)
        #expect(current.holdReasons[0].contains("均值"), "the mean is not covered by a row_count explanation")
        let expired = try run(definition("[{metric: row_count, until: 2026-11-22, text: 年底补录}]"), rows, previous: previous, version: "2026.11.23.1")
        #expect(expired.holdReasons.count == 2)
        #expect(explanations(expired).first?["status"] as? String == "stale")
    }

    @Test("the old single-string form is stale: odp validate warns, the report says so, it no longer applies")
    func legacyString() throws {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = definition("\"2026年起合并两区数据\"")
        let warnings = Checker.validate(d, config: nil).filter { $0.severity == .warning && $0.message.contains("compare.explain") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.hint?.contains("version: 2026.12.07.1") == true)
        #expect(warnings.first?.location.line != nil)
        let report = try run(d, table(20), previous: try released("2026.11.20.1", rows: 10, in: dir), version: "2026.11.23.1")
        #expect(!report.holdReasons.isEmpty)
        #expect(explanations(report).first?["status"] as? String == "stale")
    }

    @Test("an entry without version or until, or with a bad version, is a definition error")
    func badEntries() {
        for explain in ["[{text: 说明}]", "[{version: 12.7, text: 说明}]", "[{until: 2026-12-31, text: 说明}]", "[{version: 2026.12.07.1}]"] {
            let errors = Checker.validate(definition(explain), config: nil).filter { $0.severity == .error }
            #expect(!errors.isEmpty, "\(explain) accepted")
        }
    }
}

import Foundation
import ODPCore
import Testing
@testable import ODPCheck

@Suite("Release gate and scores")
struct GateTests {
    let fields = """
      - {name: code, title: 编码, type: string, class: public, rules: [required]}
      - {name: amount, title: 金额, type: integer, class: public}
    """

    func rows(bad: Int, of total: Int) -> [[String?]] {
        (0..<total).map { i in i < bad ? [nil, "1"] : ["C\(i)", "1"] }
    }

    @Test("more rejected rows than max_reject_share holds the release")
    func rejectShare() throws {
        let d = Fixture.definition(fields: fields, extra: "gate: {max_reject_share: 0.1}")
        let within = try Fixture.run(d, rows(bad: 1, of: 10)).report
        let beyond = try Fixture.run(d, rows(bad: 2, of: 10)).report
        #expect(within.holdReasons.isEmpty)
        #expect(beyond.holdReasons.count == 1)
        #expect(beyond.holdReasons[0].contains("被剔除的行占 20%"))
        #expect(beyond.metrics.rejectedRows == 2)
        #expect(beyond.metrics.rowsChecked == 10)
    }

    @Test("a dimension score below min_scores holds, with Chinese or English keys")
    func minScores() throws {
        for key in ["完整性", "completeness"] {
            let d = Fixture.definition(fields: fields, extra: "gate: {max_reject_share: 1, min_scores: {\(key): 0.9}}")
            let report = try Fixture.run(d, rows(bad: 2, of: 10)).report
            #expect(report.metrics.dimensionScores?["完整性"] == 0.8)
            #expect(report.holdReasons == ["完整性得分 80.00% 低于要求的 90.00%"])
        }
    }

    @Test("min_overall holds on the mean of the evaluated dimensions")
    func minOverall() throws {
        let d = Fixture.definition(fields: fields, extra: "gate: {max_reject_share: 1, min_overall: 0.95}")
        let report = try Fixture.run(d, rows(bad: 5, of: 10)).report
        // 规范性 1.0 (type), 完整性 0.5 (required); 可访问性 未评估 → mean 0.75
        #expect(abs((report.metrics.score ?? 0) - 0.75) < 1e-6)
        #expect(report.holdReasons.contains { $0.contains("综合得分") })
        let json = Fixture.reportJSON(report)
        #expect((json["gate"] as? [String: Any])?["decision"] as? String == "hold")
        #expect(((json["dimensions"] as? [String: Any])?["时效性"] as? [String: Any])?["note"] as? String == "未评估")
    }

    @Test("timeliness compares the newest date with the run date")
    func timeliness() throws {
        let d = Fixture.definition(fields: """
          - {name: updated, title: 更新日期, type: date, class: public}
        """, extra: "gate: {timeliness: {field: updated, max_age_days: 30}, min_scores: {timeliness: 1}}")
        let fresh = try Fixture.run(d, [["2026-10-01"], ["2026-11-20"]]).report
        let stale = try Fixture.run(d, [["2026-10-01"], ["2026-10-20"]]).report
        #expect(fresh.metrics.dimensionScores?["时效性"] == 1)
        #expect(stale.metrics.dimensionScores?["时效性"] == 0)
        #expect(fresh.holdReasons.isEmpty)
        #expect(stale.holdReasons == ["时效性得分 0.00% 低于要求的 100.00%"])
    }
}

@Suite("Comparison with the previous release")
struct ComparisonTests {
    let definition = Fixture.definition(fields: """
      - {name: district, title: 区, type: string, class: public}
      - {name: amount, title: 金额, type: number, class: public}
      - {name: owner, title: 业主, type: string, class: quasi}
    """, extra: "compare: {row_count_change: 0.2, null_rate_change: 0.1, mean_change: 0.3}")

    func previousRelease(_ rows: [[String?]], definition: DatasetDefinition? = nil) throws -> URL {
        let report = try Fixture.run(definition ?? self.definition, rows).report
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("odp-check-prev-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try report.files["quality-report.json"]!.write(to: dir.appendingPathComponent("quality-report.json"))
        return dir
    }

    @Test("row count, mean and category changes beyond the thresholds hold the release")
    func changesHold() throws {
        let before: [[String?]] = (0..<10).map { ["朝阳区", "100", "张\($0)"] }
        let prev = try previousRelease(before)
        defer { try? FileManager.default.removeItem(at: prev) }
        let after: [[String?]] = (0..<15).map { i in [i < 5 ? "海淀区" : "朝阳区", "200", nil] }
        let report = try Fixture.run(definition, after, context: Fixture.context(previous: prev)).report
        #expect(Fixture.failed(report, type: "compare_row_count") == 1)
        #expect(Fixture.failed(report, type: "compare_mean") == 1)
        #expect(Fixture.failed(report, type: "compare_null_rate") == 1)
        #expect(Fixture.failed(report, type: "compare_schema") == 0)
        #expect(report.holdReasons.count == 3)
        let html = String(decoding: report.files["quality-report.html"]!, as: UTF8.self)
        #expect(html.contains("行数：10 → 15"))
        #expect(html.contains("海淀区"))
        #expect(report.readmeSection?.contains("**暂缓发布**") == true)
        let comparison = Fixture.reportJSON(report)["comparison"] as? [String: Any]
        let fields = comparison?["fields"] as? [[String: Any]] ?? []
        #expect(fields.first { $0["field"] as? String == "district" }?["categories_appeared"] as? [String] == ["海淀区"])
        let owner = fields.first { $0["field"] as? String == "owner" }
        #expect((owner?["categories_vanished"] as? [String])?.contains { $0.contains("张") } != true, "non-public categories appear by hash only")
    }

    @Test("added, removed and retyped fields are schema changes")
    func schemaChange() throws {
        let old = Fixture.definition(fields: """
          - {name: district, title: 区, type: string, class: public}
          - {name: amount, title: 金额, type: integer, class: public}
          - {name: gone, title: 旧, type: string, class: public}
        """)
        let prev = try previousRelease([["朝阳区", "1", "x"]], definition: old)
        defer { try? FileManager.default.removeItem(at: prev) }
        let report = try Fixture.run(definition, [["朝阳区", "1", "y"]], context: Fixture.context(previous: prev)).report
        let metric = Fixture.rules(report, type: "compare_schema")[0]["metric"] as? [String: [String]]
        #expect(metric?["added"] == ["owner"])
        #expect(metric?["removed"] == ["gone"])
        #expect(metric?["retyped"] == ["amount"])
    }
}

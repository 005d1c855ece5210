import Foundation
import ODPCore
import Testing
@testable import ODPCheck

@Suite("Scores show the defects the department delivered")
struct ScoreTests {
    let definition = Fixture.definition(fields: """
      - {name: code, title: 编码, type: string, class: public, rules: [required]}
      - {name: amount, title: 金额, type: integer, class: public, rules: [{type: min, value: 0}, {type: max, value: 100}]}
      - {name: note, title: 备注, type: string, class: public}
    """)

    /// 3,000 rows, the first `bad` with an amount out of range.
    func rows(bad: Int) -> [[String?]] {
        (0..<3000).map { i in ["C\(i)", i < bad ? "-5" : "\(i % 100)", "x"] }
    }

    @Test("32 of 3,000 rows rejected: the overall score is below 1 in JSON, HTML and README")
    func rejectedRowsLowerTheScore() throws {
        let report = try Fixture.run(definition, rows(bad: 32)).report
        #expect(report.metrics.rejectedRows == 32)
        // 准确性: 2,968 of 3,000 rows pass; 规范性 and 完整性 pass; the mean of three.
        let accuracy = 2968.0 / 3000
        #expect(abs((report.metrics.dimensionScores?["准确性"] ?? 0) - accuracy) < 1e-6)
        let overall = (1 + 1 + accuracy) / 3
        #expect(abs((report.metrics.score ?? 0) - overall) < 1e-6)
        let json = Fixture.reportJSON(report)
        let score = try #require(json["overall_score"] as? Double)
        #expect(score < 0.997)
        #expect(json["overall_score_text"] as? String == "99.64%")
        let dims = json["dimensions"] as? [String: [String: Any]]
        #expect(dims?["准确性"]?["rows_passed"] as? Int == 2968)
        #expect(dims?["准确性"]?["score_text"] as? String == "98.93%")
        let html = String(decoding: report.files["quality-report.html"]!, as: UTF8.self)
        #expect(html.contains("综合得分 <strong>99.64%</strong>"))
        #expect(html.contains("98.93%"))
        #expect(report.readmeSection?.contains("综合得分 **99.64%**") == true)
        #expect(report.readmeSection?.contains("| 准确性 | 98.93% | 2968 / 3000 |") == true)
    }

    @Test("a clean table scores 100.00%, a nearly clean one never rounds up to it")
    func roundingNeverHidesADefect() throws {
        let clean = try Fixture.run(definition, rows(bad: 0)).report
        #expect(Fixture.reportJSON(clean)["overall_score_text"] as? String == "100.00%")
        #expect(Report.score(0.99999) == "99.99%")
        #expect(Report.scoreValue(0.9999999) < 1)
    }

    @Test("rows the reader could not read lower 规范性: they were delivered and conform to nothing")
    func unreadableRowsLowerConformity() throws {
        let unreadable = [RowProblem(sourceRow: 42, lastSourceRow: 101, field: nil, rule: "unclosed_quote", message: "…")]
        let report = try Fixture.run(definition, rows(bad: 0)) { $0.noteUnreadable(unreadable) }.report
        #expect(abs((report.metrics.dimensionScores?["规范性"] ?? 0) - 3000.0 / 3060) < 1e-6)
        let dims = Fixture.reportJSON(report)["dimensions"] as? [String: [String: Any]]
        #expect(dims?["规范性"]?["rows"] as? Int == 3060)
        #expect(dims?["规范性"]?["score_text"] as? String == "98.03%")
    }

    @Test("可访问性 is not evaluated and not averaged into the overall score")
    func accessibilityNotEvaluated() throws {
        let report = try Fixture.run(definition, rows(bad: 0)).report
        let dims = Fixture.reportJSON(report)["dimensions"] as? [String: [String: Any]]
        #expect(dims?["可访问性"]?["note"] as? String == "未评估")
        #expect(report.metrics.dimensionScores?["可访问性"] == nil)
        #expect(Fixture.rules(report, type: "accessibility").isEmpty)
        #expect(report.readmeSection?.contains("| 可访问性 | 未评估 |") == true)
    }

    @Test("a failed table rule and failed rows of one dimension both lower it")
    func rowAndTableParts() throws {
        let d = Fixture.definition(fields: """
          - {name: code, title: 编码, type: string, class: public, rules: [required]}
        """, extra: "rules: [{type: row_count, min: 100, severity: warn}]")
        let report = try Fixture.run(d, (0..<10).map { i in [i < 2 ? nil : "C\(i)"] }).report
        // 完整性: 8 of 10 rows × 0 of 1 table checks.
        #expect(report.metrics.dimensionScores?["完整性"] == 0)
        let dims = Fixture.reportJSON(report)["dimensions"] as? [String: [String: Any]]
        #expect(dims?["完整性"]?["rows_passed"] as? Int == 8)
        #expect(dims?["完整性"]?["table_checks"] as? Int == 1)
    }
}

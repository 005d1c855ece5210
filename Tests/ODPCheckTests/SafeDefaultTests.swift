import Foundation
import ODPCore
import Testing
@testable import ODPCheck

/// Issue 15, items 4 and 5: rows the reader could not read are rejected rows, an empty
/// source and a collapsed row count hold the release unless the definition says otherwise.
@Suite("Safe gate defaults")
struct SafeDefaultTests {
    let fields = """
      - {name: code, title: 编码, type: string, class: public, rules: [required]}
      - {name: amount, title: 金额, type: integer, class: public}
    """

    func rows(_ n: Int, from first: Int = 0) -> [[String?]] { (first..<first + n).map { ["C\($0)", "1"] } }

    /// A checker that saw no data rows at all (a header-only file).
    func runEmpty(_ definition: DatasetDefinition, context: StageContext = Fixture.context()) throws -> StageReport {
        try Checker(definition: definition, context: context).finishRules()
    }

    func previousRelease(_ definition: DatasetDefinition, rows: Int) throws -> URL {
        let report = try Fixture.run(definition, self.rows(rows)).report
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("odp-check-prev-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try report.files["quality-report.json"]!.write(to: dir.appendingPathComponent("quality-report.json"))
        return dir
    }

    @Test("unreadable rows count toward max_reject_share, a swallowed range as every row in it")
    func unreadableRowsHold() throws {
        let d = Fixture.definition(fields: fields, extra: "gate: {max_reject_share: 0.02}")
        let unreadable = [RowProblem(sourceRow: 42, lastSourceRow: 101, field: nil, rule: "unclosed_quote", message: "…"),
                          RowProblem(sourceRow: 7, field: nil, rule: "ragged_row", message: "…")]
        let (_, report, checker) = try Fixture.run(d, rows(200)) { $0.noteUnreadable(unreadable) }
        #expect(checker.counts == RowCounts(read: 261, unreadable: 61, rejected: 61, problemEntries: 2))
        #expect(report.holdReasons.count == 1)
        #expect(report.holdReasons.first?.contains("（61 / 261，其中 61 行无法读取）") == true)
        #expect(report.metrics.rowsRead == 261 && report.metrics.rejectedRows == 61 && report.metrics.problems == 2)
        let json = Fixture.reportJSON(report)
        #expect(json["rows_read"] as? Int == 261 && json["rows_checked"] as? Int == 200 && json["rejected_rows"] as? Int == 61)
        #expect(json["reject_share"] as? Double == 0.233716)
        #expect((json["problems"] as? [String: Any])?["count"] as? Int == 2)
        #expect((json["gate"] as? [String: Any])?["decision"] as? String == "hold")
        let html = String(decoding: report.files["quality-report.html"]!, as: UTF8.self)
        #expect(html.contains(checker.counts.chinese) && html.contains("问题数据清单共 2 条"))
        #expect(report.readmeSection?.contains("读取 261 行，剔除 61 行（其中 61 行无法读取），问题数据清单 2 条") == true)
    }

    @Test("a source with no data rows is held, unless gate.allow_empty says empty releases are expected")
    func emptySource() throws {
        let held = try runEmpty(Fixture.definition(fields: fields))
        #expect(held.holdReasons.count == 1 && held.holdReasons[0].contains("没有数据行"))
        let allowed = try runEmpty(Fixture.definition(fields: fields, extra: "gate: {allow_empty: true}"))
        #expect(allowed.holdReasons.isEmpty)
        #expect((Fixture.reportJSON(allowed)["gate"] as? [String: Any])?["allow_empty"] as? Bool == true)
    }

    @Test("a misspelled allow_empty is a definition error with a suggestion")
    func allowEmptyTypo() throws {
        let d = Fixture.definition(fields: fields, extra: "gate: {alow_empty: true}")
        #expect { _ = try Checker(definition: d, context: Fixture.context()) } throws: { "\($0)".contains("是否应为 `allow_empty`？") }
    }

    @Test("without compare:, a fall in rows by more than half holds; a rise or a smaller fall only warns")
    func rowFallHolds() throws {
        let d = Fixture.definition(fields: fields)
        let prev = try previousRelease(d, rows: 100)
        defer { try? FileManager.default.removeItem(at: prev) }
        let context = Fixture.context(previous: prev)
        let fall = try Fixture.run(d, rows(40), context: context).report
        #expect(fall.holdReasons.count == 1)
        #expect(fall.holdReasons.first?.contains("行数由 100 减至 40") == true)
        #expect(try Fixture.run(d, rows(60), context: context).report.holdReasons.isEmpty)
        let rise = try Fixture.run(d, rows(300), context: context).report
        #expect(rise.holdReasons.isEmpty && Fixture.failed(rise, type: "compare_row_count") == 1)
        // A compare: block states the intent: its severity decides.
        let warned = Fixture.definition(fields: fields, extra: "compare: {severity: warn}")
        #expect(try Fixture.run(warned, rows(40), context: context).report.holdReasons.isEmpty)
        // Empty releases expected: a fall to none is not a collapse.
        let empty = Fixture.definition(fields: fields, extra: "gate: {allow_empty: true}")
        #expect(try runEmpty(empty, context: context).holdReasons.isEmpty)
        #expect(try runEmpty(d, context: context).holdReasons.count == 2)
    }
}

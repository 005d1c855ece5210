import Foundation
import ODPCore
import Testing
@testable import ODPCheck

@Suite("Table rules")
struct TableRuleTests {
    let fields = """
      - {name: code, title: 编码, type: string, class: public}
      - {name: amount, title: 金额, type: number, class: public}
      - {name: budget, title: 预算, type: number, class: public}
    """

    @Test("row_count holds the release when the table is too small")
    func rowCount() throws {
        let d = Fixture.definition(fields: fields, extra: "rules: [{type: row_count, min: 3}]")
        let small = try Fixture.run(d, [["A", "1", "1"], ["B", "2", "2"]])
        #expect(Fixture.failed(small.report, type: "row_count") == 1)
        #expect(small.report.holdReasons.count == 1)
        let enough = try Fixture.run(d, [["A", "1", "1"], ["B", "2", "2"], ["C", "3", "3"]])
        #expect(enough.report.holdReasons.isEmpty)
    }

    @Test("duplicate_rows and duplicate_keys count repeated fingerprints")
    func duplicates() throws {
        let d = Fixture.definition(fields: fields, extra: """
        rules:
          - duplicate_rows
          - {type: duplicate_keys, fields: [code]}
        """)
        let (keep, report, _) = try Fixture.run(d, [["A", "1", "1"], ["A", "1", "1"], ["A", "2", "1"], ["B", "1", nil], ["B", "1", ""]])
        #expect(Fixture.failed(report, type: "duplicate_rows") == 1)
        #expect(Fixture.failed(report, type: "duplicate_keys") == 3)
        #expect(keep.allSatisfy { $0 }, "table rules hold by default, they do not reject rows")
        #expect(!report.holdReasons.isEmpty)
    }

    @Test("completeness compares each field's non-null share with the minimum")
    func completeness() throws {
        let d = Fixture.definition(fields: fields, extra: "rules: [{type: completeness, fields: [amount, budget], min: 0.6}]")
        let (_, report, _) = try Fixture.run(d, [["A", "1", nil], ["B", nil, nil], ["C", "3", "3"]])
        let line = Fixture.rules(report, type: "completeness")[0]
        #expect(line["failed"] as? Int == 1)
        #expect((line["metric"] as? [String: Any])?["below_minimum"] as? [String] == ["budget"])
    }

    @Test("sum_equals compares a column total with a number or another column")
    func sumEquals() throws {
        let d = Fixture.definition(fields: fields, extra: """
        rules:
          - {type: sum_equals, field: amount, total: 6}
          - {type: sum_equals, field: amount, equals_sum_of: budget}
        """)
        let (_, report, _) = try Fixture.run(d, [["A", "1", "2"], ["B", "2", "2"], ["C", "3", "3"]])
        #expect(Fixture.rules(report, type: "sum_equals").map { $0["failed"] as? Int } == [0, 1])
    }

    @Test("reference checks against caller-provided keys; without them it is 未检查 and holds, fail safe")
    func reference() throws {
        let d = Fixture.definition(fields: fields, extra: "rules: [{type: reference, local_field: code, dataset: codes, field: id}]")
        let rows: [[String?]] = [["A", "1", "1"], ["Z", "1", "1"]]
        let provided = try Fixture.run(d, rows) { $0.provideReference(dataset: "codes", field: "id", values: ["A", "B"]) }
        #expect(Fixture.failed(provided.report, type: "reference") == 1)
        let missing = try Fixture.run(d, rows) { $0.referenceUnavailable(dataset: "codes", field: "id", reason: "数据集 codes 尚无已发布版本") }
        let line = Fixture.rules(missing.report, type: "reference")[0]
        #expect(line["rows_checked"] as? Int == 0)
        #expect(line["note"] as? String == "未检查：数据集 codes 尚无已发布版本")
        #expect(missing.report.holdReasons.count == 1)
        #expect(missing.report.holdReasons.first?.contains("未能检查：数据集 codes 尚无已发布版本") == true)
    }

    @Test("an unchecked reference that is only a warning does not hold")
    func referenceWarning() throws {
        let d = Fixture.definition(fields: fields, extra: "rules: [{type: reference, local_field: code, dataset: codes, field: id, severity: warn}]")
        let report = try Fixture.run(d, [["A", "1", "1"]]).report
        #expect(report.holdReasons.isEmpty)
        #expect((Fixture.rules(report, type: "reference")[0]["note"] as? String)?.hasPrefix("未检查") == true)
    }

    @Test("a field-level reference rule names only the other dataset's field")
    func fieldReference() throws {
        let d = Fixture.definition(fields: """
          - {name: code, title: 编码, type: string, class: public, rules: [{type: reference, dataset: codes, field: id, severity: reject}]}
        """)
        let (keep, report, _) = try Fixture.run(d, [["A"], ["Q"], [nil]]) {
            $0.provideReference(dataset: "codes", field: "id", values: ["A"])
        }
        #expect(keep == [true, false, true])
        #expect(Fixture.checked(report, type: "reference") == 2)
    }
}

import Foundation
import ODPCore
import Testing
@testable import ODPCheck

@Suite("Field rules")
struct FieldRuleTests {
    @Test("the declared type is checked: integer, number with scale, date in its format, boolean")
    func declaredTypes() throws {
        let d = Fixture.definition(fields: """
          - {name: n, title: 数量, type: integer, class: public}
          - {name: amount, title: 金额, type: number, scale: 2, class: public}
          - {name: day, title: 日期, type: date, format: YYYYMMDD, class: public}
          - {name: flag, title: 标志, type: boolean, class: public}
        """)
        let (keep, report, _) = try Fixture.run(d, [
            ["12", "3.50", "20240229", "是"],
            ["-7", "1,200.5", "20231231", "false"],
            ["1.5", "3.505", "20230229", "maybe"],
            ["abc", "x", "2023-01-01", "2"],
        ])
        #expect(keep == [true, true, false, false])
        #expect(Fixture.failed(report, type: "type", field: "n") == 2)
        #expect(Fixture.failed(report, type: "type", field: "amount") == 2)
        #expect(Fixture.failed(report, type: "type", field: "day") == 2)
        #expect(Fixture.failed(report, type: "type", field: "flag") == 2)
        #expect(Fixture.checked(report, type: "type", field: "n") == 4)
    }

    @Test("required fails on null and empty cells and rejects the row")
    func required() throws {
        let d = Fixture.definition(fields: """
          - {name: name, title: 名称, type: string, class: public, rules: [required]}
        """)
        let (keep, report, _) = try Fixture.run(d, [["甲"], [nil], [""]])
        #expect(keep == [true, false, false])
        #expect(Fixture.failed(report, type: "required") == 2)
        #expect(Fixture.checked(report, type: "required") == 3)
    }

    @Test("unique fails on the second occurrence only")
    func unique() throws {
        let d = Fixture.definition(fields: """
          - {name: code, title: 编码, type: string, class: public, rules: [unique]}
        """)
        let (keep, report, _) = try Fixture.run(d, [["A"], ["B"], ["A"], ["A"]])
        #expect(keep == [true, true, false, false])
        #expect(Fixture.failed(report, type: "unique") == 2)
    }

    @Test("a composite primary key must be present and unique")
    func primaryKey() throws {
        let d = Fixture.definition(fields: """
          - {name: year, title: 年份, type: integer, class: public}
          - {name: region, title: 区划, type: string, class: public}
        """, extra: "primary_key: [year, region]")
        let (keep, report, _) = try Fixture.run(d, [["2024", "110105"], ["2024", "110106"], ["2024", "110105"], ["2025", nil]])
        #expect(keep == [true, true, false, false])
        let lines = Fixture.rules(report, type: "primary_key")
        #expect(lines.map { $0["failed"] as? Int } == [1, 1])
    }

    @Test("min and max compare numbers and dates")
    func minMax() throws {
        let d = Fixture.definition(fields: """
          - name: amount
            title: 金额
            type: number
            class: public
            rules: [{type: min, value: 0}, {type: max, value: 1000}]
          - name: day
            title: 日期
            type: date
            class: public
            rules: [{type: min, value: 2020-01-01}]
        """)
        let (keep, report, _) = try Fixture.run(d, [["0", "2020-01-01"], ["-0.01", "2024-05-01"], ["1000.5", "2019-12-31"]])
        #expect(keep == [true, false, false])
        #expect(Fixture.failed(report, type: "min", field: "amount") == 1)
        #expect(Fixture.failed(report, type: "max", field: "amount") == 1)
        #expect(Fixture.failed(report, type: "min", field: "day") == 1)
    }

    @Test("length counts characters, not bytes")
    func length() throws {
        let d = Fixture.definition(fields: """
          - {name: name, title: 名称, type: string, class: public, rules: [{type: length, min: 2, max: 4}]}
        """)
        let (keep, _, _) = try Fixture.run(d, [["北京"], ["北京市朝阳"], ["京"], ["abcd"]])
        #expect(keep == [true, false, false, true])
    }

    @Test("pattern matches the whole cell")
    func pattern() throws {
        let d = Fixture.definition(fields: """
          - {name: mobile, title: 手机号, type: string, class: public, rules: [{type: pattern, pattern: '^1[3-9]\\d{9}$'}]}
        """)
        let (keep, report, _) = try Fixture.run(d, [["13812345678"], ["12812345678"], ["138123456789"], ["1381234567"]])
        #expect(keep == [true, false, false, false])
        #expect(Fixture.failed(report, type: "pattern") == 3)
    }

    @Test("enum accepts only the listed values")
    func enumValues() throws {
        let d = Fixture.definition(fields: """
          - {name: status, title: 状态, type: string, class: public, rules: [{type: enum, values: [存续, 注销, 吊销]}]}
        """)
        let (keep, _, _) = try Fixture.run(d, [["存续"], ["注销"], ["迁出"]])
        #expect(keep == [true, true, false])
    }

    @Test("a user code table works like gb2260")
    func userCodeTable() throws {
        let d = Fixture.definition(fields: """
          - {name: sex, title: 性别, type: string, class: quasi, rules: [{type: code_table, table: sex}]}
        """)
        let sex = CodeTable(name: "sex", current: ["1": "男", "2": "女", "9": "未说明"])
        let (keep, _, _) = try Fixture.run(d, [["1"], ["2"], ["3"], ["男"]], context: Fixture.context(tables: ["sex": sex]))
        #expect(keep == [true, true, false, false])
    }

    @Test("checksums: GB 11643, GB 32100, GB 11714 and Luhn")
    func checksums() throws {
        let d = Fixture.definition(fields: """
          - {name: id, title: 身份证号, type: string, class: direct, desensitize: {op: drop}, rules: [gb11643]}
          - {name: uscc, title: 统一社会信用代码, type: string, class: public, rules: [gb32100]}
          - {name: org, title: 组织机构代码, type: string, class: public, rules: [gb11714]}
          - {name: card, title: 卡号, type: string, class: public, rules: [luhn]}
        """)
        let id = Fixture.citizenID(birth: "19900307", sequence: "123")
        let badID = String(id.dropLast()) + (id.last == "1" ? "2" : "1")
        let uscc = Fixture.uscc("91110105MA01ABCD1")
        let badUSCC = String(uscc.dropLast()) + (uscc.last == "0" ? "1" : "0")
        let (keep, report, _) = try Fixture.run(d, [
            [id, uscc, "D2143569-X", "4539148803436467"],
            [badID, badUSCC, "D2143569-1", "4539148803436468"],
        ])
        #expect(keep == [true, false])
        for t in ["gb11643", "gb32100", "gb11714", "luhn"] { #expect(Fixture.failed(report, type: t) == 1, "\(t)") }
    }

    @Test("date_range wants a real date, not in the future, not before 1949-10-01")
    func dateRange() throws {
        let d = Fixture.definition(fields: """
          - name: founded
            title: 成立日期
            type: string
            class: public
            rules: [{type: date_range, not_future: true, not_before: 1949-10-01}]
        """)
        let (keep, _, _) = try Fixture.run(d, [["2026-11-23"], ["2026-11-24"], ["1949-09-30"], ["2023-02-29"], ["1949-10-01"]])
        #expect(keep == [true, false, false, false, true])
    }

    /// On a date-typed field the range rule reads the days its type check parsed, so a
    /// second batch must not see the first batch's dates, and a type failure fails the range.
    @Test("date_range on a date field judges each batch's own dates, in every layout the field declares")
    func dateRangeOnDateField() throws {
        for (format, rows) in [("YYYY-MM-DD", [["2026-11-23", "1949-09-30", "2023-02-29", nil], ["1949-09-30", "2026-11-23", "x", "2026-11-24"]]),
                               ("YYYY年M月D日", [["2026年11月23日", "1949年9月30日", "2023年2月29日", nil], ["1949年9月30日", "2026年11月23日", "x", "2026年11月24日"]])] {
            let d = Fixture.definition(fields: """
              - name: founded
                title: 成立日期
                type: date
                format: "\(format)"
                class: public
                rules: [{type: date_range, not_future: true, not_before: 1949-10-01}]
            """)
            let checker = try Checker(definition: d, context: Fixture.context())
            #expect(checker.check(Fixture.batch(rows[0].map { [$0] })) == [true, false, false, true], "\(format)")
            #expect(checker.check(Fixture.batch(rows[1].map { [$0] })) == [false, true, false, false], "\(format)")
            let report = checker.finishRules()
            #expect(Fixture.failed(report, type: "date_range") == 5, "\(format)")
            #expect(Fixture.failed(report, type: "type") == 2, "\(format)")
        }
    }

    @Test("severity warn records the failure but keeps the row")
    func warnKeepsRow() throws {
        let d = Fixture.definition(fields: """
          - {name: code, title: 编码, type: string, class: public, rules: [{type: pattern, pattern: '[A-Z]+', severity: warn}]}
        """)
        let (keep, report, _) = try Fixture.run(d, [["ABC"], ["abc"]])
        #expect(keep == [true, true])
        #expect(Fixture.failed(report, type: "pattern") == 1)
        #expect(report.holdReasons.isEmpty)
    }

    @Test("state carries across batches: a key repeated in a later batch is a duplicate")
    func acrossBatches() throws {
        let d = Fixture.definition(fields: """
          - {name: code, title: 编码, type: string, class: public, rules: [unique, required]}
        """)
        let checker = try Checker(definition: d, context: Fixture.context())
        #expect(checker.check(Fixture.batch([["A"], ["B"]], firstRow: 2)) == [true, true])
        #expect(checker.check(Fixture.batch([[nil], ["A"], ["C"]], firstRow: 4)) == [false, false, true])
        let report = checker.finishRules()
        #expect(Fixture.failed(report, type: "unique") == 1)
        #expect(Fixture.checked(report, type: "unique") == 4)
        #expect(report.problems.map(\.sourceRow) == [4, 5])
        #expect(report.problems.map(\.rule) == ["required", "unique"])
        #expect(report.metrics.rejectedRows == 2)
        #expect(report.metrics.rowsChecked == 5)
    }
}

import Foundation
import ODPCore
import Testing
@testable import ODPCheck

@Suite("GB/T 2260 code table rule")
struct CodeTableRuleTests {
    let definition = Fixture.definition(fields: """
      - {name: region, title: 行政区划, type: string, class: quasi, rules: [{type: code_table, table: gb2260, as_of_field: reg_date}]}
      - {name: reg_date, title: 登记日期, type: date, class: public}
    """)

    @Test("a code abolished in 2010 passes for a 2005 record and fails for a 2020 record")
    func historyByRecordDate() throws {
        let table = try Fixture.gb2260()
        let (keep, report, _) = try Fixture.run(definition, [
            ["110103", "2005-06-01"],  // 崇文区, in use 1981–2010
            ["110103", "2020-06-01"],
            ["110105", "2020-06-01"],  // 朝阳区, in use
            ["999999", "2005-06-01"],
        ], context: Fixture.context(tables: ["gb2260": table]))
        #expect(keep == [true, false, true, false])
        #expect(Fixture.failed(report, type: "code_table") == 2)
    }

    @Test("without as_of_field the current 2024 list applies")
    func currentList() throws {
        let d = Fixture.definition(fields: """
          - {name: region, title: 行政区划, type: string, class: quasi, rules: [{type: code_table, table: gb2260}]}
        """)
        let table = try Fixture.gb2260()
        let (keep, _, _) = try Fixture.run(d, [["110105"], ["110103"], ["320102"]], context: Fixture.context(tables: ["gb2260": table]))
        #expect(keep == [true, false, true])
    }

    @Test("a code table missing from the context is a definition error at init")
    func missingTable() {
        #expect(throws: ODPError.self) { try Checker(definition: definition, context: Fixture.context()) }
    }
}

@Suite("Row rules")
struct RowRuleTests {
    @Test("expression rules compare dates and sums, and skip rows with nulls unless required")
    func expressions() throws {
        let d = Fixture.definition(fields: """
          - {name: start_date, title: 开始日期, type: date, class: public}
          - {name: end_date, title: 结束日期, type: date, class: public}
          - {name: male, title: 男, type: integer, class: public}
          - {name: female, title: 女, type: integer, class: public}
          - {name: total, title: 合计, type: integer, class: public}
        """, extra: """
        rules:
          - {type: expression, expression: "end_date >= start_date"}
          - {type: expression, expression: "male + female == total", severity: warn}
          - {type: expression, expression: "total > 0", required: true, severity: warn}
        """)
        let (keep, report, _) = try Fixture.run(d, [
            ["2024-01-01", "2024-02-01", "3", "4", "7"],
            ["2024-03-01", "2024-02-01", "3", "4", "8"],
            [nil, "2024-02-01", "3", nil, nil],
        ])
        #expect(keep == [true, false, true])
        let lines = Fixture.rules(report, type: "expression")
        #expect(lines.map { $0["failed"] as? Int } == [1, 1, 1])
        #expect(lines.map { $0["rows_checked"] as? Int } == [2, 2, 3])
    }

    @Test("id_birth_matches and id_sex_matches read inside the GB 11643 ID")
    func identity() throws {
        let d = Fixture.definition(fields: """
          - {name: id, title: 身份证号, type: string, class: direct, desensitize: {op: drop}}
          - {name: birth, title: 出生日期, type: date, class: quasi}
          - {name: sex, title: 性别, type: string, class: quasi}
        """, extra: """
        rules:
          - {type: id_birth_matches, id: id, birth_date: birth}
          - {type: id_sex_matches, fields: [id, sex]}
        """)
        let man = Fixture.citizenID(birth: "19900307", sequence: "013")    // 17th digit 3: male
        let woman = Fixture.citizenID(birth: "19851231", sequence: "024")  // 4: female
        let (keep, report, _) = try Fixture.run(d, [
            [man, "1990-03-07", "1"], [woman, "1985-12-31", "女"],
            [man, "1990-03-08", "男"], [woman, "1985-12-31", "1"],
        ])
        #expect(keep == [true, true, false, false])
        #expect(Fixture.failed(report, type: "id_birth_matches") == 1)
        #expect(Fixture.failed(report, type: "id_sex_matches") == 1)
    }

    @Test("region_matches_address finds the region's name in the address")
    func regionAddress() throws {
        let d = Fixture.definition(fields: """
          - {name: region, title: 区划代码, type: string, class: public}
          - {name: address, title: 地址, type: string, class: public}
        """, extra: "rules: [{type: region_matches_address, region: region, address: address}]")
        let (keep, _, _) = try Fixture.run(d, [
            ["110105", "北京市朝阳区建国路1号"], ["110105", "北京市海淀区中关村"], ["999999", "某地"],
        ], context: Fixture.context(tables: ["gb2260": try Fixture.gb2260(history: false)]))
        #expect(keep == [true, false, true])
    }
}

import Foundation
import ODPCore
import Testing
@testable import ODPCheck

@Suite("Code field type")
struct CodeFieldTests {
    /// GB/T 2261.1 人的性别代码.
    static let sex = CodeTable(name: "sex", current: ["0": "未知的性别", "1": "男性", "2": "女性", "9": "未说明的性别"])

    static let definition = Fixture.definition(fields: """
      - {name: sex, title: 性别, type: code, code_table: sex, class: quasi}
      - {name: amount, title: 金额, type: integer, class: public}
    """)

    @Test("a code of the table passes; any other value is rejected by the type rule")
    func membership() throws {
        let (keep, report, _) = try Fixture.run(Self.definition, [["1", "3"], ["9", "4"], ["男", "5"], ["3", "6"], ["", "7"], [nil, "8"]],
                                                context: Fixture.context(tables: ["sex": Self.sex]))
        #expect(keep == [true, true, false, false, true, true])
        #expect(Fixture.failed(report, type: "type", field: "sex") == 2)
        #expect(Fixture.checked(report, type: "type", field: "sex") == 4)
        let line = try #require(Fixture.rules(report, type: "type", field: "sex").first)
        #expect(line["description"] as? String == "「性别」应为代码表 sex 中的代码")
    }

    @Test("`type` with `severity: warn` keeps rows with unknown codes")
    func warnOnly() throws {
        let d = Fixture.definition(fields: """
          - {name: sex, title: 性别, type: code, code_table: sex, class: quasi, rules: [{type: type, severity: warn}]}
        """)
        let (keep, report, _) = try Fixture.run(d, [["1"], ["x"]], context: Fixture.context(tables: ["sex": Self.sex]))
        #expect(keep == [true, true])
        #expect(Fixture.failed(report, type: "type", field: "sex") == 1)
    }

    @Test("a `code_table` rule with as_of_field checks instead of the current list")
    func ruleTakesOver() throws {
        let d = Fixture.definition(fields: """
          - {name: region, title: 行政区划, type: code, class: quasi, rules: [{type: code_table, table: gb2260, as_of_field: reg_date}]}
          - {name: reg_date, title: 登记日期, type: date, class: public}
        """)
        let (keep, report, _) = try Fixture.run(d, [["110103", "2005-06-01"], ["110103", "2020-06-01"], ["110105", "2020-06-01"]],
                                                context: Fixture.context(tables: ["gb2260": try Fixture.gb2260()]))
        #expect(keep == [true, false, true])
        #expect(Fixture.failed(report, type: "code_table") == 1)
        #expect(Fixture.rules(report, type: "type", field: "region").isEmpty, "one check per value, not two")
    }

    @Test("a code table the run did not load stops the checker")
    func tableNotLoaded() {
        #expect(throws: ODPError.self) { try Checker(definition: Self.definition, context: Fixture.context()) }
    }

    @Test("validate: a code field without a code table is an error at the field's line")
    func missingTable() throws {
        let d = Checker.validate(Fixture.definition(fields: """
          - {name: amount, title: 金额, type: integer, class: public}
          - {name: industry, title: 行业代码, type: code, class: public}
        """), config: nil)
        #expect(d.count == 1)
        let diagnostic = try #require(d.first)
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message == "字段 `industry` 的类型是 `code`，但没有指定代码表（code table）")
        #expect(diagnostic.location.line == 17)
    }

    @Test("validate: unknown and conflicting code tables are errors; a matching rule is not")
    func tableNames() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("odp-code-field-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("odp.yml")
        try "datasets: ['*.yml']\ncode_tables:\n  gb2260: {path: a.txt}\n  sex: {path: b.txt}\n".write(to: file, atomically: true, encoding: .utf8)
        let config = PipelineConfig.load(path: file.path).0
        func diagnostics(_ field: String) -> [Diagnostic] { Checker.validate(Fixture.definition(fields: field), config: config) }

        let unknown = diagnostics("  - {name: region, title: 区划, type: code, code_table: gb2206, class: public}")
        #expect(unknown.map(\.hint) == ["是否应为 `gb2260`？"])
        #expect(unknown.first?.location.line == 16)
        let conflict = diagnostics("  - {name: region, title: 区划, type: code, code_table: gb2260, class: public, rules: [{type: code_table, table: sex}]}")
        #expect(conflict.count == 1 && conflict[0].message.contains("指向不同的代码表"))
        #expect(diagnostics("  - {name: region, title: 区划, type: code, code_table: gb2260, class: public, rules: [{type: code_table, table: gb2260}]}").isEmpty)
        #expect(diagnostics("  - {name: region, title: 区划, type: code, code_table: gb2260, class: public}").isEmpty)
        let bounded = diagnostics("  - {name: region, title: 区划, type: code, code_table: gb2260, class: public, rules: [{type: min, value: 1}]}")
        #expect(bounded.contains { $0.message.contains("`min`/`max` 只适用于数值和日期字段，`region` 是 code") })
    }

    @Test("parse: `code_table` on a field that is not a code is an error")
    func codeTableOnString() {
        let yaml = Self.definitionYAML(field: "  - {name: region, title: 区划, type: string, code_table: gb2260, class: public}")
        let (_, diagnostics) = DatasetDefinition.parse(yaml: yaml, file: "test.yml")
        #expect(diagnostics.map(\.message) == ["字段 `region`：`code_table` 只适用于 code 类型的字段"])
        #expect(diagnostics.first?.location.line == 5)
    }

    static func definitionYAML(field: String) -> String {
        """
        id: t
        catalog: {title: 测试, code: T-1, provider: 测试局, provider_code: "1", summary: 测试, domain: 测试, open_type: 无条件开放, update_cycle: 每月, license: CC-BY-4.0}
        source: {type: csv, path: data.csv}
        fields:
        \(field)
        """
    }
}

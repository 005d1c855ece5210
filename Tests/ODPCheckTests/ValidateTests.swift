import Foundation
import ODPCore
import Testing
@testable import ODPCheck

@Suite("Definition validation")
struct ValidateTests {
    func diagnostics(_ fields: String, _ extra: String = "", config: PipelineConfig? = nil) -> [Diagnostic] {
        Checker.validate(Fixture.definition(fields: fields, extra: extra), config: config)
    }

    let plain = "  - {name: amount, title: 金额, type: number, class: public}\n  - {name: start, title: 开始, type: date, class: public}"

    @Test("a clean definition has no diagnostics")
    func clean() {
        #expect(diagnostics(plain, "rules: [{type: expression, expression: \"amount >= 0\"}]\nscreens: {benford: {fields: [amount]}}").isEmpty)
    }

    @Test("an unknown rule type gets a did-you-mean")
    func unknownType() {
        let d = diagnostics("  - {name: amount, title: 金额, type: number, class: public, rules: [{type: requierd}]}")
        #expect(d.count == 1)
        #expect(d[0].hint == "是否应为 `required`？")
        #expect(d[0].location.line == 16)
        let row = diagnostics(plain, "rules: [{type: duplicate_row}]")
        #expect(row.first?.hint == "是否应为 `duplicate_rows`？")
    }

    @Test("unknown and missing parameters are reported")
    func parameters() {
        let d = diagnostics("  - {name: amount, title: 金额, type: number, class: public, rules: [{type: min, valeu: 3}]}")
        #expect(d.contains { $0.message.contains("缺少必填键（missing required key）`value`") })
        #expect(d.contains { $0.message.contains("未知的键（unknown key）`valeu`") && $0.hint == "是否应为 `value`？" })
    }

    @Test("fields that do not exist are named with a suggestion")
    func undefinedField() {
        let d = diagnostics(plain, "rules: [{type: duplicate_keys, fields: [amout]}]\nscreens: {heaping: {fields: [amont]}}")
        #expect(d.count == 2)
        #expect(d.allSatisfy { $0.hint == "是否应为 `amount`？" })
    }

    @Test("a bad expression points at the column of the error")
    func badExpression() {
        let d = diagnostics(plain, "rules:\n  - {type: expression, expression: amount >= >= 3}")
        #expect(d.count == 1)
        #expect(d[0].message.contains("意外的 `>=`"))
        #expect(d[0].location.column == 36 + 10)
        let unknown = diagnostics(plain, "rules:\n  - {type: expression, expression: amont > 0}")
        #expect(unknown.first?.hint == "是否应为 `amount`？")
    }

    @Test("a bad pattern is a definition error")
    func badPattern() {
        let d = diagnostics("  - {name: code, title: 码, type: string, class: public, rules: [{type: pattern, pattern: '[a-z'}]}")
        #expect(d.first?.message.contains("缺少 `]`") == true)
    }

    @Test("an invalid severity or dimension is refused")
    func severity() {
        let d = diagnostics(plain, "rules: [{type: row_count, min: 1, severity: hodl, dimension: 完整}]\ngate: {min_scores: {completenes: 0.9}}")
        #expect(d.contains { $0.hint == "是否应为 `hold`？" })
        #expect(d.contains { $0.message.contains("`完整` 不是 GB/T 36344 的质量维度（dimension）") })
        #expect(d.contains { $0.hint == "是否应为 `completeness`？" })
    }

    @Test("code table names are checked against the configuration")
    func codeTables() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("odp-check-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("odp.yml")
        try "datasets: ['*.yml']\ncode_tables:\n  gb2260: {path: gb2260.txt}\n".write(to: file, atomically: true, encoding: .utf8)
        let (config, problems) = PipelineConfig.load(path: file.path)
        #expect(problems.filter { $0.severity == .error }.isEmpty)
        let fields = "  - {name: region, title: 区划, type: string, class: public, rules: [{type: code_table, table: gb2206}]}"
        let d = diagnostics(fields, config: config)
        #expect(d.count == 1)
        #expect(d.first?.hint == "是否应为 `gb2260`？")
        #expect(diagnostics(fields).isEmpty, "without a config, names cannot be checked")
    }

    @Test("table rules, screens and comparisons cannot reject rows")
    func rejectOnlyForRows() {
        let d = diagnostics(plain, """
        rules: [{type: row_count, min: 1, severity: reject}]
        screens: {benford: {fields: [amount], severity: reject}}
        compare: {severity: reject}
        """)
        #expect(d.count == 3)
        #expect(d.filter { $0.hint == "改用 `severity: hold` 或 `warn`" }.count == 2)
    }
}

import Foundation
import ODPCore
import Testing
@testable import ODPExtract

@Suite("Extractor.validate and probe")
struct ExtractorValidateTests {
    let fields = ["{name: id, title: 编号, type: integer, class: public}"]

    /// What `odp validate` reports for the source: the definition checks and the file opened.
    func lint(_ definition: DatasetDefinition) -> [Diagnostic] { Extractor.validate(definition) + Extractor.probe(definition) }

    @Test("a missing source file is a diagnostic at source: with a hint")
    func missingFile() throws {
        let w = try Workspace()
        let definition = try w.definition(source: "type: csv\npath: data/none.csv", fields: fields)
        let diagnostics = lint(definition)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("`data/none.csv` 不存在") == true)
        #expect(diagnostics.first?.hint?.contains("相对路径") == true)
        #expect(diagnostics.first?.location.line == 13)
    }

    @Test("an existing file and a sound dialect give no diagnostics")
    func clean() throws {
        let w = try Workspace()
        try w.write("d.csv", "编号\n1\n")
        #expect(lint(try w.definition(source: "type: csv\npath: d.csv", fields: fields)).isEmpty)
    }

    @Test("fields whose columns are missing from the file are reported, naming the columns")
    func columns() throws {
        let w = try Workspace()
        try w.write("d.csv", "代码\n1\n")
        let diagnostics = lint(try w.definition(source: "type: csv\npath: d.csv", fields: fields))
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("`id` / `编号`") == true)
        #expect(diagnostics.first?.message.contains("文件中的列（available columns）：`代码`") == true)
        try w.write("b.xlsx", bytes: SampleTable.xlsx())
        let sheet = lint(try w.definition(source: "type: xlsx\npath: b.xlsx\nsheet: 不存在", fields: fields))
        #expect(sheet.first?.message.contains("找不到工作表（sheet）`不存在`") == true)
        #expect(lint(try w.definition(source: "type: xlsx\npath: b.xlsx\nsheet: 人员", fields: fields)).isEmpty)
    }

    @Test("the definition checks never open the file: a missing file or column is left to the probe")
    func definitionOnly() throws {
        let w = try Workspace()
        try w.write("d.csv", "代码\n1\n")
        #expect(Extractor.validate(try w.definition(source: "type: csv\npath: d.csv", fields: fields)).isEmpty)
        #expect(Extractor.validate(try w.definition(source: "type: csv\npath: none.csv", fields: fields)).isEmpty)
        let probed = Extractor.probe(try w.definition(source: "type: csv\npath: d.csv", fields: fields))
        #expect(probed.first?.hint?.contains("`source` / `name` / `title`") == true)
    }

    @Test("the probe samples values: date-times that would not parse are a warning naming the field and the first row")
    func sampledValues() throws {
        let w = try Workspace()
        try w.write("d.csv", "id,t,d\n1,2026-05-01 10:00:00.123+08,2026-05-01\n2,2026/05/01 10:00,2026-05-01\n3,2026-05-01T02:00:00Z,五月一日\n")
        let fields = ["{name: id, title: 编号, type: integer, class: public}", "{name: t, title: 时间, type: datetime, class: public}",
                      "{name: d, title: 日期, type: date, class: public}"]
        let found = Extractor.probe(try w.definition(source: "type: csv\npath: d.csv", fields: fields))
        #expect(found.count == 2 && found.allSatisfy { $0.severity == .warning }, "\(found)")
        #expect(found.contains { $0.message.contains("字段 `t`：抽样的 3 个值中有 1 个") && $0.message.contains("数据源第 3 行") }, "\(found)")
        #expect(found.contains { $0.message.contains("字段 `d`：抽样的 3 个值中有 1 个") && $0.message.contains("数据源第 4 行") }, "\(found)")
        try w.write("d.csv", "id,t,d\n1,2026-05-01 10:00:00.123+08,2026-05-01\n")
        #expect(Extractor.probe(try w.definition(source: "type: csv\npath: d.csv", fields: fields)).isEmpty)
    }

    @Test("quote equal to the delimiter, deleted_flag without a primary key, postgres without a password")
    func problems() throws {
        let w = try Workspace()
        try w.write("d.csv", "编号\n1\n")
        let csv = try w.definition(source: "type: csv\npath: d.csv\ndelimiter: \";\"\nquote: \";\"\nincremental: {watermark: id, deleted_flag: del, mode: full}", fields: fields)
        let messages = Extractor.validate(csv).map(\.message)
        #expect(messages.contains { $0.contains("是同一个字符") })
        #expect(messages.contains { $0.contains("deleted_flag 需要 `primary_key`") })
        let pg = try w.definition(source: "type: postgres\ntable: t\nconnection: {host: db, database: d, user: u, sslmode: verify-full}", fields: fields)
        let pgDiagnostics = Extractor.validate(pg)
        // sslmode without sslrootcert; the missing password is the parser's warning (it knows
        // whether the key was written at all: ErrorCatalogTests.literalPassword).
        #expect(pgDiagnostics.map(\.severity) == [.warning])
        #expect(pgDiagnostics.first?.message.contains("sslrootcert") == true)
    }
}

@Suite("Number text")
struct NumberTextTests {
    func spreadsheet(_ s: String) -> String {
        var out: [UInt8] = []
        var s = s
        s.withUTF8 { NumberText.spreadsheet(UnsafeRawBufferPointer($0), into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    @Test("spreadsheet numbers keep 15 significant digits, like Excel shows them")
    func spreadsheetNumbers() {
        #expect(spreadsheet("0.30000000000000004") == "0.3")
        #expect(spreadsheet("0.29999999999999999") == "0.3")
        #expect(spreadsheet("12.5") == "12.5")
        #expect(spreadsheet("45293") == "45293")
        #expect(spreadsheet("9.9999999999999995E-7") == "0.000001")
        #expect(spreadsheet("-0.1") == "-0.1")
        #expect(spreadsheet("123456789012345678") == "123456789012346000")
        #expect(spreadsheet("not a number") == "not a number")
    }

    @Test("binary floats print as the shortest decimal without exponent or .0")
    func doubles() {
        #expect(NumberText.text(0.3) == "0.3")
        #expect(NumberText.text(12.5) == "12.5")
        #expect(NumberText.text(1.0) == "1")
        #expect(NumberText.text(-7) == "-7")
        #expect(NumberText.text(1e-5) == "0.00001")
        #expect(NumberText.text(1e16) == "10000000000000000")
    }
}

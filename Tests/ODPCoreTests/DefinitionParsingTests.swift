import Foundation
import Testing
@testable import ODPCore

/// A small but complete definition used as the base of the parsing tests.
let validDefinition = """
id: test-dataset
catalog:
  title: 测试数据集
  code: 350100-TEST-0001
  provider: 福州市测试局
  provider_code: 11350100003000000X
  summary: 用于测试的数据集
  domain: 市场监管
  open_type: 无条件开放
  update_cycle: 每日
  keywords: [测试, 示例]
  license: CC-BY-4.0
source:
  type: csv
  path: data.csv
  encoding: gb18030
primary_key: [code]
fields:
  - name: code
    title: 代码
    type: string
    class: public
    rules: [required]
  - name: person
    title: 姓名
    type: string
    class: direct
    desensitize: {op: mask, keep_first: 1}
  - name: day
    title: 日期
    type: date
    format: YYYYMMDD
    class: quasi
"""

@Suite("Dataset definitions")
struct DefinitionParsingTests {
    @Test("a valid definition parses with every section typed")
    func parsesValid() throws {
        let (definition, diagnostics) = DatasetDefinition.parse(yaml: validDefinition, file: "t.yml")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let d = try #require(definition)
        #expect(d.id == "test-dataset")
        #expect(d.catalog.openType == .unconditional)
        #expect(d.catalog.updateCycle == .daily)
        #expect(d.source.kind == .csv)
        #expect(d.source.encoding == .gb18030)
        #expect(d.schema.names == ["code", "person", "day"])
        #expect(d.schema.fields[1].privacyClass == .direct)
        #expect(d.schema.fields[1].desensitize?.type == "mask")
        #expect(d.schema.fields[2].format == "YYYYMMDD")
        #expect(d.schema.fields[0].rules.map(\.type) == ["required"])
        #expect(d.primaryKey == ["code"])
        #expect(d.definitionHash.count == 64)
    }

    @Test("five planted mistakes are all reported, each at its own line")
    func reportsFivePlantedMistakes() {
        let broken = """
        id: test-dataset
        catalog:
          title: 测试数据集
          code: 350100-TEST-0001
          provider: 福州市测试局
          provider_code: 11350100003000000X
          summary: 用于测试的数据集
          domain: 市场监管
          open_type: 无条件开放
          update_cyle: 每日
          license: CC-BY-4.0
        source:
          type: postgres
          table: t
          connection: {host: db, database: d, user: u, password: hunter2}
        primary_key: [cod]
        fields:
          - name: code
            title: 代码
            type: strng
            class: public
          - name: person
            title: 姓名
            type: string
        """
        let (_, diagnostics) = DatasetDefinition.parse(yaml: broken, file: "bad.yml")
        let errors = diagnostics.filter { $0.severity == .error }
        func line(_ fragment: String) -> Int? { errors.first { $0.message.contains(fragment) }?.location.line }
        // 1. unknown key with a suggestion (and the missing key it was meant to be)
        #expect(line("未知的键（unknown key）`update_cyle`") == 10)
        #expect(errors.contains { $0.hint == "是否应为 `update_cycle`？" })
        // 2. a secret written inline
        #expect(line("写入了明文密钥（secret written inline）") == 15)
        #expect(errors.first { $0.message.contains("明文密钥") }?.description.hasSuffix("[ODP-E0104]") == true)
        // 3. a reference to an undefined field
        #expect(line("引用的 `cod`") == 16)
        // 4. a wrong value type
        #expect(line("`strng` 不是可选值（not one of）") == 20)
        // 5. a field without a privacy class (fail closed)
        #expect(line("缺少 `class`") == 22)
        #expect(!errors.map(\.description).joined().contains("hunter2"))
    }

    @Test("a direct identifier without an operator is an error")
    func directNeedsOperator() {
        let yaml = validDefinition.replacingOccurrences(of: "    desensitize: {op: mask, keep_first: 1}\n", with: "")
        let (_, diagnostics) = DatasetDefinition.parse(yaml: yaml, file: "t.yml")
        #expect(diagnostics.contains { $0.message.contains("直接标识符（direct identifier）") })
    }

    @Test("有条件开放 requires 开放条件")
    func conditionalNeedsCondition() {
        let yaml = validDefinition.replacingOccurrences(of: "open_type: 无条件开放", with: "open_type: 有条件开放")
        let (_, diagnostics) = DatasetDefinition.parse(yaml: yaml, file: "t.yml")
        #expect(diagnostics.contains { $0.message.contains("open_condition") })
    }

    @Test("YAML syntax errors point at the line")
    func syntaxError() {
        let (_, diagnostics) = DatasetDefinition.parse(yaml: "id: x\ncatalog: [a, b\nfields: 1\n", file: "s.yml")
        #expect(diagnostics.first?.message.contains("YAML 语法错误（syntax error）") == true)
        #expect(diagnostics.first?.location.line != nil)
    }

    @Test("aliases of aliases (billion laughs) are a definition error, not billions of values")
    func aliasBomb() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let (definition, diagnostics) = DatasetDefinition.parse(yaml: yaml, file: "bomb.yml")
        #expect(definition == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("超过 20000 个值") == true)
        #expect(diagnostics.first?.location.file == "bomb.yml")
        // Aliases a definition really uses (a shared rule list) still work.
        let shared = validDefinition + "\nrules: &r [{type: unique, fields: [code]}]\ncompare: {rules: *r}\n"
        #expect(!DatasetDefinition.parse(yaml: shared, file: "t.yml").1.contains { $0.message.contains("expands") })
    }

    @Test("release.formats defaults to CSV and JSON, and `[csv]` gives a CSV-only release")
    func releaseFormats() throws {
        #expect(try #require(DatasetDefinition.parse(yaml: validDefinition, file: "t.yml").0).formats == [.csv, .json])
        for (list, expected) in [("[csv]", [DatasetDefinition.DataFormat.csv]), ("[json, csv]", [.csv, .json]), ("csv", [.csv])] {
            let (definition, diagnostics) = DatasetDefinition.parse(yaml: validDefinition + "\nrelease: {csv_bom: true, formats: \(list)}\n", file: "t.yml")
            #expect(diagnostics.isEmpty, "\(diagnostics)")
            #expect(definition?.formats == expected, "\(list)")
            #expect(definition?.csvBOM == true)
        }
    }

    @Test("release.formats without csv, with an unknown format or with a duplicate is a definition error at its line and column",
          arguments: [
              ("[json]", "[json]", "必须包含 `csv`"),
              ("[csv, xml]", "xml", "`xml` 不是可选值（not one of）csv, json"),
              ("[csv, csv]", "csv]", "把 `csv` 列了两次"),
              ("[csv, jsn]", "jsn", "`jsn` 不是可选值（not one of）csv, json"),
              ("{csv: true}", "{csv", "应为列表（list），实际是映射（mapping）"),
          ])
    func releaseFormatErrors(list: String, at fragment: String, message: String) throws {
        let line = "  formats: \(list)"
        let yaml = validDefinition + "\nrelease:\n" + line + "\n"
        let (_, diagnostics) = DatasetDefinition.parse(yaml: yaml, file: "t.yml")
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(diagnostics)")
        let d = try #require(errors.first)
        #expect(d.message.hasPrefix("dataset.release.formats") && d.message.contains(message), "\(d.message)")
        #expect(d.location.file == "t.yml")
        #expect(d.location.line == yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == line }.map { $0 + 1 })
        #expect(d.location.column == line.distance(from: line.startIndex, to: line.range(of: fragment, options: .backwards)!.lowerBound) + 1)
        if list.contains("jsn") { #expect(d.hint == "是否应为 `json`？") }
    }

    @Test("`filterable: true` marks a field for the SQLite file's indexes; without sqlite in release.formats it is a definition error at the field")
    func filterable() throws {
        let field = "\n  - {name: t, title: 类别, type: string, class: public, filterable: true}\n"
        let (definition, diagnostics) = DatasetDefinition.parse(yaml: validDefinition + field + "release: {formats: [csv, sqlite]}\n", file: "t.yml")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(definition?.formats == [.csv, .sqlite])
        #expect(definition?.schema.fields.last?.filterable == true && definition?.schema.fields.first?.filterable == false)
        let (_, without) = DatasetDefinition.parse(yaml: validDefinition + field, file: "t.yml")
        let error = try #require(without.first { $0.severity == .error })
        #expect(error.message.contains("字段 `t` 标记了 `filterable`") && error.message.contains("sqlite"), "\(error.message)")
    }

    @Test("secret references resolve from the environment and files, and name only themselves")
    func secrets() throws {
        let ref = try #require(SecretRef("env:ODP_TEST_SECRET"))
        #expect(try ref.resolve(environment: ["ODP_TEST_SECRET": "s3cret"]) == "s3cret")
        #expect(ref.description == "env:ODP_TEST_SECRET")
        #expect(throws: ODPError.self) { try ref.resolve(environment: [:]) }
        #expect(SecretRef("hunter2") == nil)
    }
}

/// Issue 23: the incremental keys and a datetime field's time zone.
@Suite("Incremental and time-zone keys")
struct IncrementalKeysTests {
    func parse(incremental: String = "", field: String = "") -> (SourceSpec.Incremental?, FieldDefinition?, [String]) {
        var yaml = validDefinition.replacingOccurrences(of: "  encoding: gb18030\n", with: "  encoding: gb18030\n  incremental: {watermark: day\(incremental)}\n")
        if !field.isEmpty { yaml += "\n  - {name: t, title: 时间, type: \(field), class: public}\n" }
        let (definition, diagnostics) = DatasetDefinition.parse(yaml: yaml, file: "t.yml")
        return (definition?.source.incremental, definition?.schema.fields.last, diagnostics.map(\.message))
    }

    @Test("defaults: an hour of lookback, NULL watermarks read as changed, reconciliation every run")
    func defaults() throws {
        let (incremental, _, errors) = parse()
        #expect(errors.isEmpty, "\(errors)")
        let i = try #require(incremental)
        #expect(i.lookback == 3600 && i.nullWatermark == .changed && i.reconcile == .everyRun)
    }

    @Test("lookback as seconds or a duration; null_watermark and reconcile.every as written", arguments: [
        (", lookback: 90", 90), (", lookback: 30m", 1800), (", lookback: 2h", 7200), (", lookback: 1d", 86_400), (", lookback: 0", 0),
    ])
    func values(text: String, seconds: Int) throws {
        #expect(parse(incremental: text).0?.lookback == seconds)
        #expect(parse(incremental: ", null_watermark: reject, reconcile: {every: 每周}").0?.nullWatermark == .reject)
        #expect(parse(incremental: ", reconcile: {every: 每周}").0?.reconcile == .cycle(.weekly))
    }

    @Test("a wrong lookback, policy, schedule or time zone is a definition error", arguments: [
        (", lookback: soon", "", "不是时长（duration）"), (", null_watermark: skip", "", "null_watermark"), (", reconcile: {every: hourly}", "", "every"),
        ("", "datetime, time_zone: Asia/Shanghai", "无法识别时区（time zone）`Asia/Shanghai`"), ("", "string, time_zone: \"+08:00\"", "只适用于 datetime 类型的字段"),
        ("", "datetime, format: \"YYYY-MM-DD hh:mm:ss\", time_zone: \"+08:00\"", "原生时间戳文本"),
    ])
    func errors(incremental: String, field: String, message: String) {
        let errors = parse(incremental: incremental, field: field).2
        #expect(errors.contains { $0.contains(message) }, "\(errors)")
    }

    @Test("time_zone takes an offset")
    func zone() {
        #expect(parse(field: "datetime, time_zone: \"+08:00\"").1?.timeZone == 28_800)
        #expect(parse(field: "datetime, time_zone: UTC").1?.timeZone == 0)
    }
}

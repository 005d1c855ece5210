import ODPCore
import Testing
@testable import ODPDesensitize

/// Builds definitions, batches and contexts in code (the test target has no resources).
enum Fixture {
    static let runDate = CivilDateTime(year: 2025, month: 6, day: 30)
    static let key: [UInt8] = Array("test-secret-key-0123456789abcdef".utf8)

    /// A dataset definition with `fields` (YAML list items, one per line) and an optional privacy section.
    static func definition(_ fields: [String], privacy: String = "") -> DatasetDefinition {
        let yaml = """
        id: test-ds
        catalog:
          title: 测试数据集
          code: T-001
          provider: 测试局
          provider_code: "11370000"
          summary: 测试
          domain: 市场监管
          open_type: 无条件开放
          update_cycle: 每月
          license: CC-BY-4.0
        source:
          type: csv
          path: data.csv
        fields:
        \(fields.map { "  - " + $0 }.joined(separator: "\n"))
        \(privacy)
        """
        let (definition, diagnostics) = DatasetDefinition.parse(yaml: yaml, file: "test.yml")
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
        return definition!
    }

    static func context(keyID: String? = "k2025", key: [UInt8]? = Fixture.key, tables: [String: CodeTable] = [:]) -> StageContext {
        StageContext(codeTables: tables, pseudonymKeyID: keyID, pseudonymKey: key, runDate: runDate)
    }

    static func batch(_ rows: [[String?]], firstRow: Int = 2) -> RowBatch {
        var b = RowBatch(columnCount: rows.first?.count ?? 0)
        for (i, row) in rows.enumerated() {
            for cell in row { if let cell { b.appendCell(cell) } else { b.appendNull() } }
            b.endRow(sourceRow: firstRow + i)
        }
        return b
    }

    static func rows(_ b: RowBatch) -> [[String?]] {
        (0..<b.rowCount).map { r in (0..<b.columnCount).map { b.string(r, $0) } }
    }

    /// A valid 18-character ID number from its first 17 digits.
    static func id(_ first17: String) -> String { first17 + String(Checksums.gb11643CheckCharacter(first17)!) }

    /// Appends the Luhn check digit.
    static func luhn(_ body: String) -> String {
        for d in 0...9 where Checksums.check(body + "\(d)", Checksums.luhn) { return body + "\(d)" }
        fatalError("unreachable")
    }

    static func run(_ d: Desensitizer, _ rows: [[String?]]) -> [[String?]] {
        let out = d.transform(batch(rows))
        d.endFirstPass()
        return Fixture.rows(d.needsSecondPass ? d.suppress(out) : out)
    }
}

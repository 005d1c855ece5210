import Foundation
import ODPCore
@testable import ODPCheck

/// Builds definitions from YAML the way operators write them, so tests exercise the real parser.
enum Fixture {
    static let runDate = CivilDateTime(year: 2026, month: 11, day: 23)

    /// `fields` and `extra` are YAML blocks (already indented for the top level).
    static func definition(fields: String, extra: String = "", title: String = "测试数据集") -> DatasetDefinition {
        let yaml = """
        id: test-dataset
        catalog:
          title: "\(title)"
          code: "TEST-001"
          provider: 测试局
          provider_code: "11100000000000000X"
          summary: 测试
          domain: 测试
          open_type: 无条件开放
          update_cycle: 每月
          license: CC-BY-4.0
        source:
          type: csv
          path: data.csv
        fields:
        \(fields)
        \(extra)
        """
        let (definition, diagnostics) = DatasetDefinition.parse(yaml: yaml, file: "test.yml")
        guard let definition, !diagnostics.contains(where: { $0.severity == .error }) else {
            fatalError("fixture definition does not parse: \(diagnostics)\n\(yaml)")
        }
        return definition
    }

    static func context(tables: [String: CodeTable] = [:], previous: URL? = nil) -> StageContext {
        StageContext(codeTables: tables, runDate: runDate, previousRelease: previous)
    }

    static func batch(_ rows: [[String?]], firstRow: Int = 2) -> RowBatch {
        var b = RowBatch(columnCount: rows.first?.count ?? 0)
        for (i, row) in rows.enumerated() {
            for cell in row { if let cell { b.appendCell(cell) } else { b.appendNull() } }
            b.endRow(sourceRow: firstRow + i)
        }
        return b
    }

    /// Runs one batch through a fresh checker; returns keep flags, the report and the checker.
    static func run(_ definition: DatasetDefinition, _ rows: [[String?]], context: StageContext = context(),
                    prepare: (Checker) -> Void = { _ in }) throws -> (keep: [Bool], report: StageReport, checker: Checker) {
        let checker = try Checker(definition: definition, context: context)
        prepare(checker)
        let rows = batch(rows)
        let keep = checker.check(rows)
        // No desensitization here: the kept rows are what would be released.
        let released = ReleasedProfile(schema: definition.schema)
        released.add(keep.contains(false) ? rows.filtered(keep) : rows)
        let report = checker.finish(released: released)
        return (keep, report, checker)
    }

    static func reportJSON(_ report: StageReport) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: report.files["quality-report.json"] ?? Data()) as? [String: Any]) ?? [:]
    }

    /// The rule lines of the JSON report with the given type (and field).
    static func rules(_ report: StageReport, type: String, field: String? = nil) -> [[String: Any]] {
        (reportJSON(report)["rules"] as? [[String: Any]] ?? []).filter {
            $0["type"] as? String == type && (field == nil || $0["field"] as? String == field)
        }
    }

    static func failed(_ report: StageReport, type: String, field: String? = nil) -> Int {
        rules(report, type: type, field: field).reduce(0) { $0 + ($1["failed"] as? Int ?? 0) }
    }

    static func checked(_ report: StageReport, type: String, field: String? = nil) -> Int {
        rules(report, type: type, field: field).reduce(0) { $0 + ($1["rows_checked"] as? Int ?? 0) }
    }

    /// A valid 18-digit citizen ID for a region, birth date (YYYYMMDD) and sequence (3 digits).
    static func citizenID(region: String = "110105", birth: String, sequence: String) -> String {
        let first17 = region + birth + sequence
        return first17 + String(Checksums.gb11643CheckCharacter(first17)!)
    }

    static func uscc(_ first17: String) -> String { first17 + String(Checksums.gb32100CheckCharacter(first17)!) }

    static let gb2260Directory = URL(fileURLWithPath: "/work/shared/reference/gb2260")

    static func gb2260(history: Bool = true) throws -> CodeTable {
        try CodeTable.load(name: "gb2260", path: gb2260Directory.appendingPathComponent("2024.txt"),
                           history: history ? gb2260Directory.appendingPathComponent("history.csv") : nil)
    }
}

extension Checker {
    /// Finishes a checker whose tests look at rules only, with an empty released profile.
    func finishRules() -> StageReport { finish(released: ReleasedProfile(schema: definition.schema)) }
}

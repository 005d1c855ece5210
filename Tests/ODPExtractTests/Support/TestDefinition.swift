import Foundation
import ODPCore
@testable import ODPExtract

/// Builds real definitions from YAML (the format departments write) in a fresh temp folder.
struct Workspace {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("odp-extract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func url(_ name: String) -> URL { dir.appendingPathComponent(name) }

    func write(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: url(name)) }
    func write(_ name: String, bytes: [UInt8]) throws { try Data(bytes).write(to: url(name)) }

    /// A definition whose `source:` block is `source` (YAML lines, indented by two) and whose
    /// fields are `fields` (YAML flow mappings).
    func definition(source: String, fields: [String], primaryKey: [String] = [], id: String = "test-data") throws -> DatasetDefinition {
        var yaml = """
        id: \(id)
        catalog:
          title: 测试数据
          code: 350100-TEST-00001
          provider: 测试局
          provider_code: 11350100003592010K
          summary: 测试用数据。
          domain: 测试
          open_type: 无条件开放
          update_cycle: 每月
          license: CC-BY-4.0
        source:

        """
        yaml += source.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        if !primaryKey.isEmpty { yaml += "primary_key: [\(primaryKey.joined(separator: ", "))]\n" }
        yaml += "fields:\n" + fields.map { "  - " + $0 }.joined(separator: "\n") + "\n"
        let (definition, diagnostics) = DatasetDefinition.parse(yaml: yaml, file: url("test.yml").path)
        let errors = diagnostics.filter { $0.severity == .error }
        guard let definition, errors.isEmpty else {
            throw ODPError.definition(errors.isEmpty ? [Diagnostic(SourceLocation(file: "test.yml"), "no definition")] : errors)
        }
        return definition
    }
}

/// Everything a source yields, as plain values for comparisons.
struct Extracted {
    var rows: [[String?]] = []
    var sourceRows: [Int] = []
    var problems: [RowProblem] = []
    var watermark: String?
    var deletedKeys: [[String]] = []

    init(_ source: RowSource, batch: Int = 1000) throws {
        defer { source.close() }
        while let b = try source.next(maxRows: batch) {
            for r in 0..<b.rowCount {
                rows.append((0..<b.columnCount).map { b.string(r, $0) })
                sourceRows.append(b.sourceRows[r])
            }
        }
        problems = source.problems
        watermark = source.watermark
        deletedKeys = source.deletedKeys
    }
}

extension String {
    /// Encodes with glibc iconv, as a department's export tool would.
    func encoded(as encoding: String) -> [UInt8] {
        let cd = iconv_open(encoding, "UTF-8")!
        defer { iconv_close(cd) }
        var input = Array(utf8)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        let written = input.withUnsafeMutableBytes { ib in
            output.withUnsafeMutableBytes { ob in
                var ip: UnsafeMutablePointer<CChar>? = ib.baseAddress?.assumingMemoryBound(to: CChar.self)
                var il = ib.count
                var op: UnsafeMutablePointer<CChar>? = ob.baseAddress?.assumingMemoryBound(to: CChar.self)
                var ol = ob.count
                precondition(iconv(cd, &ip, &il, &op, &ol) != -1, "iconv failed")
                return ob.count - ol
            }
        }
        return Array(output[0..<written])
    }
}

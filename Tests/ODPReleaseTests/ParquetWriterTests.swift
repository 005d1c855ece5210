import Foundation
import ODPCore
import Testing
@testable import ODPRelease

@Suite("Parquet release file")
struct ParquetWriterTests {
    static let schema = Schema([
        FieldDefinition(name: "id", title: "编号", type: .integer),
        FieldDefinition(name: "name", title: "名称", type: .string),
        FieldDefinition(name: "capital", title: "注册资本", type: .number, scale: 2),
        FieldDefinition(name: "ratio", title: "比例", type: .number),
        FieldDefinition(name: "founded", title: "成立日期", type: .date, format: "YYYYMMDD"),
        FieldDefinition(name: "active", title: "是否存续", type: .boolean),
        FieldDefinition(name: "updated", title: "更新时间", type: .datetime),
        FieldDefinition(name: "seen", title: "登记时间", type: .datetime, timeZone: 8 * 3600),
        FieldDefinition(name: "year", title: "年度", type: .year),
        FieldDefinition(name: "district", title: "区划", type: .code),
    ])

    static let kinds = [("id", "integer"), ("name", "string"), ("capital", "decimal"), ("ratio", "double"), ("founded", "date"),
                        ("active", "boolean"), ("updated", "timestamp"), ("seen", "timestamp"), ("year", "string"), ("district", "string")]

    /// Rows with every type, nulls in every column, repeats (dictionary, RLE runs) and awkward text.
    static func rows(_ count: Int) -> [[String?]] {
        let names = ["甲公司", "=HYPERLINK(\"x\")", "乙, \"丙\" 公司", "", "line\nbreak", "-5", "Ω 公司"]
        return (0..<count).map { i -> [String?] in
            let n = i % 11 == 3
            return [
                String(i - 5),
                n ? nil : names[i % names.count],
                i % 13 == 4 ? nil : String(format: "%d.%02d", (i * 37) % 100_000 - 500, i % 100),
                i % 17 == 5 ? nil : ["2.5", "-0.004", "1e3", "0.1", "123456789.125"][i % 5],
                i % 7 == 6 ? nil : String(format: "%04d%02d%02d", 1990 + i % 40, 1 + i % 12, 1 + i % 28),
                i % 5 == 2 ? nil : ["是", "否", "1", "0", "true"][i % 5],
                i % 9 == 1 ? nil : String(format: "20%02d-%02d-%02dT%02d:%02d:%02d%@", i % 30, 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60,
                                          i % 4 == 0 ? ".123456" : ""),
                i % 10 == 7 ? nil : String(format: "2024-03-%02dT%02d:15:00%@", 1 + i % 28, i % 24, ["Z", "+08:00", "", "-05:30"][i % 4]),
                String(2000 + i % 25),
                i < count / 2 ? "440300" : "440100",
            ]
        }
    }

    func release(rows: [[String?]], root: URL, formats: [DatasetDefinition.DataFormat] = [.csv, .parquet]) throws -> ReleaseOutcome {
        let definition = Fixture.definition(schema: Self.schema, formats: formats)
        return try Fixture.release(root: root, rows: rows, definition: definition)
    }

    @Test("pyarrow, DuckDB and polars read back every value of a [csv, parquet] release as the CSV has it, with logical types and statistics")
    func readBack() throws {
        let outcome = try release(rows: Self.rows(3000), root: Fixture.temporaryDirectory())
        let dir = outcome.directory
        let parquet = dir.appendingPathComponent("data/enterprises.parquet")
        let bytes = try Data(contentsOf: parquet)
        #expect(bytes.prefix(4) == Data("PAR1".utf8) && bytes.suffix(4) == Data("PAR1".utf8))
        guard let report = try ParquetReaders.check(parquet: parquet, csv: dir.appendingPathComponent("data/enterprises.csv"), kinds: Self.kinds) else { return }
        for reader in ["pyarrow", "duckdb", "polars"] {
            let r = try #require(report.readers[reader])
            #expect(r.rows == 3000, "\(reader)")
            #expect(r.mismatches.isEmpty, "\(reader): \(r.mismatches)")
        }
        let types = report.columns.mapValues { $0[0].type }
        #expect(types == ["id": "int64", "name": "string", "capital": "decimal128(18, 2)", "ratio": "double", "founded": "date32[day]",
                          "active": "bool", "updated": "timestamp[us]", "seen": "timestamp[us, tz=UTC]", "year": "string", "district": "string"])
        // Low-cardinality columns are dictionary-encoded; every chunk has statistics.
        #expect(report.columns["district"]?[0].encodings.contains("RLE_DICTIONARY") == true)
        #expect(report.columns["id"]?[0].min == "-5" && report.columns["id"]?[0].max == "2994")
        #expect(report.columns["district"]?[0].min == "440100" && report.columns["district"]?[0].max == "440300")
        #expect(report.columns["name"]?[0].nulls == 3000 / 11 + 1)
        #expect(report.createdBy == ParquetWriter.createdBy)
    }

    @Test("the Parquet file is in SHA256SUMS, release.json, datapackage.json (format and media type), the zip and the README")
    func listedEverywhere() throws {
        let outcome = try release(rows: Self.rows(50), root: Fixture.temporaryDirectory())
        let dir = outcome.directory
        let path = "data/enterprises.parquet"
        let sums = try SHA256Sums.parse(Data(contentsOf: dir.appendingPathComponent("SHA256SUMS")), file: "SHA256SUMS")
        let entry = try #require(sums.entries.first { $0.path == path })
        #expect(entry.sha256 == SHA256Hex.of(try Data(contentsOf: dir.appendingPathComponent(path))))
        let package = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("datapackage.json"))) as? [String: Any])
        let resources = try #require(package["resources"] as? [[String: Any]])
        let resource = try #require(resources.first { $0["path"] as? String == path })
        #expect(resource["format"] as? String == "parquet" && resource["mediatype"] as? String == "application/vnd.apache.parquet")
        #expect(resource["name"] as? String == "enterprises-parquet" && resource["schema"] != nil)
        #expect(resources.map { $0["path"] as? String } == ["data/enterprises.csv", path])
        let metadata = try #require(try ReleaseMetadata.read(release: dir))
        #expect(metadata.dataFiles.map(\.path) == ["data/enterprises.csv", path])
        let zip = try ZipReader(url: try #require(outcome.zip))
        #expect(zip.entries.contains { $0.name == "enterprises-\(outcome.version)/\(path)" })
        let verified = try ReleaseVerifier.verify(path: try #require(outcome.zip))
        #expect(verified.isValid, "\(verified.failures)")
        let readme = Fixture.read(dir.appendingPathComponent("README.md"))
        #expect(readme.contains("`data/enterprises.parquet`：Apache Parquet") && readme.contains("Parquet 文件保留原值"))

        // frictionless (with its Parquet plugin, fastparquet) checks every resource against the Table Schema.
        guard let frictionless = ParquetReaders.tool("frictionless") else { ParquetReaders.missing(); return }
        let result = try #require(try Fixture.run(frictionless, ["validate", "--json", "datapackage.json"], in: dir))
        #expect(result.status == 0 && result.output.contains("\"valid\": true"), "\(result.output)")
        #expect(result.output.contains("data/enterprises.parquet"))
    }

    @Test("the same rows give a byte-identical Parquet file")
    func deterministic() throws {
        let a = try release(rows: Self.rows(500), root: Fixture.temporaryDirectory())
        let b = try release(rows: Self.rows(500), root: Fixture.temporaryDirectory())
        let path = "data/enterprises.parquet"
        #expect(try Data(contentsOf: a.directory.appendingPathComponent(path)) == Data(contentsOf: b.directory.appendingPathComponent(path)))
    }

    @Test("row groups bound memory, and a chunk whose dictionary outgrows 1 MiB falls back to PLAIN; every value still reads back")
    func rowGroupsAndFallback() throws {
        let dir = Fixture.temporaryDirectory()
        let schema = Schema([FieldDefinition(name: "id", title: "编号", type: .integer), FieldDefinition(name: "note", title: "备注", type: .string)])
        let url = dir.appendingPathComponent("t.parquet")
        let writer = try ParquetWriter(schema: schema, url: url, rowGroupBytes: 2 << 20)
        var csv = "id,note\r\n"
        for chunk in 0..<8 {
            var rows: [[String?]] = []
            for i in (chunk * 5000)..<((chunk + 1) * 5000) {
                // Each 128-byte note three times in a row: not mostly distinct at first (the early
                // PLAIN decision), but about 8,000 of them pass the 1 MiB dictionary limit within a row group.
                let note = String(repeating: String(format: "%08x", (i / 3) &* 2_654_435_761 % 4_294_967_291), count: 16)
                rows.append([String(i), note])
                csv += "\(i),\(note)\r\n"
            }
            try writer.write(Fixture.batch(rows))
        }
        _ = try writer.finish()
        try Data(csv.utf8).write(to: dir.appendingPathComponent("t.csv"))
        guard let report = try ParquetReaders.check(parquet: url, csv: dir.appendingPathComponent("t.csv"), kinds: [("id", "integer"), ("note", "string")]) else { return }
        for (name, r) in report.readers {
            #expect(r.rows == 40_000 && r.mismatches.isEmpty, "\(name): \(r.mismatches)")
        }
        #expect(report.rowGroups > 1)
        let notes = try #require(report.columns["note"])
        // The decision is per chunk: the last row group (15,000 rows, 660 KB of distinct notes) keeps its dictionary.
        #expect(notes.first?.encodings == ["PLAIN", "RLE"] && notes.last?.encodings.contains("RLE_DICTIONARY") == true, "\(notes.map(\.encodings))")
        #expect(report.columns["id"]?.allSatisfy { $0.min != nil && $0.nulls == 0 } == true)
        // Every id is distinct: each chunk is PLAIN from its first 8,192 values on, without a dictionary.
        #expect(report.columns["id"]?.allSatisfy { $0.encodings == ["PLAIN", "RLE"] } == true, "\(report.columns["id"]?.map(\.encodings) ?? [])")
    }

    @Test("a value that does not match its type fails the release with the row and field, and leaves nothing behind")
    func nonConforming() throws {
        let root = Fixture.temporaryDirectory()
        var rows = Self.rows(20)
        rows[12][2] = "约 100 万"
        #expect {
            try release(rows: rows, root: root)
        } throws: { error in
            "\(error)".contains("capital") && "\(error)".contains("14") && "\(error)".contains("Parquet")
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("releases").path)) ?? []
        #expect(left.isEmpty, "\(left)")
        // The same rows without Parquet are released: the CSV carries the value as text.
        #expect(try release(rows: rows, root: Fixture.temporaryDirectory(), formats: [.csv]).rowCount == 20)
    }
}

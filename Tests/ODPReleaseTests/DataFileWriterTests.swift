import Foundation
import ODPCore
import Testing
@testable import ODPRelease

@Suite("Data files")
struct DataFileWriterTests {
    func write(_ rows: [[String?]], schema: Schema = Fixture.schema, bom: Bool = false) throws -> (csv: String, json: String, csvBytes: [UInt8]) {
        let dir = Fixture.temporaryDirectory()
        let w = try DataFileWriter(schema: schema, csvURL: dir.appendingPathComponent("a.csv"), jsonURL: dir.appendingPathComponent("a.json"),
                                   bom: bom, keyColumns: [], fingerprintColumns: nil)
        try w.write(Fixture.batch(rows))
        _ = try w.finish(schemaJSON: [])
        let bytes = Array(FileManager.default.contents(atPath: dir.appendingPathComponent("a.csv").path)!)
        return (Fixture.read(dir.appendingPathComponent("a.csv")), Fixture.read(dir.appendingPathComponent("a.json")), bytes)
    }

    @Test("CSV quotes only cells that need it, doubles quotes and ends lines with CRLF")
    func csvQuoting() throws {
        let out = try write(Fixture.rows)
        let lines = out.csv.components(separatedBy: "\r\n")
        #expect(lines[0] == "id,name,capital,founded,active")
        #expect(lines[1] == "1,甲公司,100.00,2020-01-15,true")
        #expect(lines[3] == "3,\"乙, \"\"丙\"\" 公司\",0.00,2022-06-30,true")
        #expect(lines[4] == "4,,,,")
        #expect(lines.last == "")
        #expect(!out.csv.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test("formula-like text is neutralised with a quote, numbers are not")
    func formulaNeutralisation() throws {
        let schema = Schema([FieldDefinition(name: "t", title: "文本", type: .string), FieldDefinition(name: "n", title: "数", type: .number)])
        let out = try write([["=1+2", "-5"], ["+x", "+3"], ["@a", "1"], ["\tb", "2"], ["-c", "3"], ["a=b", "4"]], schema: schema)
        let lines = out.csv.components(separatedBy: "\r\n")
        #expect(lines[1] == "'=1+2,-5")
        #expect(lines[2] == "'+x,3")
        #expect(lines[3] == "'@a,1")
        #expect(lines[4] == "'\tb,2")
        #expect(lines[5] == "'-c,3")
        #expect(lines[6] == "a=b,4")
        #expect(out.json.contains("{\"t\":\"=1+2\",\"n\":-5}"))
    }

    @Test("a BOM is written only when asked")
    func bom() throws {
        #expect(Array(try write(Fixture.rows, bom: true).csvBytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(Array(try write(Fixture.rows, bom: false).csvBytes.prefix(3)) == Array("id,".utf8))
    }

    @Test("JSON is an array of typed objects, one per line")
    func jsonTyping() throws {
        let out = try write(Fixture.rows)
        let lines = out.json.components(separatedBy: "\n")
        #expect(lines[0] == "[")
        #expect(lines[1] == "{\"id\":1,\"name\":\"甲公司\",\"capital\":100.00,\"founded\":\"2020-01-15\",\"active\":true},")
        #expect(lines[2] == "{\"id\":2,\"name\":\"=HYPERLINK(\\\"x\\\")\",\"capital\":2.50,\"founded\":\"2021-03-01\",\"active\":false},")
        #expect(lines[4] == "{\"id\":4,\"name\":null,\"capital\":null,\"founded\":null,\"active\":null}")
        #expect(lines[5] == "]")
        let parsed = try JSONSerialization.jsonObject(with: Data(out.json.utf8)) as! [[String: Any]]
        #expect(parsed.count == 4)
        #expect(parsed[2]["name"] as? String == "乙, \"丙\" 公司")
        #expect((parsed[0]["id"] as? NSNumber)?.intValue == 1)
    }

    @Test("an empty table is a valid empty JSON array and a header-only CSV")
    func emptyTable() throws {
        let out = try write([])
        #expect(out.json == "[\n]\n")
        #expect(out.csv == "id,name,capital,founded,active\r\n")
    }

    @Test("decimals follow the declared scale exactly, and bad values pass through as written")
    func decimals() throws {
        let schema = Schema([FieldDefinition(name: "a", title: "a", type: .number, scale: 2), FieldDefinition(name: "b", title: "b", type: .number),
                             FieldDefinition(name: "c", title: "c", type: .integer)])
        let out = try write([["1.005", "1.50", "007"], ["1,234.5", "-0.0", "+12"], ["1.5E3", "0012.3400", "-0"], ["abc", "x1", "1e"]], schema: schema)
        let lines = out.csv.components(separatedBy: "\r\n")
        #expect(lines[1] == "1.01,1.5,7")
        #expect(lines[2] == "1234.50,0,12")
        #expect(lines[3] == "1500.00,12.34,0")
        #expect(lines[4] == "abc,x1,1e")
        #expect(out.json.contains("{\"a\":\"abc\",\"b\":\"x1\",\"c\":\"1e\"}"))
    }

    @Test("the number fast path writes exactly what DecimalText.normalize writes")
    func fastPathAgreesWithDecimalText() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789.-".utf8)
        for _ in 0..<20_000 {
            let length = Int.random(in: 1...8, using: &generator)
            let text = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            for scale in [nil, 0, 1, 2, 4] as [Int?] {
                var slow: [UInt8] = []
                let ok = text.withUnsafeBufferPointer { DecimalText.normalize($0, scale: scale, into: &slow) }
                var out = [UInt8](repeating: 0, count: 32)
                let fast = text.withUnsafeBufferPointer { t in out.withUnsafeMutableBufferPointer { CellText.normalizeNumber(t.baseAddress!, t.count, scale: scale, into: $0.baseAddress!) } }
                if let fast {
                    #expect(ok && Array(out[0..<fast]) == slow, "\(String(decoding: text, as: UTF8.self)) scale \(String(describing: scale))")
                }
            }
        }
    }

    @Test("dates and datetimes are parsed with the field's format and written ISO 8601")
    func dates() throws {
        let schema = Schema([FieldDefinition(name: "d", title: "d", type: .date, format: "YYYY/M/D"),
                             FieldDefinition(name: "t", title: "t", type: .datetime),
                             FieldDefinition(name: "i", title: "i", type: .date)])
        let out = try write([["2024/3/7", "2024-03-07 08:09:10", "2024-02-29"], ["2024/13/1", "2024-03-07T08:09:10", "2023-02-29"]], schema: schema)
        let lines = out.csv.components(separatedBy: "\r\n")
        #expect(lines[1] == "2024-03-07,2024-03-07T08:09:10,2024-02-29")
        #expect(lines[2] == "2024/13/1,2024-03-07T08:09:10,2023-02-29")
    }

    @Test("without JSON the writer creates no JSON file and writes the same CSV bytes and fingerprints")
    func csvOnly() throws {
        let schema = Schema(Fixture.schema.fields + [FieldDefinition(name: "t", title: "时间", type: .datetime),
                                                     FieldDefinition(name: "m", title: "年月", type: .yearmonth)])
        // Every cell kind, nulls, quoting, formula text, a rejected date and an exponent that
        // outgrows the row's reservation; over several batches so the buffers refill.
        var rows = Fixture.rows.map { $0 + ["2024-03-07 08:09:10", "2024-03"] }
        rows.append(["5", "\"a\"\r\nb", "1E300", "2024-13-01", "maybe", "bad", nil])
        let batches = Array(repeating: rows, count: 50)
        func run(json: Bool) throws -> (dir: URL, writer: DataFileWriter, digests: (csv: [UInt8], json: [UInt8]?, hash: String)) {
            let dir = Fixture.temporaryDirectory()
            let spool = dir.appendingPathComponent("spool")
            try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
            let w = try DataFileWriter(schema: schema, csvURL: dir.appendingPathComponent("a.csv"),
                                       jsonURL: json ? dir.appendingPathComponent("a.json") : nil, bom: true, keyColumns: [0],
                                       fingerprintColumns: Array(schema.fields.indices), spoolDirectory: spool)
            for batch in batches { try w.write(Fixture.batch(batch)) }
            let d = try w.finish(schemaJSON: Array("[]".utf8))
            let streams = try w.deflated()
            #expect(streams.csv != nil)
            #expect((streams.json != nil) == json)
            return (dir, w, (d.csv.sha256, d.json?.sha256, d.contentHash))
        }
        let both = try run(json: true), csvOnly = try run(json: false)
        let files = try FileManager.default.contentsOfDirectory(atPath: csvOnly.dir.path).sorted()
        #expect(files == ["a.csv", "spool"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: csvOnly.dir.appendingPathComponent("spool").path) == ["a.csv.deflate"])
        #expect(FileManager.default.fileExists(atPath: both.dir.appendingPathComponent("a.json").path))
        #expect(both.digests.json != nil && csvOnly.digests.json == nil)
        let csv = try Data(contentsOf: csvOnly.dir.appendingPathComponent("a.csv"))
        #expect(csv == (try Data(contentsOf: both.dir.appendingPathComponent("a.csv"))))
        #expect(String(decoding: csv, as: UTF8.self).contains("5,\"\"\"a\"\"\r\nb\",1\(String(repeating: "0", count: 300)).00,2024-13-01,maybe,bad,\r\n"))
        #expect(csvOnly.digests.csv == both.digests.csv && csvOnly.digests.hash == both.digests.hash)
        #expect(csvOnly.writer.rowCount == 250)
        func pairs(_ w: DataFileWriter) throws -> [FingerprintRuns.Pair] {
            let merge = try #require(w.fingerprints).sorted()
            var out: [FingerprintRuns.Pair] = []
            while let p = try merge.next() { out.append(p) }
            return out
        }
        let fingerprints = try pairs(csvOnly.writer), withJSON = try pairs(both.writer)
        #expect(fingerprints.count == 250 && fingerprints == withJSON)
    }

    @Test("booleans accept 是/否, 1/0 and Y/N")
    func booleans() throws {
        let schema = Schema([FieldDefinition(name: "b", title: "b", type: .boolean)])
        let out = try write([["是"], ["否"], ["1"], ["0"], ["Y"], ["n"], ["TRUE"], ["maybe"]], schema: schema)
        #expect(out.csv == "b\r\ntrue\r\nfalse\r\ntrue\r\nfalse\r\ntrue\r\nfalse\r\ntrue\r\nmaybe\r\n")
    }
}

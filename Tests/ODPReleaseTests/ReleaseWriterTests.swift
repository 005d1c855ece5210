import Foundation
import ODPCore
import Testing
@testable import ODPRelease

@Suite("Release writer")
struct ReleaseWriterTests {
    @Test("a release has every file, a dated version and latest.json pointing at it")
    func layout() throws {
        let root = Fixture.temporaryDirectory()
        let outcome = try Fixture.release(root: root)
        #expect(outcome.kind == .created("2025.11.23.1"))
        let dir = root.appendingPathComponent("releases/enterprises/2025.11.23.1")
        #expect(outcome.directory.path == dir.path)
        #expect(try ReleaseFiles.list(dir) == ["CITATION.cff", "README.md", "SHA256SUMS", "data/enterprises.csv", "data/enterprises.json", "datacite.json",
                                               "datapackage.json", "privacy-report.json", "provenance.json", "quality-report.html", "quality-report.json", "release.json"])
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("packages/enterprises-2025.11.23.1.zip").path))
        #expect(try ReleaseReader.latest(datasetId: "enterprises", root: root)?.version == "2025.11.23.1")
        #expect(outcome.rowCount == 4)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("releases/enterprises").path)
        #expect(leftovers.sorted() == ["2025.11.23.1", "latest.json"])
        let release = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("release.json"))) as! [String: Any]
        #expect(release["status"] as? String == "released")
        #expect(release["created"] as? String == "2025-11-23T12:13:20Z")
        #expect(release["content_hash"] as? String == outcome.contentHash)
        let readme = Fixture.read(dir.appendingPathComponent("README.md"))
        #expect(readme.contains("| 字段名 | 中文名称 | 类型 | 单位 | 说明 | 脱敏方式 |"))
        #expect(readme.contains("| name | 名称 | 文本 |  | 企业名称 | 保留 |"))
        #expect(readme.contains("| capital | 注册资本 | 数值（2 位小数） | 万元 |"))
        #expect(readme.contains("## 公式字符处理") && readme.contains("质量评分 98 分") && readme.contains("首次发布"))
    }

    @Test("the same input twice gives byte-identical data files, zip and content hash")
    func determinism() throws {
        let a = Fixture.temporaryDirectory(), b = Fixture.temporaryDirectory()
        let x = try Fixture.release(root: a), y = try Fixture.release(root: b)
        #expect(x.contentHash == y.contentHash)
        for file in try ReleaseFiles.list(x.directory) {
            #expect(FileManager.default.contents(atPath: x.directory.appendingPathComponent(file).path)
                    == FileManager.default.contents(atPath: y.directory.appendingPathComponent(file).path), "\(file)")
        }
        #expect(try Data(contentsOf: x.zip!) == Data(contentsOf: y.zip!))
        // Another day: only the release time differs, the data and the hash do not.
        let c = Fixture.temporaryDirectory()
        let z = try Fixture.release(root: c, time: Fixture.runTime + 86_400 * 40)
        #expect(z.contentHash == x.contentHash)
        #expect(try Data(contentsOf: z.directory.appendingPathComponent("data/enterprises.csv")) == Data(contentsOf: x.directory.appendingPathComponent("data/enterprises.csv")))
    }

    @Test("unchanged data creates no new version")
    func unchanged() throws {
        let root = Fixture.temporaryDirectory()
        let first = try Fixture.release(root: root)
        let second = try Fixture.release(root: root, time: Fixture.runTime + 3600)
        #expect(second.kind == .unchanged(first.version))
        let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("releases/enterprises").path)
        #expect(names.sorted() == ["2025.11.23.1", "latest.json"])
    }

    @Test("a change gives the next sequence of the day and counts added, removed and changed rows by key")
    func changeLog() throws {
        let root = Fixture.temporaryDirectory()
        _ = try Fixture.release(root: root)
        var rows = Fixture.rows
        rows[0][2] = "101"                              // changed
        rows.remove(at: 3)                              // removed id 4
        rows.append(["5", "丁公司", "1", "20230101", "Y"])  // added
        rows.append(["6", "戊公司", "1", "20230101", "Y"])  // added
        let outcome = try Fixture.release(root: root, rows: rows, time: Fixture.runTime + 60)
        #expect(outcome.version == "2025.11.23.2")
        let c = try #require(outcome.changes)
        #expect(c.previousVersion == "2025.11.23.1")
        #expect(c.comparedBy == "primary_key")
        #expect(c.added == 2 && c.removed == 1 && c.changed == 1, "\(c)")
        #expect(c.schemaChanges.isEmpty)
        let readme = Fixture.read(outcome.directory.appendingPathComponent("README.md"))
        #expect(readme.contains("新增 2 条，删除 1 条，修改 1 条"))
        let release = Fixture.read(outcome.directory.appendingPathComponent("release.json"))
        #expect(release.contains("\"previous_version\" : \"2025.11.23.1\""))
    }

    @Test("without a primary key rows are compared as a multiset, and schema changes are listed")
    func changeLogWithoutKey() throws {
        let root = Fixture.temporaryDirectory()
        _ = try Fixture.release(root: root, definition: Fixture.definition(primaryKey: []))
        var fields = Fixture.schema.fields
        fields.removeLast()                                                   // active removed
        fields[0].type = .string                                              // id retyped
        fields.append(FieldDefinition(name: "city", title: "城市", type: .string))  // city added
        let def = Fixture.definition(schema: Schema(fields), primaryKey: [])
        let rows: [[String?]] = [["1", "甲公司", "100", "20200115", "深圳"], ["1", "甲公司", "100", "20200115", "深圳"]]
        let outcome = try Fixture.release(root: root, rows: rows, definition: def, time: Fixture.runTime + 60)
        let c = try #require(outcome.changes)
        #expect(c.comparedBy == "row")
        // The first new row equals old row 1 on the shared fields (id still reads "1").
        #expect(c.added == 1 && c.removed == 3 && c.changed == 0, "\(c)")
        #expect(Set(c.schemaChanges.map { "\($0.kind.rawValue):\($0.field)" }) == ["retyped:id", "added:city", "removed:active"])
        let readme = Fixture.read(outcome.directory.appendingPathComponent("README.md"))
        #expect(readme.contains("字段 `id` 类型由整数改为文本") && readme.contains("按整行比对"))
    }

    @Test("a held release goes to the held tree, never where releases are served; latest.json stays on the last good one")
    func heldAndPromote() throws {
        let root = Fixture.temporaryDirectory()
        let good = try Fixture.release(root: root)
        var rows = Fixture.rows
        rows[0][1] = "改名公司"
        let held = try Fixture.release(root: root, rows: rows, time: Fixture.runTime + 60, status: .held(["质量评分低于 80"]))
        #expect(held.status == "held")
        #expect(held.directory.path.hasPrefix(ReleaseReader.heldRoot(root).path + "/"))
        #expect(held.zip?.path.hasPrefix(ReleaseReader.heldRoot(root).path + "/") == true)
        #expect(try ReleaseReader.latest(datasetId: "enterprises", root: root)?.version == good.version)
        #expect(try ReleaseReader.versions(datasetId: "enterprises", root: root).map(\.status) == ["released"])
        #expect(try ReleaseReader.versions(datasetId: "enterprises", root: ReleaseReader.heldRoot(root)).map(\.version) == [held.version])
        #expect(Fixture.read(held.directory.appendingPathComponent("release.json")).contains("质量评分低于 80"))
        // A held version cannot be promoted: it is not in the tree releases are served from.
        #expect(throws: ODPError.self) { try ReleaseWriter.promote(datasetId: "enterprises", version: held.version, root: root) }
        // The same data, now passing, makes a new release instead of reusing the held one.
        let passing = try Fixture.release(root: root, rows: rows, time: Fixture.runTime + 120)
        #expect(!passing.isUnchanged)
        #expect(passing.version != held.version)
        #expect(try ReleaseReader.latest(datasetId: "enterprises", root: root)?.version == passing.version)
        #expect(throws: ODPError.self) { try ReleaseWriter.promote(datasetId: "enterprises", version: "2025.11.23.9", root: root) }
    }

    @Test("a dataset whose first release is held has no folder where releases are served")
    func firstReleaseHeld() throws {
        let root = Fixture.temporaryDirectory()
        let held = try Fixture.release(root: root, status: .held(["质量评分低于 80"]))
        #expect(FileManager.default.fileExists(atPath: held.directory.path))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("releases/enterprises").path))
    }

    @Test("leftover temporary folders of a killed run are removed at the next start")
    func staleTemporaries() throws {
        let root = Fixture.temporaryDirectory()
        let stale = root.appendingPathComponent("releases/enterprises/.tmp-2025.11.23.1-999999")
        try FileManager.default.createDirectory(at: stale.appendingPathComponent("data"), withIntermediateDirectories: true)
        _ = try Fixture.release(root: root)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
    }

    @Test("abandon removes the temporary release")
    func abandon() throws {
        let root = Fixture.temporaryDirectory()
        let writer = try ReleaseWriter(definition: Fixture.definition(), schema: Fixture.schema, outputRoot: root, runTime: Fixture.runTime)
        try writer.write(Fixture.batch(Fixture.rows))
        writer.abandon()
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("releases/enterprises").path),
                "a first release that failed leaves no empty dataset folder")
    }

    @Test("the release CSV reads back into batches in schema order")
    func readBack() throws {
        let root = Fixture.temporaryDirectory()
        let outcome = try Fixture.release(root: root)
        var rows: [[String?]] = []
        try ReleaseReader.readCSV(release: outcome.directory, datasetId: "enterprises", schema: Fixture.schema) { b in
            for r in 0..<b.rowCount { rows.append((0..<b.columnCount).map { b.string(r, $0) }) }
        }
        #expect(rows.count == 4)
        #expect(rows[0] == ["1", "甲公司", "100.00", "2020-01-15", "true"])
        #expect(rows[2][1] == "乙, \"丙\" 公司")
        #expect(rows[1][1] == "'=HYPERLINK(\"x\")")
        #expect(rows[3] == [Optional("4"), nil, nil, nil, nil])
    }

    @Test("datapackage.json passes frictionless validate, with and without the JSON copy")
    func frictionless() throws {
        let root = Fixture.temporaryDirectory()
        for (name, bom, formats) in [("plain", false, DatasetDefinition.DataFormat.defaults), ("bom", true, DatasetDefinition.DataFormat.defaults),
                                     ("csv-only", false, [.csv])] {
            let outcome = try Fixture.release(root: root.appendingPathComponent(name), definition: Fixture.definition(bom: bom, formats: formats))
            guard let result = try Fixture.run("frictionless", ["validate", "--json", "datapackage.json"], in: outcome.directory) else {
                if Fixture.servicesRequired { Issue.record("frictionless is not installed (pip install frictionless)") }
                return
            }
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("\"valid\": true"), "\(result.output)")
        }
    }

    @Test("every field type validates with frictionless, in CSV and JSON")
    func frictionlessAllTypes() throws {
        let schema = Schema([
            FieldDefinition(name: "code", title: "代码", type: .string),
            FieldDefinition(name: "at", title: "时间", type: .datetime, format: "YYYY/M/D hh:mm:ss"),
            FieldDefinition(name: "year", title: "年度", type: .year),
            FieldDefinition(name: "month", title: "年月", type: .yearmonth),
            FieldDefinition(name: "clock", title: "时刻", type: .time),
            FieldDefinition(name: "ratio", title: "比率", type: .number, unit: "%"),
            FieldDefinition(name: "flag", title: "标志", type: .boolean),
        ])
        let rows: [[String?]] = [["-a", "2024/3/7 08:09:10", "2024", "2024-03", "08:09:10", "1.5E1", "N"], ["b\r\nc", nil, nil, nil, nil, nil, nil]]
        let outcome = try Fixture.release(root: Fixture.temporaryDirectory(), rows: rows, definition: Fixture.definition(id: "types", schema: schema, primaryKey: ["code"]))
        #expect(Fixture.read(outcome.directory.appendingPathComponent("data/types.csv")).contains("'-a,2024-03-07T08:09:10,2024,2024-03,08:09:10,15,false"))
        guard let result = try Fixture.run("frictionless", ["validate", "--json", "datapackage.json"], in: outcome.directory) else {
            if Fixture.servicesRequired { Issue.record("frictionless is not installed (pip install frictionless)") }
            return
        }
        #expect(result.status == 0 && result.output.contains("\"valid\": true"), "\(result.output)")
    }

    @Test("a code field is a string whose short code table becomes its enum, checked by frictionless")
    func codeField() throws {
        let sex = CodeTable(name: "sex", current: ["1": "男性", "2": "女性"], history: ["0": [CodeTable.Entry(name: "未知", from: nil, until: 2020)]])
        let regions = CodeTable(name: "gb2260", current: Dictionary(uniqueKeysWithValues: (0..<300).map { (String(110_000 + $0), "区\($0)") }))
        let schema = Schema([
            FieldDefinition(name: "id", title: "编号", type: .integer),
            FieldDefinition(name: "sex", title: "性别", type: .code, codeTable: "sex"),
            FieldDefinition(name: "region", title: "区划", type: .code, codeTable: "gb2260"),
        ])
        let definition = Fixture.definition(id: "codes", schema: schema)
        func release(_ rows: [[String?]]) throws -> (ReleaseOutcome, [[String: Any]]) {
            let outcome = try Fixture.release(root: Fixture.temporaryDirectory(), rows: rows, definition: definition,
                                              codeTables: ["sex": sex, "gb2260": regions])
            let package = try JSONSerialization.jsonObject(with: Data(contentsOf: outcome.directory.appendingPathComponent("datapackage.json"))) as! [String: Any]
            let resource = (package["resources"] as! [[String: Any]])[0]
            return (outcome, (resource["schema"] as! [String: Any])["fields"] as! [[String: Any]])
        }
        let (good, fields) = try release([["1", "1", "110001"], ["2", "0", "110299"], ["3", nil, nil]])
        #expect(fields[1]["type"] as? String == "string" && fields[1]["format"] == nil)
        #expect((fields[1]["constraints"] as? [String: Any])?["enum"] as? [String] == ["0", "1", "2"])
        #expect(fields[2]["type"] as? String == "string")
        #expect(fields[2]["constraints"] == nil, "300 codes exceed the enum limit")
        #expect(fields[2]["description"] as? String == "区划（代码表：gb2260）")
        #expect(Fixture.read(good.directory.appendingPathComponent("README.md")).contains("| sex | 性别 | 代码（代码表 sex） |"))
        let (bad, _) = try release([["1", "3", "110001"]])
        for (outcome, valid) in [(good, true), (bad, false)] {
            guard let result = try Fixture.run("frictionless", ["validate", "--json", "datapackage.json"], in: outcome.directory) else {
                if Fixture.servicesRequired { Issue.record("frictionless is not installed (pip install frictionless)") }
                return
            }
            #expect(result.output.contains("\"valid\": \(valid)"), "\(result.output)")
            if !valid { #expect(result.output.contains("constraint-error")) }
        }
    }
}

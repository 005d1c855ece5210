import Foundation
import ODPCore
import Testing
@testable import ODPExtract

@Suite("Incremental extraction from files")
struct IncrementalTests {
    static let fields = [
        "{name: id, title: 编号, type: integer, class: public}",
        "{name: name, title: 名称, type: string, class: public}",
        "{name: version, title: 版本, type: integer, class: public}",
    ]

    func open(_ w: Workspace, since: String?, deleted: Bool = true, kind: String = "csv", file: String = "d.csv") throws -> Extracted {
        let flag = deleted ? ", deleted_flag: 删除标记" : ""
        let definition = try w.definition(source: "type: \(kind)\npath: \(file)\nincremental: {watermark: version\(flag)}",
                                          fields: Self.fields, primaryKey: ["id"])
        return try Extracted(try Extractor.open(definition, since: since, environment: [:]))
    }

    @Test("integer watermarks compare as numbers: 10 is after 9")
    func numeric() throws {
        let w = try Workspace()
        try w.write("d.csv", "编号,名称,版本\n1,a,9\n2,b,10\n3,c,8\n4,d,\n")
        let got = try open(w, since: "9", deleted: false)
        #expect(got.rows == [["2", "b", "10"]])
        #expect(got.watermark == "10")
        #expect(try open(w, since: nil, deleted: false).rows.count == 4)
    }

    @Test("text watermarks (ISO timestamps) compare as text")
    func textual() {
        #expect(Watermark.compare("2024-03-01T10:00:00", "2024-03-01T09:59:59") > 0)
        #expect(Watermark.compare("2024-03-01", "2024-03-01") == 0)
        #expect(Watermark.compare("-5", "3") < 0)
        #expect(Watermark.compare("007", "7") == 0)
        #expect(Watermark.compare("10", "9a") < 0)
    }

    @Test("rows flagged deleted are left out and their keys reported")
    func deletions() throws {
        let w = try Workspace()
        try w.write("d.csv", "编号,名称,版本,删除标记\n1,a,5,0\n2,b,6,是\n3,c,7,Y\n4,d,8,\n5,e,9,true\n")
        let got = try open(w, since: "5")
        #expect(got.rows == [["4", "d", "8"]])
        #expect(got.deletedKeys == [["2"], ["3"], ["5"]])
        #expect(got.watermark == "9")
    }

    @Test("NDJSON filters the same way; the flag is a key outside the fields, present only where set")
    func json() throws {
        let w = try Workspace()
        try w.write("d.ndjson", """
        {"id": 1, "name": "a", "version": 3}
        {"id": 2, "name": "b", "version": 4, "删除标记": true}
        {"id": 3, "name": "c", "version": 5}

        """)
        let got = try open(w, since: "3", kind: "ndjson", file: "d.ndjson")
        #expect(got.rows == [["3", "c", "5"]])
        #expect(got.deletedKeys == [["2"]])
    }

    @Test("a deleted_flag column that does not exist is an error naming it")
    func missingFlag() throws {
        let w = try Workspace()
        try w.write("d.csv", "编号,名称,版本\n1,a,9\n")
        #expect { _ = try open(w, since: nil) } throws: { "\($0)".contains("deleted_flag column `删除标记` not found") }
    }
}

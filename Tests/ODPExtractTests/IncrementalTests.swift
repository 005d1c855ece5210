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

    func open(_ w: Workspace, since: String?, deleted: Bool = true, kind: String = "csv", file: String = "d.csv",
              options: String = ", lookback: 0") throws -> Extracted {
        let flag = deleted ? ", deleted_flag: 删除标记" : ""
        let definition = try w.definition(source: "type: \(kind)\npath: \(file)\nincremental: {watermark: version\(flag)\(options)}",
                                          fields: Self.fields, primaryKey: ["id"])
        return try Extracted(try Extractor.open(definition, since: since, environment: [:]))
    }

    @Test("integer watermarks compare as numbers: 10 is after 9")
    func numeric() throws {
        let w = try Workspace()
        try w.write("d.csv", "编号,名称,版本\n1,a,9\n2,b,10\n3,c,8\n4,d,\n")
        // The bound is included, and an empty watermark reads as changed (`null_watermark: changed`).
        let got = try open(w, since: "9", deleted: false)
        #expect(got.rows == [["1", "a", "9"], ["2", "b", "10"], ["4", "d", nil]])
        #expect(got.watermark == "10")
        #expect(try open(w, since: nil, deleted: false).rows.count == 4)
        // `lookback: 2` on a numeric watermark starts two versions earlier.
        #expect(try open(w, since: "10", deleted: false, options: ", lookback: 2").rows.map { $0[0] } == ["1", "2", "3", "4"])
    }

    @Test("other text watermarks compare as text, integers as numbers")
    func textual() {
        #expect(Watermark.compare("2024-03-01T10:00:00", "2024-03-01T09:59:59") > 0)
        #expect(Watermark.compare("2024-03-01", "2024-03-01") == 0)
        #expect(Watermark.compare("-5", "3") < 0)
        #expect(Watermark.compare("007", "7") == 0)
        #expect(Watermark.compare("10", "9a") < 0)
    }

    @Test("date-times order as moments: an offset, T or a space, fractions and Z cannot make a later row look earlier")
    func moments() {
        #expect(Watermark.compare("2026-05-01T05:00:00Z", "2026-05-01T10:00:00+08:00") > 0)  // 13:00 +08 is after 10:00 +08
        #expect(Watermark.compare("2026-05-01 10:00:00+08", "2026-05-01T02:00:00Z") == 0)
        #expect(Watermark.compare("2026-05-01 10:00:00", "2026-05-01T09:30:00") > 0)  // bytewise ' ' < 'T'
        #expect(Watermark.compare("2026-05-01T10:00:00.5Z", "2026-05-01T10:00:00Z") > 0)  // bytewise '.' < 'Z'
        // Without an offset a value is on the field's time_zone; with no zone at all, wall times compare.
        #expect(Watermark.compare("2026-05-01 10:30:00", "2026-05-01T02:00:00Z", zone: 8 * 3600) > 0)
        #expect(Watermark.compare("2026-05-01 09:30:00", "2026-05-01T02:00:00Z", zone: 8 * 3600) < 0)
        #expect(Watermark.compare("2026-05-01 09:30:00", "2026-05-01T02:00:00Z") > 0)
    }

    @Test("a future or infinite stamp never becomes the stored watermark, and its row is still read")
    func futureStamps() throws {
        let w = try Workspace()
        let fields = ["{name: id, title: 编号, type: integer, class: public}", "{name: name, title: 名称, type: string, class: public}",
                      "{name: updated_at, title: 更新时间, type: datetime, time_zone: \"+08:00\", class: public}"]
        let definition = try w.definition(source: "type: csv\npath: t.csv\nincremental: {watermark: updated_at, lookback: 30m}",
                                          fields: fields, primaryKey: ["id"])
        try w.write("t.csv", "编号,名称,更新时间\n1,a,2026-05-01T10:00:00+08:00\n2,b,2026-05-01T03:00:00Z\n3,c,2099-01-01 00:00:00\n4,d,infinity\n")
        let first = try Extracted(try Extractor.open(definition, since: nil, environment: [:]))
        #expect(first.rows.count == 4)
        // 03:00Z is 11:00 +08, the latest moment not after now; as text `infinity` and `2099` sort last.
        #expect(first.watermark == "2026-05-01T03:00:00Z")
        try w.write("t.csv", "编号,名称,更新时间\n1,a,2026-05-01T10:00:00+08:00\n2,b,2026-05-01T03:00:00Z\n3,c,2099-01-01 00:00:00\n4,d,infinity\n"
                    + "5,e,2026-05-01T05:00:00Z\n")
        // The window starts at 02:30Z (10:30 +08): row 1 is before it, the rest are read.
        let next = try Extracted(try Extractor.open(definition, since: first.watermark, environment: [:]))
        #expect(next.rows.map { $0[0] } == ["2", "3", "4", "5"])
        #expect(next.watermark == "2026-05-01T05:00:00Z")
        #expect(Extractor.later(next.watermark, first.watermark, in: definition) == "2026-05-01T05:00:00Z")
    }

    @Test("rows flagged deleted are left out and their keys reported")
    func deletions() throws {
        let w = try Workspace()
        try w.write("d.csv", "编号,名称,版本,删除标记\n1,a,5,0\n2,b,6,是\n3,c,7,Y\n4,d,8,\n5,e,9,true\n")
        let got = try open(w, since: "5")
        #expect(got.rows == [["1", "a", "5"], ["4", "d", "8"]])
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
        #expect(got.rows == [["1", "a", "3"], ["3", "c", "5"]])
        #expect(got.deletedKeys == [["2"]])
    }

    @Test("null_watermark: reject lists the row for the department; fail stops the dataset naming row and field")
    func nullPolicies() throws {
        let w = try Workspace()
        try w.write("d.csv", "编号,名称,版本\n1,a,9\n2,b,\n3,c,11\n")
        let rejected = try open(w, since: "9", deleted: false, options: ", lookback: 0, null_watermark: reject")
        #expect(rejected.rows.map { $0[0] } == ["1", "3"])
        #expect(rejected.problems.map(\.rule) == ["null_watermark"])
        #expect(rejected.problems.first?.sourceRow == 3 && rejected.problems.first?.field == "version")
        #expect { _ = try open(w, since: nil, deleted: false, options: ", null_watermark: fail") } throws: {
            "\($0)".contains("d.csv") && "\($0)".contains("version") && "\($0)".contains("null_watermark")
        }
    }

    @Test("the read window starts at the watermark less the lookback, written as the source writes it")
    func window() {
        #expect(Watermark.windowStart("2026-05-01 10:00:00", lookback: 3600) == "2026-05-01 09:00:00")
        #expect(Watermark.windowStart("2026-05-01T00:30:00.25+08", lookback: 3600) == "2026-04-30T23:30:00.25+08")
        #expect(Watermark.windowStart("2026-03-01 00:00:00+08:00", lookback: 86_400) == "2026-02-28 00:00:00+08:00")
        #expect(Watermark.windowStart("2026-03-01", lookback: 3600) == "2026-02-28")
        #expect(Watermark.windowStart("1000", lookback: 50) == "950")
        #expect(Watermark.windowStart("v17", lookback: 50) == "v17")
        #expect(Watermark.windowStart("2026-05-01 10:00:00", lookback: 0) == "2026-05-01 10:00:00")
    }

    @Test("a deleted_flag column that does not exist is an error naming it")
    func missingFlag() throws {
        let w = try Workspace()
        try w.write("d.csv", "编号,名称,版本\n1,a,9\n")
        #expect { _ = try open(w, since: nil) } throws: { "\($0)".contains("找不到删除标记（deleted_flag）列 `删除标记`") }
    }
}

import Foundation
import ODPCore
import Testing
@testable import ODPExtract

@Suite("JSON and NDJSON sources")
struct JSONSourceTests {
    static let fields = [
        "{name: id, title: 编号, type: integer, class: public}",
        "{name: name, title: 名称, type: string, class: public}",
        "{name: extra, title: 附加, type: string, class: public}",
    ]

    func read(_ text: String, kind: String = "json", batch: Int = 100) throws -> Extracted {
        let w = try Workspace()
        try w.write("d.json", text)
        let definition = try w.definition(source: "type: \(kind)\npath: d.json", fields: Self.fields)
        return try Extracted(try Extractor.open(definition, since: nil, environment: [:]), batch: batch)
    }

    @Test("numbers keep their literal, nested values become compact JSON, booleans and nulls map")
    func values() throws {
        let text = """
        [ {"id": 1.50, "name": "a\\"b\\\\c\\n\\u4e2d\\ud842\\udfb7", "extra": {"k": [1, 2.0, "x y"], "b": true}},
          {"名称": "标题键", "id": -2e3, "extra": null, "ignored": {"deep": [1, {"x": 2}]}},
          {"id": 3, "name": "", "extra": false} ]
        """
        let got = try read(text)
        #expect(got.rows == [
            ["1.50", "a\"b\\c\n中𠮷", "{\"k\":[1,2.0,\"x y\"],\"b\":true}"],
            ["-2e3", "标题键", nil],
            ["3", nil, "false"],
        ])
        #expect(got.sourceRows == [1, 2, 3])
    }

    @Test("NDJSON reads one object per line and skips blank lines")
    func ndjson() throws {
        let got = try read("{\"id\":1,\"name\":\"a\",\"extra\":\"x\"}\r\n\n{\"id\":2,\"name\":\"b\",\"extra\":null}\n", kind: "ndjson")
        #expect(got.rows == [["1", "a", "x"], ["2", "b", nil]])
    }

    @Test("bad JSON is an error naming the file and line")
    func syntaxError() throws {
        #expect {
            _ = try read("[\n{\"id\": 1, \"name\": \"a\", \"extra\": 1},\n{\"id\": 2 \"name\": \"b\"}\n]")
        } throws: { error in "\(error)".contains("d.json:3") }
        #expect {
            _ = try read("{\"id\":1,\"name\":\"a\",\"extra\":1}\n{\"id\":2,\"name\":tru}\n", kind: "ndjson")
        } throws: { error in "\(error)".contains("d.json:2") && "\(error)".contains("tru") }
        #expect {
            _ = try read("{\"id\":1,\"name\":\"a\",\"extra\":1} {\"id\":2}\n", kind: "ndjson")
        } throws: { error in "\(error)".contains("每行应只有一个 JSON 对象") }
    }

    @Test("a key missing from the first record lists the keys it has")
    func missingKey() throws {
        #expect {
            _ = try read("[{\"id\": 1, \"title\": \"x\"}]")
        } throws: { error in
            let text = "\(error)"
            return text.contains("`name`") && text.contains("`extra`") && text.contains("现有的键（available keys）：`id`, `title`")
        }
    }

    @Test("an empty array yields no rows")
    func empty() throws {
        #expect(try read(" [ ] ").rows.isEmpty)
    }

    @Test("large files stream across chunk boundaries")
    func large() throws {
        var text = "["
        var expected: [[String?]] = []
        for i in 0..<60_000 {
            if i > 0 { text += ",\n" }
            text += "{\"id\": \(i), \"name\": \"名称\\u00e9 \(i)\", \"extra\": {\"n\": [\(i), \(i + 1)]}}"
            expected.append(["\(i)", "名称é \(i)", "{\"n\":[\(i),\(i + 1)]}"])
        }
        text += "]"
        let got = try read(text, batch: 777)
        #expect(got.rows == expected)
        #expect(got.sourceRows.last == 60_000)
    }
}

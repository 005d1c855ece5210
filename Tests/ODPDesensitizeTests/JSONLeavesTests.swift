import Foundation
import ODPCore
@testable import ODPDesensitize
import Testing

/// The gate's streaming JSON reader must see exactly what a decoded tree holds, and refuse
/// exactly what the decoder refuses: a leaf it missed would be a value published unscanned.
@Suite("JSON leaves (the gate's streaming reader)")
struct JSONLeavesTests {
    private func leaves(_ json: String) throws -> [String] {
        var out: [String] = []
        try JSONLeaves.walk(Data(json.utf8)) { text, leaf, path in
            out.append("\(path.rendered) \(leaf == .key ? "key" : leaf == .string ? "string" : "number") \(text)")
        }
        return out
    }

    /// The same leaves from the decoded tree, to compare with.
    private func treeLeaves(_ value: ArtifactJSON, path: String = "$", into out: inout [String]) {
        switch value {
        case .object(let object):
            for (key, child) in object {
                out.append("\(path).\(key) key \(key)")
                treeLeaves(child, path: "\(path).\(key)", into: &out)
            }
        case .array(let array):
            for (i, item) in array.enumerated() { treeLeaves(item, path: "\(path)[\(i)]", into: &out) }
        case .string(let s): out.append("\(path) string \(s)")
        case .int(let i): out.append("\(path) number \(i)")
        case .double(let d): out.append("\(path) number \(d == d.rounded() && abs(d) < 1e18 ? String(Int64(d)) : String(d))")
        case .null, .bool: break
        }
    }

    @Test("paths, keys, escapes and numbers in document order")
    func paths() throws {
        let json = #"{"a": {"b": [1, "x\"y", {"c\u00e9": null}], "电话": "138 0013 8000"}, "e": [], "f": {}, "g": [[true], [false, -2.5e3]], "h": 1.38001380e10}"#
        #expect(try leaves(json) == [
            "$.a key a", "$.a.b key b", "$.a.b[0] number 1", "$.a.b[1] string x\"y", "$.a.b[2].cé key cé",
            "$.a.电话 key 电话", "$.a.电话 string 138 0013 8000", "$.e key e", "$.f key f", "$.g key g",
            "$.g[1][1] number -2500", "$.h key h", "$.h number 13800138000",
        ])
    }

    @Test("surrogate pairs and every short escape decode as the decoder decodes them")
    func escapes() throws {
        let json = #"["\ud83d\ude00 \/ \b\f\n\r\t \\ \u4e2d"]"#
        let tree = try JSONDecoder().decode(ArtifactJSON.self, from: Data(json.utf8))
        var expected: [String] = []
        treeLeaves(tree, into: &expected)
        #expect(try leaves(json) == expected)
    }

    @Test("a real catalog-sized document gives the decoded tree's leaves")
    func sameAsTree() throws {
        var items: [String] = []
        for i in 0..<300 {
            items.append(#"{"id": "ds-\#(i)", "n": \#(i * 7919), "v": \#(Double(i) / 8), "tags": ["甲\#(i)", "\u0041"], "x": {"deep": [[["\#(i)"]]]}}"#)
        }
        let json = "{\"@graph\": [" + items.joined(separator: ",\n") + "]}"
        let tree = try JSONDecoder().decode(ArtifactJSON.self, from: Data(json.utf8))
        var expected: [String] = []
        treeLeaves(tree, into: &expected)
        #expect(try leaves(json).sorted() == expected.sorted())
    }

    @Test("what the decoder refuses is refused", arguments: [
        "", "{", "{\"a\" 1}", "[1 2]", "\"open", "[01x]", "-", "1.", "1e", "[tru]",
        "{\"a\":1}}", "[\"tab\there\"]", "[\"\\x\"]", "[\"\\u12\"]", "[\"\\ud800\"]", "{1:2}", "[1]x",
    ])
    func malformed(_ json: String) throws {
        #expect(throws: JSONLeaves.Malformed.self) { try leaves(json) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ArtifactJSON.self, from: Data(json.utf8)) }
    }

    /// Foundation's decoder lets a trailing comma through; RFC 8259 does not, and the files
    /// the gate sees are our own, so one would mean a renderer fault worth holding for.
    @Test("a trailing comma is refused", arguments: ["[1,]", "{\"a\":1,}"])
    func trailingComma(_ json: String) throws {
        #expect(throws: JSONLeaves.Malformed.self) { try leaves(json) }
    }

    @Test("invalid UTF-8 in a string is refused, not repaired")
    func invalidUTF8() throws {
        var bytes = Data("[\"a".utf8)
        bytes.append(contentsOf: [0xC3, 0x28])
        bytes.append(contentsOf: Array("\"]".utf8))
        #expect(throws: JSONLeaves.Malformed.self) { try JSONLeaves.walk(bytes) { _, _, _ in } }
    }

    @Test("ten thousand levels of nesting do not exhaust the stack")
    func deep() throws {
        let json = String(repeating: "[", count: 10_000) + "\"13800138000\"" + String(repeating: "]", count: 10_000)
        var seen = 0
        try JSONLeaves.walk(Data(json.utf8)) { _, _, _ in seen += 1 }
        #expect(seen == 1)
    }
}

import Foundation
import ODPCore
import Testing

@Suite("JSONText: hand-written JSON strings")
struct JSONTextTests {
    @Test("every string, with quotes, backslashes, control characters, CJK and emoji, reads back unchanged through a JSON parser")
    func roundTrip() throws {
        var texts = ["", "plain", "引号\"与反斜杠\\", "line\nbreak\ttab\r", "\u{0}\u{1}\u{1F}\u{7F}", "表情😀/斜杠", "\u{2028}\u{2029}"]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("a\"\\\n\u{0}\u{8}\u{1F} 中文😀".unicodeScalars)
        for _ in 0..<200 {
            texts.append(String(String.UnicodeScalarView((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })))
        }
        for text in texts {
            var out = Array("[".utf8)
            JSONText.append(text, to: &out)
            out.append(UInt8(ascii: "]"))
            let parsed = try JSONSerialization.jsonObject(with: Data(out)) as? [String]
            #expect(parsed == [text], "\(text.debugDescription) → \(String(decoding: out, as: UTF8.self))")
            #expect(JSONText.quoted(text) == Array(out.dropFirst().dropLast()))
        }
    }
}

import ODPCore
import Testing
@testable import ODPCheck

@Suite("Byte pattern matcher")
struct PatternTests {
    func matches(_ pattern: String, _ text: String) throws -> Bool {
        let p = try BytePattern(pattern)
        var text = text
        return text.withUTF8 { p.matches($0) }
    }

    @Test("classes, escapes and counted repeats (fast path)")
    func fixed() throws {
        #expect(try matches("^1[3-9]\\d{9}$", "13912345678"))
        #expect(try !matches("^1[3-9]\\d{9}$", "1391234567"))
        #expect(try !matches("[A-Z]{2}\\d", "AB12"))
        #expect(try matches("[^0-9]x", "ax"))
        #expect(try !matches("[^0-9]x", "1x"))
    }

    @Test("quantifiers backtrack, alternation and groups work")
    func backtracking() throws {
        #expect(try matches("a.*b", "axxbyb"))
        #expect(try !matches("a.*b", "axxbyc"))
        #expect(try matches("(ab|cd)+e?", "abcdab"))
        #expect(try !matches("(ab|cd)+", "abc"))
        #expect(try matches("\\d{3,4}-\\d{7,8}", "010-12345678"))
        #expect(try matches("\\d{3,4}-\\d{7,8}", "0571-1234567"))
        #expect(try !matches("\\d{3,4}-\\d{7,8}", "01-1234567"))
        #expect(try matches("(?:红|绿)色", "绿色"))
        #expect(try matches("..市", "北京市"), "`.` steps over one whole character")
        #expect(try matches("[A-Z]+\\.?", "ABC."))
    }

    @Test("syntax errors carry the offset")
    func errors() {
        for (pattern, offset) in [("[a-z", 0), ("ab)", 2), ("*a", 0), ("a{3,1}", 1), ("(ab", 3), ("[中]", 1)] {
            do {
                _ = try BytePattern(pattern)
                Issue.record("`\(pattern)` should not compile")
            } catch let e as BytePattern.SyntaxError {
                #expect(e.offset == offset, "\(pattern): \(e.message)")
            } catch { Issue.record("\(error)") }
        }
    }
}

@Suite("Expression language")
struct ExpressionTests {
    let schema = Schema([
        FieldDefinition(name: "a", title: "甲", type: .integer),
        FieldDefinition(name: "b", title: "乙", type: .number),
        FieldDefinition(name: "start", title: "起", type: .date),
        FieldDefinition(name: "end", title: "止", type: .date, format: "YYYYMMDD"),
        FieldDefinition(name: "s", title: "状态", type: .string),
    ])

    func eval(_ source: String, _ row: [String?]) throws -> Bool? {
        let compiled = try CompiledExpression(try Expression.parse(source), schema: schema)
        let batch = Fixture.batch([row])
        return batch.withCells { compiled.evaluate(row: 0, cells: $0) }
    }

    @Test("arithmetic, precedence, comparisons and logic")
    func evaluation() throws {
        let row: [String?] = ["3", "4.5", "2024-01-31", "20240302", "注销"]
        #expect(try eval("a + b * 2 == 12", row) == true)
        #expect(try eval("(a + b) * 2 == 15", row) == true)
        #expect(try eval("b / a > 1.4 and not a >= 4", row) == true)
        #expect(try eval("a < 0 or s == '注销'", row) == true)
        #expect(try eval("s != \"注销\"", row) == false)
        #expect(try eval("-a + 3 == 0", row) == true)
    }

    @Test("dates compare across formats and subtract to days")
    func dates() throws {
        let row: [String?] = ["1", "1", "2024-01-31", "20240302", "x"]
        #expect(try eval("end >= start", row) == true)
        #expect(try eval("end - start == 31", row) == true)
        #expect(try eval("start >= '2024-02-01'", row) == false)
    }

    @Test("a null makes comparisons unknown; `== null` tests it")
    func nulls() throws {
        let row: [String?] = [nil, "1", nil, "20240302", ""]
        #expect(try eval("a + b == 1", row) == nil)
        #expect(try eval("a == null", row) == true)
        #expect(try eval("s != null", row) == false)
        #expect(try eval("a > 0 or b == 1", row) == true)
        #expect(try eval("a > 0 and b == 2", row) == false)
        #expect(try eval("a > 0 and b == 1", row) == nil)
    }

    @Test("parser errors name the offset of the problem")
    func parseErrors() {
        for (source, offset, fragment) in [("a >= ", 4, "ends too early"), ("a + * b", 4, "意外的 `*`"),
                                           ("(a > 1", 6, "缺少 `)`"), ("a > 'x", 4, "not closed"),
                                           ("a > 1 b", 6, "意外的 `b`"), ("a # 1", 2, "意外的字符")] {
            do {
                _ = try Expression.parse(source)
                Issue.record("`\(source)` should not parse")
            } catch let e as Expression.SyntaxError {
                #expect(e.offset == offset, "\(source)")
                #expect(e.message.contains(fragment), "\(source): \(e.message)")
            } catch { Issue.record("\(error)") }
        }
        #expect(throws: Expression.SyntaxError.self) { try CompiledExpression(try Expression.parse("zz > 1"), schema: schema) }
    }
}

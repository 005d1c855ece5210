import Foundation
import ODPCore
import Testing
@testable import ODPExtract

@Suite("CSV source")
struct CSVSourceTests {
    static let fields = [
        "{name: code, title: 编码, type: string, class: public}",
        "{name: name, title: 名称, type: string, class: public}",
        "{name: qty, title: 数量, type: integer, class: public}",
    ]

    func read(_ text: String, options: String = "", fields: [String] = fields, batch: Int = 100) throws -> Extracted {
        let w = try Workspace()
        try w.write("d.csv", text)
        return try readFile(w, options: options, fields: fields, batch: batch)
    }

    func readFile(_ w: Workspace, options: String = "", fields: [String] = fields, batch: Int = 100) throws -> Extracted {
        let definition = try w.definition(source: "type: csv\npath: d.csv\n" + options, fields: fields)
        return try Extracted(try Extractor.open(definition, since: nil, environment: [:]), batch: batch)
    }

    @Test("reads quoted cells with doubled quotes, delimiters and line breaks, LF or CRLF")
    func quoting() throws {
        let text = "code,name,qty\r\nA1,\"Smith, \"\"J\"\"\",3\r\nA2,\"two\nlines\",\r\n\"A3\",plain,5"
        let got = try read(text)
        #expect(got.rows == [["A1", "Smith, \"J\"", "3"], ["A2", "two\nlines", nil], ["A3", "plain", "5"]])
        #expect(got.sourceRows == [2, 3, 5])
    }

    @Test("maps Chinese headers by title, ignores extra columns and the BOM, trims header names")
    func headerMapping() throws {
        let got = try read("\u{FEFF} 数量 ,其他,名称,编码\n7,x,苹果,P-1\n", fields: Self.fields)
        #expect(got.rows == [["P-1", "苹果", "7"]])
    }

    @Test("a missing column names the file, the field and the available columns")
    func missingColumn() throws {
        #expect {
            _ = try read("code,title\nA,B\n")
        } throws: { error in
            let text = "\(error)"
            return text.contains("d.csv") && text.contains("`name`") && text.contains("`qty`") && text.contains("`code`, `title`")
        }
    }

    @Test("skips title rows above the header and blank lines")
    func skipRows() throws {
        let got = try read("某某局 2024 年统计表,,\n制表日期：2024-05-01\ncode,name,qty\n\nB,b,1\n\n", options: "skip_rows: 2")
        #expect(got.rows == [["B", "b", "1"]])
        #expect(got.sourceRows == [5])
    }

    @Test("another delimiter and no quoting keeps quotes as text")
    func dialect() throws {
        let got = try read("code\tname\tqty\nA\t\"quoted\"\t1\n", options: "delimiter: \"\\\\t\"\nquote: none")
        #expect(got.rows == [["A", "\"quoted\"", "1"]])
    }

    @Test("header-less files map columns to fields by position")
    func noHeader() throws {
        let got = try read("A,a,1\nB,b,2\n", options: "header: false")
        #expect(got.rows == [["A", "a", "1"], ["B", "b", "2"]])
        #expect(got.sourceRows == [1, 2])
    }

    @Test("a ragged row is rejected with its line and the rest is read")
    func raggedReject() throws {
        let got = try read("code,name,qty\nA,a,1\nB,b\nC,c,3,extra\nD,d,4\n")
        #expect(got.rows.map { $0[0] } == ["A", "D"])
        #expect(got.problems.map(\.rule) == ["ragged_row", "ragged_row"])
        #expect(got.problems.map(\.sourceRow) == [3, 4])
        #expect(got.problems[0].message == "第 3 行有 2 列，应为 3 列")
    }

    @Test("on_error: fail stops at the ragged row with file and line")
    func raggedFail() throws {
        #expect {
            _ = try read("code,name,qty\nA,a,1\nB,b\n", options: "on_error: fail")
        } throws: { error in
            "\(error)".contains("d.csv:3") && "\(error)".contains("应为 3 列")
        }
    }

    @Test("an unclosed quote at the end of the file is reported at the record start")
    func unclosedQuote() throws {
        let got = try read("code,name,qty\nA,a,1\nB,\"never closed,2\nmore\n")
        #expect(got.rows == [["A", "a", "1"]])
        #expect(got.problems.map(\.rule) == ["unclosed_quote"])
        #expect(got.problems.first?.sourceRow == 3)
    }

    @Test("a stray quote 60 rows before the end is one problem that spans the 60 rows it swallowed")
    func unclosedQuoteSpansItsRows() throws {
        var text = "code,name,qty\n"
        for i in 1...100 { text += i == 41 ? "Q\(i),\"stray,\(i)\n" : "Q\(i),n\(i),\(i)\n" }
        let got = try read(text)
        #expect(got.rows.count == 40)
        let problem = try #require(got.problems.first)
        #expect(got.problems.count == 1)
        // Data rows 41…100 are lines 42…101.
        #expect(problem.sourceRow == 42 && problem.lastSourceRow == 101 && problem.rowCount == 60)
        #expect(problem.message.contains("第 42–101 行（共 60 行）"))
    }

    @Test("a quoted field still open after max_quoted_lines lines is cut there, and reading resumes on the next line")
    func runawayQuoteIsCut() throws {
        var text = "code,name,qty\n"
        for i in 1...30 { text += i == 5 ? "Q\(i),\"stray,\(i)\n" : "Q\(i),n\(i),\(i)\n" }
        text += "Z,\"closed\nlater\",9\n"
        let got = try read(text, options: "max_quoted_lines: 10")
        let problem = try #require(got.problems.first)
        #expect(got.problems.map(\.rule) == ["runaway_quote"])
        // Row 5 is line 6; ten lines (6…15) are rejected, line 16 (row 15) is read again.
        #expect(problem.sourceRow == 6 && problem.lastSourceRow == 15 && problem.rowCount == 10)
        #expect(problem.message.contains("超过 10 行") && problem.message.contains("从第 16 行起继续读取"))
        #expect(got.rows.count == 30 - 10 + 1)
        #expect(got.rows.first { $0[0] == "Q15" } != nil && got.rows.first { $0[0] == "Q14" } == nil)
        #expect(got.rows.last == ["Z", "closed\nlater", "9"], "a short multi-line cell stays one cell")

        let defaults = try read(text)
        // Under the default of 100 lines the stray quote closes at Z's cell: lines 6…32 are one
        // ragged record, counted as every line it spans, and the rest of Z's cell is ragged too.
        #expect(defaults.problems.map(\.rule) == ["ragged_row", "ragged_row"])
        #expect(defaults.problems.map(\.rowCount) == [27, 1])
    }

    @Test("max_quoted_lines is validated like the other source options")
    func maxQuotedLinesValidated() throws {
        let w = try Workspace()
        try w.write("d.csv", "code,name,qty\n")
        #expect(throws: (any Error).self) { _ = try w.definition(source: "type: csv\npath: d.csv\nmax_quoted_lines: 0", fields: Self.fields) }
        #expect(throws: (any Error).self) { _ = try w.definition(source: "type: csv\npath: d.csv\nmax_quoted_line: 5", fields: Self.fields) }
    }

    @Test("NUL bytes and invalid UTF-8 are rejected per row")
    func badBytes() throws {
        let w = try Workspace()
        var bytes = Array("code,name,qty\nA,a\u{0}b,1\nB,".utf8)
        bytes += [0xE4, 0xB8]  // a cut-off 中
        bytes += Array(",2\nC,中,3\n".utf8)
        try w.write("d.csv", bytes: bytes)
        let got = try readFile(w)
        #expect(got.rows == [["C", "中", "3"]])
        #expect(got.problems.map(\.rule) == ["nul_byte", "invalid_encoding"])
        #expect(got.problems.map(\.sourceRow) == [2, 3])
    }

    @Test("GB18030 declared: decodes, and a byte that is not GB18030 is rejected at its line")
    func gb18030() throws {
        let w = try Workspace()
        var bytes = "编码,名称,数量\nA,张三,1\n".encoded(as: "GB18030")
        bytes += Array("B,".utf8) + [0x81, 0x20] + Array(",2\n".utf8)  // lead byte without a valid trail
        bytes += "C,𠮷野家,3\n".encoded(as: "GB18030")
        try w.write("d.csv", bytes: bytes)
        let got = try readFile(w, options: "encoding: gb18030")
        #expect(got.rows == [["A", "张三", "1"], ["C", "𠮷野家", "3"]])
        #expect(got.problems.map(\.rule) == ["invalid_encoding"])
        #expect(got.problems.first?.sourceRow == 3)
    }

    @Test("encoding: auto picks UTF-8 or GB18030 and refuses to guess from too little text")
    func autoDetection() throws {
        let w = try Workspace()
        try w.write("d.csv", bytes: "编码,名称,数量\nA,福州市鼓楼区,1\n".encoded(as: "GB18030"))
        #expect(try readFile(w, options: "encoding: auto").rows == [["A", "福州市鼓楼区", "1"]])
        try w.write("d.csv", "编码,名称,数量\nA,福州市鼓楼区,1\n")
        #expect(try readFile(w, options: "encoding: auto").rows == [["A", "福州市鼓楼区", "1"]])
        // "é" in UTF-8 (C3 A9) is also a valid GB18030 pair: one character cannot decide.
        try w.write("d.csv", "code,name,qty\nA,é,1\n")
        #expect {
            _ = try readFile(w, options: "encoding: auto")
        } throws: { error in "\(error)".contains("无法判断文件编码（encoding）") && "\(error)".contains("d.csv") && "\(error)".contains("`encoding: gb18030`") }
    }

    @Test("records and multibyte characters split across chunk boundaries read intact")
    func chunkBoundaries() throws {
        let w = try Workspace()
        var text = "编码,名称,数量\n"
        var expected: [[String?]] = []
        for i in 0..<120_000 {
            let name = i % 7 == 0 ? "多行\n“引号”\"\"内容\(i)" : "福州市第\(i)号"
            let shown = name.replacingOccurrences(of: "\"\"", with: "\"")
            text += i % 7 == 0 ? "C\(i),\"\(name)\",\(i)\n" : "C\(i),\(name),\(i)\r\n"
            expected.append(["C\(i)", shown, "\(i)"])
        }
        try w.write("d.csv", text)
        #expect(try readFile(w, batch: 999).rows == expected)
        try w.write("d.csv", bytes: text.encoded(as: "GB18030"))
        let gb = try readFile(w, options: "encoding: gb18030", batch: 4096)
        #expect(gb.rows == expected)
        #expect(gb.problems.isEmpty)
    }
}

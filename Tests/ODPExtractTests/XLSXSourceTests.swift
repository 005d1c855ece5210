import Foundation
import ODPCore
import Testing
@testable import ODPExtract

@Suite("XLSX source")
struct XLSXSourceTests {
    static let fields = [
        "{name: a, title: 甲, type: string, class: public}",
        "{name: b, title: 乙, type: string, class: public}",
        "{name: c, title: 丙, type: string, class: public}",
    ]

    func read(_ writer: XLSXWriter, options: String = "", fields: [String] = fields) throws -> Extracted {
        let w = try Workspace()
        try w.write("book.xlsx", bytes: writer.data())
        let definition = try w.definition(source: "type: xlsx\npath: book.xlsx\n" + options, fields: fields)
        return try Extracted(try Extractor.open(definition, since: nil, environment: [:]), batch: 3)
    }

    static func header(_ row: Int = 1) -> String {
        "<row r=\"\(row)\"><c r=\"A\(row)\" t=\"inlineStr\"><is><t>甲</t></is></c><c r=\"B\(row)\" t=\"inlineStr\"><is><t>乙</t></is></c><c r=\"C\(row)\" t=\"inlineStr\"><is><t>丙</t></is></c></row>"
    }

    @Test("shared strings with rich text runs and phonetic hints, inline strings, booleans, errors and gaps")
    func cellKinds() throws {
        var w = XLSXWriter()
        w.sharedStrings = ["普通", "<r><rPr><b/></rPr><t>加粗</t></r><r><t xml:space=\"preserve\"> 部分</t></r><rPh sb=\"0\" eb=\"1\"><t>ふりがな</t></rPh>", "<t>A &amp; B &lt;c&gt; &#20013;&#x6587;</t>"]
        w.sheets = [("Sheet1", Self.header() + """
        <row r="2"><c r="A2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c></row>
        <row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="e"><v>#N/A</v></c><c r="C3" t="str"><f>A1</f><v>公式结果</v></c></row>
        <row r="4" spans="1:3"/>
        <row r="5"><c r="B5" t="s"><v>2</v></c></row>
        """)]
        let got = try read(w)
        #expect(got.rows == [["普通", nil, "加粗 部分"], ["true", nil, "公式结果"], [nil, "A & B <c> 中文", nil]])
        #expect(got.sourceRows == [2, 3, 5])
    }

    @Test("numbers come out as people typed them: 0.30000000000000004 is 0.3, exponents expand")
    func numbers() throws {
        var w = XLSXWriter()
        w.sheets = [("S", Self.header() + """
        <row r="2"><c r="A2"><v>0.30000000000000004</v></c><c r="B2"><v>12.5</v></c><c r="C2"><v>1.5E-3</v></c></row>
        <row r="3"><c r="A3"><v>0.29999999999999999</v></c><c r="B3"><v>100</v></c><c r="C3"><v>-1234567.8899999999</v></c></row>
        """)]
        #expect(try read(w).rows == [["0.3", "12.5", "0.0015"], ["0.3", "100", "-1234567.89"]])
    }

    @Test("date styles become ISO dates and timestamps, in the 1900 and 1904 systems")
    func dates() throws {
        var w = XLSXWriter()
        w.styles = [0, 14, 22, 164, 165, 166, 21]
        w.customFormats = [164: "yyyy\"年\"m\"月\"d\"日\"", 165: "[Red]0.00;[$-804]\"元\"", 166: "[h]:mm"]
        w.sheets = [("S", Self.header() + """
        <row r="2"><c r="A2" s="1"><v>45293</v></c><c r="B2" s="2"><v>45293.5</v></c><c r="C2" s="3"><v>36585</v></c></row>
        <row r="3"><c r="A3" s="4"><v>45293</v></c><c r="B3" s="5"><v>1.25</v></c><c r="C3" s="6"><v>0.75</v></c></row>
        <row r="4"><c r="A4" s="1"><v>1</v></c><c r="B4" s="1"><v>59</v></c><c r="C4" s="1"><v>61</v></c></row>
        """)]
        #expect(try read(w).rows == [
            ["2024-01-02", "2024-01-02T12:00:00", "2000-02-29"],
            ["45293", "1900-01-01T06:00:00", "18:00:00"],
            ["1900-01-01", "1900-02-28", "1900-03-01"],
        ])
        w.date1904 = true
        w.sheets = [("S", Self.header() + "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>0</v></c><c r=\"B2\" s=\"1\"><v>43831</v></c></row>")]
        #expect(try read(w).rows == [["1904-01-01", "2024-01-02", nil]])
    }

    @Test("sheets by name or position; a wrong sheet lists the sheets")
    func sheets() throws {
        var w = XLSXWriter()
        w.deflate = false
        w.sheets = [("封面", "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>"),
                    ("数据", Self.header() + "<row r=\"2\"><c r=\"A2\"><v>1</v></c></row>")]
        #expect(try read(w, options: "sheet: 数据").rows == [["1", nil, nil]])
        #expect(try read(w, options: "sheet: 2").rows == [["1", nil, nil]])
        #expect {
            _ = try read(w, options: "sheet: 统计")
        } throws: { error in "\(error)".contains("找不到工作表（sheet）`统计`") && "\(error)".contains("`封面`, `数据`") }
    }

    @Test("skip_rows passes titles above the header; a missing header names the field")
    func skipRows() throws {
        var w = XLSXWriter()
        w.sheets = [("S", "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>2024年报表</t></is></c></row>" + Self.header(3)
                      + "<row r=\"4\"><c r=\"C4\"><v>9</v></c></row>")]
        #expect(try read(w, options: "skip_rows: 2").rows == [[nil, nil, "9"]])
        #expect {
            _ = try read(w)
        } throws: { error in "\(error)".contains("`甲`") && "\(error)".contains("`2024年报表`") }
    }

    @Test("a large deflated sheet streams in windows")
    func large() throws {
        var w = XLSXWriter()
        var xml = Self.header()
        for r in 2...30_001 {
            xml += "<row r=\"\(r)\"><c r=\"A\(r)\" t=\"inlineStr\"><is><t>第\(r)行</t></is></c><c r=\"C\(r)\"><v>\(r)</v></c></row>"
        }
        w.sheets = [("S", xml)]
        let got = try read(w)
        #expect(got.rows.count == 30_000)
        #expect(got.rows.last == ["第30001行", nil, "30001"])
        #expect(got.sourceRows.first == 2)
    }

    @Test("many shared strings stream across windows; header: false maps columns by position")
    func largeSharedStrings() throws {
        var w = XLSXWriter()
        w.sharedStrings = (0..<50_000).map { "共享字符串 \($0) " + String(repeating: "长", count: $0 % 40) }
        var xml = ""
        for r in 1...50_000 {
            xml += "<row r=\"\(r)\"><c r=\"A\(r)\" t=\"s\"><v>\(r - 1)</v></c><c r=\"C\(r)\" t=\"s\"><v>\(50_000 - r)</v></c></row>"
        }
        w.sheets = [("S", xml)]
        let got = try read(w, options: "header: false")
        #expect(got.rows.count == 50_000)
        #expect(got.rows[0] == ["共享字符串 0 ", nil, "共享字符串 49999 " + String(repeating: "长", count: 49_999 % 40)])
        #expect(got.rows[41_234][0] == "共享字符串 41234 " + String(repeating: "长", count: 41_234 % 40))
        #expect(got.sourceRows.first == 1)
    }

    @Test("a 20-digit row number or shared-string index and a date serial of 1e300 are read or rejected, never trap")
    func overflowingNumbers() throws {
        var w = XLSXWriter()
        w.styles = [0, 14]
        w.sharedStrings = ["x"]
        w.sheets = [("S", Self.header() + """
        <row r="99999999999999999999"><c s="1"><v>1e300</v></c><c s="1"><v>nan</v></c><c s="1"><v>-1</v></c></row>
        """)]
        let got = try read(w)
        #expect(got.rows == [["1" + String(repeating: "0", count: 300), "nan", "-1"]])
        #expect(got.sourceRows == [2])
        w.sheets = [("S", Self.header() + "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>99999999999999999999</v></c></row>")]
        #expect {
            _ = try read(w)
        } throws: { error in "\(error)".contains("共享字符串（shared string）编号超出范围") && "\(error)".contains(":2 [A]") }
    }

    @Test("a cell reference past column XFD is a row error, not an overflow or a huge allocation")
    func columnPastXFD() throws {
        for ref in ["XFE2", "ZZZZZZZZZZZZZZZ2"] {
            var w = XLSXWriter()
            w.sheets = [("S", Self.header() + "<row r=\"2\"><c r=\"\(ref)\"><v>1</v></c></row>")]
            #expect {
                _ = try read(w)
            } throws: { error in "\(error)".contains("最后一列 XFD") && "\(error)".contains("book.xlsx:2") }
        }
        var w = XLSXWriter()
        w.sheets = [("S", Self.header() + "<row r=\"2\"><c r=\"XFD2\"><v>1</v></c><c r=\"A2\"><v>2</v></c></row>")]
        #expect(try read(w).rows == [["2", nil, nil]])
    }

    @Test("a file that is not a ZIP is a clear source error")
    func notZip() throws {
        let w = try Workspace()
        try w.write("book.xlsx", "编码,名称\n")
        let definition = try w.definition(source: "type: xlsx\npath: book.xlsx", fields: Self.fields)
        #expect {
            _ = try Extractor.open(definition, since: nil, environment: [:])
        } throws: { error in "\(error)".contains("不是可读的 XLSX 文件") }
    }
}

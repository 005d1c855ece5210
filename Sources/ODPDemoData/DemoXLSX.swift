import CZlib
import Foundation
import ODPCore

/// A minimal Office Open XML workbook (one sheet, shared strings, a date style), as a
/// department's Excel export would be. Numeric columns hold numbers, `dateColumns` hold
/// Excel day serials formatted as dates.
public enum DemoXLSX {
    public static func write(_ table: DemoTable, to url: URL, sheetName: String, numericColumns: Set<String>, dateColumns: Set<String>) throws {
        var strings: [String] = []
        var index: [String: Int] = [:]
        func sst(_ s: String) -> Int {
            if let i = index[s] { return i }
            index[s] = strings.count
            strings.append(s)
            return strings.count - 1
        }
        var sheet = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        func cellRef(_ c: Int, _ r: Int) -> String { String(UnicodeScalar(UInt8(65 + c))) + String(r) }
        var rowXML = "<row r=\"1\">"
        for (c, name) in table.columns.enumerated() { rowXML += "<c r=\"\(cellRef(c, 1))\" t=\"s\"><v>\(sst(name))</v></c>" }
        sheet += rowXML + "</row>"
        for i in 0..<table.rowCount {
            let r = i + 2
            var xml = "<row r=\"\(r)\">"
            for (c, value) in table.row(i).enumerated() {
                guard let value else { continue }
                let column = table.columns[c]
                if dateColumns.contains(column) {
                    xml += "<c r=\"\(cellRef(c, r))\" s=\"1\"><v>\(value)</v></c>"
                } else if numericColumns.contains(column) {
                    xml += "<c r=\"\(cellRef(c, r))\"><v>\(value)</v></c>"
                } else {
                    xml += "<c r=\"\(cellRef(c, r))\" t=\"s\"><v>\(sst(value))</v></c>"
                }
            }
            sheet += xml + "</row>"
        }
        sheet += "</sheetData></worksheet>"
        var sharedStrings = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(strings.count)" uniqueCount="\#(strings.count)">"#
        for s in strings { sharedStrings += "<si><t>\(escape(s))</t></si>" }
        sharedStrings += "</sst>"
        let files: [(String, String)] = [
            ("[Content_Types].xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#),
            ("_rels/.rels", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="说明" sheetId="2" r:id="rId9"/><sheet name="\#(escape(sheetName))" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#),
            ("xl/styles.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#),
            ("xl/sharedStrings.xml", sharedStrings),
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/worksheets/sheet2.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>本表由交通运输局导出</t></is></c></row></sheetData></worksheet>"#),
        ]
        try StoredZip.write(files.map { ($0.0, Array($0.1.utf8)) }, to: url)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// An uncompressed ZIP (method 0): enough for a demo workbook; releases use ODPRelease's writer.
enum StoredZip {
    /// One entry as it goes into the file: `data` already compressed by `method`, and the
    /// sizes and checksum the headers declare (tests build damaged and hostile files with it).
    struct Entry {
        var name: String
        var data: [UInt8]
        var method = 0
        var declaredSize: Int
        var crc: Int
    }

    static func write(_ entries: [(String, [UInt8])], to url: URL) throws {
        try write(entries: entries.map { name, data in
            Entry(name: name, data: data, declaredSize: data.count, crc: data.withUnsafeBufferPointer { Int(crc32(0, $0.baseAddress, uInt($0.count))) })
        }, to: url)
    }

    static func write(entries: [Entry], to url: URL) throws {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func u16(_ v: Int, _ b: inout [UInt8]) { b.append(UInt8(v & 0xff)); b.append(UInt8(v >> 8 & 0xff)) }
        func u32(_ v: Int, _ b: inout [UInt8]) { u16(v & 0xffff, &b); u16(v >> 16 & 0xffff, &b) }
        for entry in entries {
            let (data, crc, size, method) = (entry.data, entry.crc, entry.declaredSize, entry.method)
            let nameBytes = Array(entry.name.utf8)
            let offset = out.count
            u32(0x0403_4b50, &out); u16(20, &out); u16(0x0800, &out); u16(method, &out); u16(0, &out); u16(0x21, &out)
            u32(crc, &out); u32(data.count, &out); u32(size, &out); u16(nameBytes.count, &out); u16(0, &out)
            out += nameBytes + data
            u32(0x0201_4b50, &central); u16(20, &central); u16(20, &central); u16(0x0800, &central); u16(method, &central)
            u16(0, &central); u16(0x21, &central); u32(crc, &central); u32(data.count, &central); u32(size, &central)
            u16(nameBytes.count, &central); u16(0, &central); u16(0, &central); u16(0, &central); u16(0, &central)
            u32(0, &central); u32(offset, &central); central += nameBytes
        }
        let centralOffset = out.count
        out += central
        u32(0x0605_4b50, &out); u16(0, &out); u16(0, &out); u16(entries.count, &out); u16(entries.count, &out)
        u32(central.count, &out); u32(centralOffset, &out); u16(0, &out)
        let tmp = url.appendingPathExtension("tmp")
        try Data(out).write(to: tmp)
        try DemoWriters.replace(url, with: tmp)
    }
}

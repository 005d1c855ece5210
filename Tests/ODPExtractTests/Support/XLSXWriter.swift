import CZlib
import Foundation

/// A minimal XLSX writer for fixtures: workbook, one or more sheets given as raw
/// `<sheetData>` XML, optional shared strings and styles, zipped stored or deflated.
struct XLSXWriter {
    var sheets: [(name: String, rows: String)] = []
    var sharedStrings: [String] = []
    /// `numFmtId` per cell style index (s="…"); custom formats from 164 in `customFormats`.
    var styles: [Int] = [0]
    var customFormats: [Int: String] = [:]
    var date1904 = false
    var deflate = true

    func data() -> [UInt8] {
        var parts: [(String, String)] = []
        parts.append(("[Content_Types].xml", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>
        """))
        parts.append(("_rels/.rels", """
        <?xml version="1.0" encoding="UTF-8"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
        """))
        var sheetTags = "", rels = ""
        for (i, sheet) in sheets.enumerated() {
            sheetTags += "<sheet name=\"\(escape(sheet.name))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
            rels += "<Relationship Id=\"rId\(i + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
            parts.append(("xl/worksheets/sheet\(i + 1).xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1"/><sheetData>\(sheet.rows)</sheetData></worksheet>
            """))
        }
        parts.append(("xl/workbook.xml", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr\(date1904 ? " date1904=\"1\"" : "")/><sheets>\(sheetTags)</sheets></workbook>
        """))
        parts.append(("xl/_rels/workbook.xml.rels", """
        <?xml version="1.0" encoding="UTF-8"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(rels)</Relationships>
        """))
        let formats = customFormats.sorted { $0.key < $1.key }.map { "<numFmt numFmtId=\"\($0.key)\" formatCode=\"\(escape($0.value))\"/>" }.joined()
        let xfs = styles.map { "<xf numFmtId=\"\($0)\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>" }.joined()
        parts.append(("xl/styles.xml", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="\(customFormats.count)">\(formats)</numFmts><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="\(styles.count)">\(xfs)</cellXfs></styleSheet>
        """))
        if !sharedStrings.isEmpty {
            let items = sharedStrings.map { s in s.hasPrefix("<") ? "<si>\(s)</si>" : "<si><t xml:space=\"preserve\">\(escape(s))</t></si>" }.joined()
            parts.append(("xl/sharedStrings.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\(sharedStrings.count)" uniqueCount="\(sharedStrings.count)">\(items)</sst>
            """))
        }
        return Zip.archive(parts.map { ($0.0, Array($0.1.utf8)) }, deflate: deflate)
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

enum Zip {
    static func archive(_ files: [(String, [UInt8])], deflate: Bool) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for (name, content) in files {
            let crc = UInt32(content.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) })
            let body = deflate ? raw(content) : content
            let method: UInt16 = deflate ? 8 : 0
            let offset = out.count
            let nameBytes = Array(name.utf8)
            out += le32(0x0403_4B50) + le16(20) + le16(0x0800) + le16(method) + le16(0) + le16(0x21)
            out += le32(crc) + le32(UInt32(body.count)) + le32(UInt32(content.count)) + le16(UInt16(nameBytes.count)) + le16(0)
            out += nameBytes + body
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0x0800) + le16(method) + le16(0) + le16(0x21)
            central += le32(crc) + le32(UInt32(body.count)) + le32(UInt32(content.count)) + le16(UInt16(nameBytes.count))
            central += le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(UInt32(offset)) + nameBytes
        }
        let dirOffset = out.count
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(files.count)) + le16(UInt16(files.count))
        out += le32(UInt32(central.count)) + le32(UInt32(dirOffset)) + le16(0)
        return out
    }

    static func raw(_ input: [UInt8]) -> [UInt8] {
        // zlib checks the stream's address on every call, so it must not move.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { deflateEnd(stream); stream.deallocate() }
        precondition(deflateInit2_(stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, UInt(input.count))) + 64)
        var source = input
        let produced = source.withUnsafeMutableBufferPointer { ib in
            output.withUnsafeMutableBufferPointer { ob in
                stream.pointee.next_in = ib.baseAddress
                stream.pointee.avail_in = UInt32(ib.count)
                stream.pointee.next_out = ob.baseAddress
                stream.pointee.avail_out = UInt32(ob.count)
                precondition(CZlib.deflate(stream, Z_FINISH) == Z_STREAM_END)
                return ob.count - Int(stream.pointee.avail_out)
            }
        }
        return Array(output[0..<produced])
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
}

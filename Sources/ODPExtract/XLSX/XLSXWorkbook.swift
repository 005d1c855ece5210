import Foundation
import ODPCore

/// The parts of a workbook needed before reading a sheet: sheet names and paths, the date
/// system, which cell styles are dates, and the shared strings.
final class XLSXWorkbook {
    enum DateKind { case none, date, dateTime, time }

    let archive: ZipArchive
    private(set) var sheets: [(name: String, part: String)] = []
    private(set) var uses1904 = false
    /// Per cell style index (`s="…"`), whether the number format shows a date or time.
    private(set) var styleDates: [DateKind] = []
    /// Shared strings: bytes and (start, length) per index.
    private(set) var sharedBytes: ScratchRecord = ScratchRecord(slots: 0)
    private(set) var sharedRanges: [(Int, Int)] = []

    init(path: String, datasetID: String, limits: SourceLimits) throws {
        archive = try ZipArchive(path: path, datasetID: datasetID, limits: limits)
        let workbookPart = try officeDocument()
        let folder = workbookPart.split(separator: "/").dropLast().joined(separator: "/")
        let relsPart = (folder.isEmpty ? "" : folder + "/") + "_rels/" + (workbookPart.split(separator: "/").last.map(String.init) ?? "workbook.xml") + ".rels"
        var targets: [String: String] = [:]
        if archive.entries[relsPart] != nil {
            forEachTag("<Relationship", in: try archive.contents(relsPart)) { b, o, c in
                if let id = XMLScan.attributeString("Id", in: b, open: o, close: c),
                   let target = XMLScan.attributeString("Target", in: b, open: o, close: c) {
                    targets[id] = target.hasPrefix("/") ? String(target.dropFirst()) : (folder.isEmpty ? "" : folder + "/") + target
                }
            }
        }
        let workbook = try archive.contents(workbookPart)
        forEachTag("<workbookPr", in: workbook) { b, o, c in
            if let v = XMLScan.attributeString("date1904", in: b, open: o, close: c) { self.uses1904 = v == "1" || v == "true" }
        }
        var index = 0
        forEachTag("<sheet", in: workbook) { b, o, c in
            index += 1
            let name = XMLScan.attributeString("name", in: b, open: o, close: c) ?? "Sheet\(index)"
            let rid = XMLScan.attributeString("r:id", in: b, open: o, close: c) ?? ""
            self.sheets.append((name, targets[rid] ?? "\(folder)/worksheets/sheet\(index).xml"))
        }
        try readStyles(folder: folder)
        try readSharedStrings(folder: folder)
    }

    private func officeDocument() throws -> String {
        guard archive.entries["_rels/.rels"] != nil else { return "xl/workbook.xml" }
        var part = "xl/workbook.xml"
        forEachTag("<Relationship", in: try archive.contents("_rels/.rels")) { b, o, c in
            if let type = XMLScan.attributeString("Type", in: b, open: o, close: c), type.hasSuffix("/officeDocument"),
               let target = XMLScan.attributeString("Target", in: b, open: o, close: c) {
                part = target.hasPrefix("/") ? String(target.dropFirst()) : target
            }
        }
        return part
    }

    private func forEachTag(_ name: StaticString, in xml: [UInt8], from: Int = 0, to: Int? = nil,
                            _ body: (UnsafePointer<UInt8>, Int, Int) -> Void) {
        xml.withUnsafeBufferPointer { buf in
            guard let b = buf.baseAddress else { return }
            var p = from
            let end = to ?? buf.count
            while let tag = XMLScan.startTag(name, in: b, from: p, to: end) {
                body(b, tag.open, tag.close)
                p = tag.close
            }
        }
    }

    private func readStyles(folder: String) throws {
        let part = (folder.isEmpty ? "" : folder + "/") + "styles.xml"
        guard archive.entries[part] != nil else { return }
        let xml = try archive.contents(part)
        var custom: [Int: String] = [:]
        forEachTag("<numFmt", in: xml) { b, o, c in
            if let id = XMLScan.integer(XMLScan.attribute("numFmtId", in: b, open: o, close: c)),
               let code = XMLScan.attributeString("formatCode", in: b, open: o, close: c) {
                custom[id] = code
            }
        }
        let range: (Int, Int)? = xml.withUnsafeBufferPointer { buf in
            guard let b = buf.baseAddress, let open = XMLScan.startTag("<cellXfs", in: b, from: 0, to: buf.count) else { return nil }
            let close = XMLScan.find("</cellXfs>", in: b, from: open.close, to: buf.count) ?? buf.count
            return (open.close, close)
        }
        guard let range else { return }
        forEachTag("<xf", in: xml, from: range.0, to: range.1) { b, o, c in
            guard self.styleDates.count <= self.archive.limits.maxStyles else { return }
            let id = XMLScan.integer(XMLScan.attribute("numFmtId", in: b, open: o, close: c)) ?? 0
            self.styleDates.append(Self.dateKind(id: id, code: custom[id]))
        }
        let limits = archive.limits
        if styleDates.count > limits.maxStyles {
            throw SourceLimits.exceeded(dataset: archive.datasetID, file: archive.path, "\(part) 的单元格样式（cell styles）超过 \(limits.maxStyles) 种",
                                        key: "max_styles", limit: "\(limits.maxStyles)")
        }
    }

    static func dateKind(id: Int, code: String?) -> DateKind {
        switch id {
        case 14...17: return .date
        case 22: return .dateTime
        case 18...21, 45...47: return .time
        default: break
        }
        guard let code else { return .none }
        // Drop quoted text, escapes and [colour]/[$-804] sections before looking for tokens.
        var plain = ""
        var inQuote = false, inBracket = false, escaped = false
        var bracket = ""
        for ch in code.lowercased() {
            if escaped { escaped = false; continue }
            if inQuote { if ch == "\"" { inQuote = false }; continue }
            if inBracket {
                if ch == "]" {
                    inBracket = false
                    // [h]:mm elapsed time keeps its token; [Red] or [$-804] are dropped.
                    if !bracket.isEmpty, bracket.allSatisfy({ "hms".contains($0) }) { plain += "h" }
                    bracket = ""
                } else {
                    bracket.append(ch)
                }
                continue
            }
            switch ch {
            case "\"": inQuote = true
            case "[": inBracket = true
            case "\\", "_", "*": escaped = true
            default: plain.append(ch)
            }
        }
        // Only the first section (positive numbers) decides.
        let first = plain.split(separator: ";", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let hasDate = first.contains("y") || first.contains("d") || (first.contains("m") && !first.contains("h") && !first.contains("s"))
        let hasTime = first.contains("h") || first.contains("s")
        switch (hasDate, hasTime) {
        case (true, true): return .dateTime
        case (true, false): return .date
        case (false, true): return .time
        default: return .none
        }
    }

    private func readSharedStrings(folder: String) throws {
        let part = (folder.isEmpty ? "" : folder + "/") + "sharedStrings.xml"
        guard archive.entries[part] != nil else { return }
        let buffer = ChunkBuffer(input: try archive.input(part))
        let out = sharedBytes
        let limits = archive.limits
        func exceeded(_ what: String, _ key: String, _ limit: String) -> ODPError {
            SourceLimits.exceeded(dataset: archive.datasetID, file: archive.path, what, key: key, limit: limit)
        }
        while true {
            if out.count + 16 * sharedRanges.count > limits.maxSharedStringsBytes {
                throw exceeded("共享字符串表（shared strings，\(part)）已有 \(sharedRanges.count) 条、\(out.count >> 20) MB",
                               "max_shared_strings_mb", "\(limits.maxSharedStringsBytes >> 20) MB")
            }
            if let last = sharedRanges.last, last.1 > limits.maxCellBytes {
                throw exceeded("第 \(sharedRanges.count) 条共享字符串（shared string）有 \(last.1) 字节", "max_cell_mb", "\(limits.maxCellBytes >> 20) MB")
            }
            if buffer.end - buffer.start > limits.maxRecordBytes(columns: 1) {
                throw exceeded("第 \(sharedRanges.count + 1) 条共享字符串（shared string）超过 \(limits.maxRecordBytes(columns: 1) >> 20) MB 仍未结束",
                               "max_cell_mb", "\(limits.maxCellBytes >> 20) MB")
            }
            let b = UnsafePointer(buffer.base)
            if let si = XMLScan.startTag("<si", in: b, from: buffer.start, to: buffer.end) {
                if si.selfClosing {
                    sharedRanges.append((out.count, 0))
                    buffer.start = si.close
                    continue
                }
                if let end = XMLScan.find("</si>", in: b, from: si.close, to: buffer.end) {
                    let mark = out.count
                    XMLScan.collectText(in: b, from: si.close, to: end, into: out)
                    sharedRanges.append((mark, out.count - mark))
                    buffer.start = end + 5
                    continue
                }
                buffer.start = si.open
            } else {
                buffer.start = XMLScan.lastTagStart(in: b, from: buffer.start, to: buffer.end)
            }
            if !(try buffer.refill()) { break }
        }
    }

    /// The sheet's part path, by name or 1-based position; the first sheet when nil.
    func sheetPart(_ wanted: String?) throws -> String {
        guard !sheets.isEmpty else { throw ODPError.source(archive.datasetID, "\(archive.path) 中没有工作表（no worksheets / sheet）") }
        guard let wanted else { return sheets[0].part }
        if let hit = sheets.first(where: { $0.name == wanted }) { return hit.part }
        if let n = Int(wanted), n >= 1, n <= sheets.count { return sheets[n - 1].part }
        let names = sheets.map { "`\($0.name)`" }.joined(separator: ", ")
        throw ODPError.source(archive.datasetID, "\(archive.path)：找不到工作表（sheet）`\(wanted)`；现有工作表：\(names)")
    }

    func sharedString(_ i: Int) -> UnsafeRawBufferPointer? {
        guard i >= 0, i < sharedRanges.count else { return nil }
        let (s, n) = sharedRanges[i]
        return UnsafeRawBufferPointer(start: sharedBytes.bytes + s, count: n)
    }
}

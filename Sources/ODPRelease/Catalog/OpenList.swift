import Foundation
import ODPCore

/// The open-data list as CSV (Chinese headers, UTF-8 with BOM for spreadsheet users) and JSON.
enum OpenList {
    static let headers = ["序号", "资源名称", "资源代码", "提供方", "提供方代码", "资源摘要", "数据领域", "开放属性", "开放条件", "更新周期",
                          "数据格式", "发布日期", "最近更新", "数据量", "信息项", "关键字", "许可协议", "版本", "下载地址",
                          "签名公钥（Ed25519）", "更新状态"]
    /// Appended when the output has usage figures (`CatalogEntry.usage`).
    static let usageHeaders = ["下载次数", "接口调用次数"]

    static func usageCells(_ e: CatalogEntry) -> [String] {
        e.usage.map { [String($0.downloads), String($0.apiCalls)] } ?? []
    }

    static func row(_ e: CatalogEntry, index: Int) -> [String] {
        let c = e.catalog
        return [String(index), c.title, c.code, c.provider, c.providerCode, c.summary, c.domain, c.openType.rawValue, c.openCondition ?? "",
                c.updateCycle.rawValue, e.files.map(\.format).joined(separator: "、"), BeijingTime.day(e.firstPublished),
                BeijingTime.day(e.release.created), String(e.release.rowCount), fieldList(e), c.keywords.joined(separator: "、"),
                c.license, e.release.version, e.csvURL, e.signature?.publicKey ?? "", e.timeliness?.label ?? ""] + usageCells(e)
    }

    static func fieldList(_ e: CatalogEntry) -> String {
        e.fields.map { "\($0.title)（\($0.name)，\(typeTitle($0.type))）" }.joined(separator: "；")
    }

    static func typeTitle(_ type: String) -> String {
        FieldType(rawValue: type).map(ReleaseReadme.typeName) ?? type
    }

    static func csv(_ entries: [CatalogEntry]) -> Data {
        var text = "\u{FEFF}"
        func line(_ cells: [String]) {
            text += cells.map { cell -> String in
                var v = cell
                if let first = v.utf8.first, CellText.isFormulaStart(first) { v = "'" + v }
                return v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
            }.joined(separator: ",") + "\r\n"
        }
        line(headers + (entries.contains { $0.usage != nil } ? usageHeaders : []))
        for (i, e) in entries.enumerated() { line(row(e, index: i + 1)) }
        return Data(text.utf8)
    }

    /// The generation time of the open list in `dir`, read from the file's last few KB: its
    /// top-level `generated_at` line follows the datasets array. Decoding the whole list for it
    /// (38 MB at 21,000 datasets) took over 150 MB. A list this cannot read is decoded; a wrong
    /// time could only make the comparison that uses it fail, which renders the list anew.
    static func generatedAt(catalogDirectory dir: URL) throws -> String? {
        let url = dir.appendingPathComponent(OpenListDocument.fileName)
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size > 8192 ? size - 8192 : 0)
        let tail = [UInt8](try handle.readToEnd() ?? Data())
        // A raw newline never occurs inside a JSON string, so this is a key at depth one.
        let key = Array("\n  \"generated_at\" : \"".utf8)
        if let at = tail.withUnsafeBufferPointer({ t in key.withUnsafeBufferPointer { ByteSearch.find($0, in: t, from: 0, to: t.count) } }),
           let end = tail[(at + key.count)...].firstIndex(of: 0x22) {
            return String(decoding: tail[(at + key.count)..<end], as: UTF8.self)
        }
        return try OpenListDocument.read(catalogDirectory: dir)?.generatedAt
    }

    static func json(_ entries: [CatalogEntry], generated: String, publisher: String) throws -> Data {
        let sink = CatalogSink()
        try json(entries, generated: generated, publisher: publisher, to: sink)
        return sink.data
    }

    static func json(_ entries: [CatalogEntry], generated: String, publisher: String, to sink: CatalogSink) throws {
        var head = OpenListDocument(generatedAt: generated, publisher: publisher, datasets: [])
        head.count = entries.count
        head.timelinessRate = DatasetTimeliness.rate(entries.compactMap(\.timeliness)).map { ($0 * 10_000).rounded() / 10_000 }
        var tree = try ArtifactJSON(encoding: head)
        tree[ArtifactCodec.versionKey] = .int(Int64(OpenListDocument.schemaVersion))
        // ArtifactCodec.encode's bytes, one entry at a time.
        try JSONSplice.encode(count: entries.count, element: { try ArtifactJSON(encoding: entry(entries[$0], index: $0 + 1)) }, document: { datasets in
            tree["datasets"] = datasets
            return tree
        }, to: sink)
        try sink.write(Array("\n".utf8))
    }

    static func entry(_ e: CatalogEntry, index: Int) -> OpenListDocument.Entry {
        let c = e.catalog
        return OpenListDocument.Entry(
            index: index, datasetId: e.id, title: c.title, code: c.code, provider: c.provider, providerCode: c.providerCode,
            summary: c.summary, domain: c.domain, openType: c.openType.rawValue, openCondition: c.openCondition,
            updateCycle: c.updateCycle.rawValue, formats: e.files.map(\.format), firstPublished: e.firstPublished,
            lastUpdated: e.release.created, rowCount: e.release.rowCount, fields: e.fields, keywords: c.keywords,
            license: c.license, version: e.release.version, downloadURL: e.csvURL,
            distributions: e.files.map { .init(format: $0.format, url: $0.url, bytes: $0.bytes, sha256: $0.sha256) },
            signature: e.signature, timeliness: e.timeliness, usage: e.usage)
    }
}

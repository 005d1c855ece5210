import Foundation
import ODPCore

/// How `odp preview` shows released rows of a wide table: only the chosen fields, and one
/// block per row (`字段：值` lines) when the columns would not fit the terminal — a
/// 40-column table squeezed into 100 characters shows nothing readable.
public struct SampleView: Sendable {
    /// Field names (or their Chinese titles) to show, in this order; empty shows all.
    public var fields: [String]
    /// true: one block per row; false: a table; nil: a table only when every column keeps
    /// at least `minColumnWidth` characters.
    public var vertical: Bool?

    static let minColumnWidth = 8

    public init(fields: [String] = [], vertical: Bool? = nil) {
        self.fields = fields
        self.vertical = vertical
    }

    /// The sample cut to `fields`. Unknown names are a usage error listing the fields there are.
    func select(_ sample: CSVSample, titles: [String: String]) throws -> CSVSample {
        guard !fields.isEmpty else { return sample }
        let indexes = try fields.map { wanted -> Int in
            if let i = sample.header.firstIndex(of: wanted) ?? sample.header.firstIndex(where: { titles[$0] == wanted }) { return i }
            throw ODPError.usage("没有字段 \(wanted)（unknown field）；可选字段：\(sample.header.joined(separator: "、"))")
        }
        return CSVSample(header: indexes.map { sample.header[$0] },
                         rows: sample.rows.map { row in indexes.map { $0 < row.count ? row[$0] : "" } })
    }

    /// The portal's `?fields=a,b` on a dataset or review page: the sample cut to the fields
    /// asked for; an unknown name leaves the sample whole (a page, not an error).
    static func portal(_ sample: CSVSample?, query: String?, fields: [FieldInfo]) -> CSVSample? {
        let wanted = (CatalogQuery.parameters(query)["fields"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let sample, !wanted.isEmpty else { return sample }
        let titles = Dictionary(fields.compactMap { f in f.title.map { (f.name, $0) } }, uniquingKeysWith: { a, _ in a })
        return (try? SampleView(fields: wanted).select(sample, titles: titles)) ?? sample
    }

    func isVertical(columns: Int, width: Int) -> Bool {
        vertical ?? (columns * Self.minColumnWidth > width)
    }

    /// The rows as a table or as blocks, labelled with each field's title where known.
    func render(_ sample: CSVSample, titles: [String: String], width: Int, style: Style) -> [String] {
        guard isVertical(columns: sample.header.count, width: width) else {
            return TextTable(header: sample.header, rows: sample.rows).render(width: width, style: style)
        }
        let labels = sample.header.map { name in titles[name].map { "\($0)（\(name)）" } ?? name }
        let labelWidth = min(32, labels.map(displayWidth).max() ?? 0)
        var out: [String] = []
        for (n, row) in sample.rows.enumerated() {
            out.append(style.dim("  ── 第 \(n + 1) 行 ──"))
            for (i, label) in labels.enumerated() {
                let value = i < row.count ? TerminalText.clean(row[i]) : ""
                out.append("  " + style.bold(TerminalText.pad(TerminalText.truncate(label, to: labelWidth), to: labelWidth)) + "  "
                           + TerminalText.truncate(value.isEmpty ? "（空）" : value, to: max(10, width - labelWidth - 4)))
            }
        }
        return out
    }
}

import Foundation

/// A plain-text table whose columns are aligned by display width and shrunk to fit the
/// terminal.
struct TextTable {
    var header: [String]
    var rows: [[String]]

    func render(width: Int, style: Style) -> [String] {
        let columns = header.count
        guard columns > 0 else { return [] }
        let cells = rows.map { r in (0..<columns).map { $0 < r.count ? TerminalText.clean(r[$0]) : "" } }
        let head = header.map(TerminalText.clean)
        var widths = (0..<columns).map { c in min(40, max(displayWidth(head[c]), cells.map { displayWidth($0[c]) }.max() ?? 0)) }
        // Two spaces of indent and " │ " between columns.
        let available = max(columns * 3, width - 2 - 3 * (columns - 1))
        while widths.reduce(0, +) > available, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 3 {
            widths[widest] -= 1
        }
        func line(_ values: [String]) -> String {
            "  " + values.enumerated().map { TerminalText.pad($1, to: widths[$0]) }.joined(separator: style.dim(" │ "))
        }
        var out = [style.bold(line(head))]
        out.append(style.dim("  " + widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─")))
        out += cells.map(line)
        return out
    }
}

/// ANSI styling, or nothing when colour is off.
struct Style {
    var color: Bool
    func wrap(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { wrap(s, "1") }
    func dim(_ s: String) -> String { wrap(s, "2") }
    func green(_ s: String) -> String { wrap(s, "32") }
    func red(_ s: String) -> String { wrap(s, "31") }
    func yellow(_ s: String) -> String { wrap(s, "33") }
    func heading(_ s: String) -> String { wrap(s, "1;34") }
}

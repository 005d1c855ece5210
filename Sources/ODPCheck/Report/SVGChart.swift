import ODPCore

/// Inline SVG charts, so the report needs no script, font or stylesheet from elsewhere.
enum SVGChart {
    /// Horizontal bars with values in 0…1, labelled on the left.
    static func bars(_ items: [(label: String, value: Double?)], width: Int = 640) -> String {
        let row = 26, labelWidth = 160, barMax = Double(width - labelWidth - 70)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(items.count * row + 10)\" role=\"img\">"
        for (i, item) in items.enumerated() {
            let y = i * row + 5
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\" font-size=\"13\">\(escapeHTML(item.label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(Int(barMax))\" height=\"16\" fill=\"#eee\"/>"
            if let v = item.value {
                let w = Int((max(0, min(1, v)) * barMax).rounded())
                let color = v >= 0.95 ? "#2e7d32" : v >= 0.8 ? "#f9a825" : "#c62828"
                svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(w)\" height=\"16\" fill=\"\(color)\"/>"
                svg += "<text x=\"\(labelWidth + Int(barMax) + 6)\" y=\"\(y + 17)\" font-size=\"13\">\(Report.score(v))</text>"
            } else {
                svg += "<text x=\"\(labelWidth + Int(barMax) + 6)\" y=\"\(y + 17)\" font-size=\"13\">未评估</text>"
            }
        }
        return svg + "</svg>"
    }

    /// Observed first-digit shares as bars, Benford's expected shares as a line.
    static func benford(observed: [Double], expected: [Double]) -> String {
        let w = 480, h = 240, left = 40, bottom = 30, top = 10
        let plotH = Double(h - bottom - top), step = Double(w - left - 10) / 9
        let maxV = max(0.35, (observed + expected).max() ?? 0.35)
        func y(_ v: Double) -> Int { top + Int((plotH * (1 - v / maxV)).rounded()) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" role=\"img\">"
        svg += "<line x1=\"\(left)\" y1=\"\(h - bottom)\" x2=\"\(w - 10)\" y2=\"\(h - bottom)\" stroke=\"#555\"/>"
        for tick in stride(from: 0.0, through: maxV, by: 0.1) {
            svg += "<text x=\"\(left - 4)\" y=\"\(y(tick) + 4)\" text-anchor=\"end\" font-size=\"11\">\(Int((tick * 100).rounded()))%</text>"
        }
        var points: [String] = []
        for d in 0..<min(9, observed.count, expected.count) {
            let x = left + Int(Double(d) * step)
            svg += "<rect x=\"\(x + 6)\" y=\"\(y(observed[d]))\" width=\"\(Int(step) - 12)\" height=\"\(h - bottom - y(observed[d]))\" fill=\"#1565c0\"/>"
            svg += "<text x=\"\(x + Int(step / 2))\" y=\"\(h - bottom + 16)\" text-anchor=\"middle\" font-size=\"12\">\(d + 1)</text>"
            points.append("\(x + Int(step / 2)),\(y(expected[d]))")
        }
        svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#c62828\" stroke-width=\"2\"/>"
        for p in points {
            let xy = p.split(separator: ",")
            svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"#c62828\"/>"
        }
        return svg + "</svg>"
    }
}

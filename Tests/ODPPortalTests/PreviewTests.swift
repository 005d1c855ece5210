import Foundation
import Testing
@testable import ODPPortal

@Suite("Terminal preview")
struct PreviewTests {
    @Test("wide characters count two columns, combining marks none")
    func widths() {
        #expect(displayWidth("abc") == 3)
        #expect(displayWidth("空气质量") == 8)
        #expect(displayWidth("ＡＢ") == 4)
        #expect(displayWidth("e\u{301}") == 1)
        #expect(displayWidth("가") == 2)
        #expect(displayWidth("PM2.5（微克）") == 5 + 2 + 4 + 2)
        #expect(TerminalText.pad("东城", to: 6) == "东城  ")
        #expect(TerminalText.truncate("朝阳奥体中心", to: 7) == "朝阳奥…")
        #expect(displayWidth(TerminalText.truncate("朝阳奥体中心", to: 6)) <= 6)
        #expect(TerminalText.clean("a\u{1B}[31mb") == "a\u{FFFD}[31mb")
    }

    @Test("the preview shows catalog, fields, rows, quality, privacy and changes, aligned")
    func plain() throws {
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        let text = try Preview.render(root: fixture.root, dataset: "air-quality", version: nil, color: false, width: 100, rows: 5)
        for expected in ["空气质量日报", "市生态环境局", "生态环境", "每日", "站点名称", "准标识符", "不发布（已删除）", "朝阳奥体中心",
                         "28,5", "92.50%", "AQI 在 0–500 之间", "实际 3", "新增 2 行", "新增字段 aqi"] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        #expect(!text.contains("\u{1B}["))
        // The sample table: every row as wide as its header line.
        let lines = text.split(separator: "\n").map(String.init)
        let headerIndex = try #require(lines.firstIndex { $0.contains("station_code") && $0.contains("station_name") })
        let tableLines = lines[headerIndex...].prefix(5)
        let widths = Set(tableLines.map { displayWidth($0.replacingOccurrences(of: "─┼─", with: " │ ")) })
        #expect(widths.count == 1, "misaligned: \(Array(tableLines))")
        #expect(lines.allSatisfy { displayWidth($0) <= 100 })
    }

    @Test("colour only when asked, narrow terminals truncate, hostile values cannot reach the terminal")
    func colourAndWidth() throws {
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        let colored = try Preview.render(root: fixture.root, dataset: "air-quality", version: "2026.11.20.1", color: true, width: 60, rows: 5)
        #expect(colored.contains("\u{1B}[1m"))
        try fixture.write("releases/hostile/2026.11.23.1/data/hostile.csv", Data("name,comment\r\nx,\"\u{1B}]0;pwned\u{7}\"\r\n".utf8))
        let hostile = try Preview.render(root: fixture.root, dataset: "hostile", version: nil, color: false, width: 60, rows: 5)
        #expect(!hostile.contains("\u{1B}"))
        #expect(!hostile.contains("\u{7}"))
        #expect(hostile.split(separator: "\n").allSatisfy { displayWidth(String($0)) <= 60 })
        #expect(throws: (any Error).self) { try Preview.render(root: fixture.root, dataset: "air-quality", version: "1999.01.01.1", color: false) }
        #expect(throws: (any Error).self) { try Preview.render(root: fixture.root, dataset: "nope", version: nil, color: false) }
    }

    @Test("an unpublished release can be previewed, and --json carries the same content")
    func json() throws {
        let fixture = try PortalFixture()
        defer { fixture.remove() }
        let text = try Preview.render(root: fixture.root, dataset: "bus-stops", version: nil, color: false, width: 80, rows: 5)
        #expect(text.contains("待审核"))
        let data = try Preview.json(root: fixture.root, dataset: "air-quality", version: nil, rows: 2)
        let o = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((o["catalog"] as? [String: Any])?["domain"] as? String == "生态环境")
        #expect(((o["sample"] as? [String: Any])?["rows"] as? [[String]])?.count == 2)
        #expect((o["fields"] as? [[String: Any]])?.contains { $0["class"] as? String == "quasi" } == true)
        #expect(((o["quality"] as? [String: Any])?["failing_rules"] as? [Any])?.count == 1)
        #expect((o["privacy"] as? [String: Any])?["k_achieved"] as? Int == 3)
        #expect((o["changes"] as? [String: Any])?["published_version"] as? String == "2026.11.23.1")
    }
}

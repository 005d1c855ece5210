import Testing
import ODPCore

@Suite("Dates and decimals")
struct ValueParsingTests {
    @Test("declared date layouts parse and real calendars are enforced",
          arguments: [("YYYY-MM-DD", "2024-02-29", "2024-02-29"), ("YYYYMMDD", "20240229", "2024-02-29"),
                      ("YYYY/M/D", "2024/2/9", "2024-02-09"), ("YYYY年M月D日", "2024年2月9日", "2024-02-09")])
    func parsesDates(pattern: String, text: String, iso: String) throws {
        let format = try #require(DateFormat(pattern))
        #expect(format.parse(text)?.isoDate == iso)
    }

    @Test("impossible dates and trailing text are refused", arguments: ["2023-02-29", "2024-13-01", "2024-04-31", "2024-01-01x", "24-01-01"])
    func refusesDates(text: String) {
        #expect(DateFormat.isoDate.parse(text) == nil)
    }

    @Test("date-times keep the time")
    func dateTimes() throws {
        let format = try #require(DateFormat("YYYY/MM/DD hh:mm:ss"))
        #expect(format.parse("2026/11/07 23:00:00")?.isoDateTime == "2026-11-07T23:00:00")
        #expect(format.parse("2026/11/07 24:00:00") == nil)
    }

    @Test("fixed-width layouts parse exactly as the token walk does",
          arguments: ["YYYY-MM-DD", "YYYYMMDD", "YYYY/MM/DD hh:mm:ss", "YYYY-MM-DDThh:mm:ss", "YYYY年MM月DD日"])
    func fixedWidthAgrees(pattern: String) throws {
        // `YYYY-M-DD` has a variable-width token, so it takes the token walk; padded
        // month numbers and the same literals make it accept what the fixed layout accepts.
        let fixed = try #require(DateFormat(pattern))
        let walked = try #require(DateFormat(pattern.replacingOccurrences(of: "MM", with: "M")))
        let base = Array(sample(for: pattern).utf8)
        var seen = 0
        // Every byte replaced by a digit, a letter, a separator or cut off.
        for i in 0..<base.count {
            for b in Array("0919X-/ :".utf8) + [0xE5] {
                var text = base
                text[i] = b
                let s = String(decoding: text, as: UTF8.self)
                let a = fixed.parse(s)
                #expect(a == walked.parse(s), "\(pattern): \(s)")
                if a != nil { seen += 1 }
            }
            #expect(fixed.parse(String(decoding: base[0..<i], as: UTF8.self)) == nil)
        }
        #expect(seen > 0)
        #expect(fixed.parse(String(decoding: base, as: UTF8.self)) != nil)
    }

    private func sample(for pattern: String) -> String {
        pattern.replacingOccurrences(of: "YYYY", with: "2024").replacingOccurrences(of: "MM", with: "02")
            .replacingOccurrences(of: "DD", with: "29").replacingOccurrences(of: "hh", with: "23")
            .replacingOccurrences(of: "mm", with: "59").replacingOccurrences(of: "ss", with: "09")
    }

    @Test("decimals are written exactly at the declared scale, never through floating point",
          arguments: [("0.3", 2, "0.30"), ("12.5", 2, "12.50"), ("-0.004", 2, "0.00"), ("2.345", 2, "2.35"),
                      ("9.995", 2, "10.00"), ("1.5E3", 0, "1500"), ("0.30000000000000004", 2, "0.30"), ("1,234.5", 1, "1234.5")])
    func decimals(text: String, scale: Int, expected: String) {
        #expect(DecimalText.normalize(text, scale: scale) == expected)
    }

    @Test("decimals without a scale drop trailing zeros only", arguments: [("012.500", "12.5"), ("7", "7"), ("-0.0", "0")])
    func decimalsNoScale(text: String, expected: String) {
        #expect(DecimalText.normalize(text, scale: nil) == expected)
    }

    @Test("non-numbers are refused", arguments: ["", "abc", "1.2.3", "1e", "--1"])
    func notNumbers(text: String) {
        #expect(DecimalText.normalize(text, scale: 2) == nil)
    }
}

@Suite("Row batches")
struct RowBatchTests {
    @Test("cells, nulls and source rows round-trip, and filtering keeps the right rows")
    func roundTrip() {
        var batch = RowBatch(columnCount: 2)
        batch.appendCell("张三"); batch.appendNull(); batch.endRow(sourceRow: 2)
        batch.appendCell("李四"); batch.appendCell("x,y"); batch.endRow(sourceRow: 5)
        #expect(batch.rowCount == 2)
        #expect(batch.string(0, 0) == "张三")
        #expect(batch.isNull(0, 1))
        #expect(batch.string(1, 1) == "x,y")
        let kept = batch.filtered([false, true])
        #expect(kept.rowCount == 1)
        #expect(kept.string(0, 0) == "李四")
        #expect(kept.sourceRows == [5])
        let bytes = batch.withCells { cells in cells[1, 0].map { Array($0) } }
        #expect(bytes == Array("李四".utf8))
    }

    @Test("filtering copies runs of kept rows with nulls, empty cells and an abandoned row intact",
          arguments: [[true, true, false, true, true, true, false, false, true],
                      [false, false, false, false, false, false, false, false, false],
                      [true, true, true, true, true, true, true, true, true],
                      [false, true, false, true, false, true, false, true, false]])
    func filteringRuns(_ keep: [Bool]) {
        var batch = RowBatch(columnCount: 3)
        var expected: [[String?]] = []
        for r in 0..<keep.count {
            let row: [String?] = [r % 3 == 0 ? nil : "行\(r)", r % 4 == 0 ? "" : "v\(r * 7)", r % 2 == 0 ? nil : "末\(r)"]
            if r == 4 { batch.appendCell("abandoned"); batch.appendNull(); batch.abandonRow() }
            for cell in row { if let cell { batch.appendCell(cell) } else { batch.appendNull() } }
            batch.endRow(sourceRow: 100 + r)
            if keep[r] { expected.append(row) }
        }
        let kept = batch.filtered(keep)
        #expect(kept.rowCount == expected.count)
        #expect(kept.sourceRows == keep.indices.filter { keep[$0] }.map { 100 + $0 })
        for (r, row) in expected.enumerated() {
            for c in 0..<3 { #expect(kept.string(r, c) == row[c], "row \(r) column \(c)") }
        }
        // The copy is a batch like any other: it can be filtered again and appended to.
        var again = kept.filtered(Array(repeating: true, count: kept.rowCount))
        again.appendCell("x"); again.appendNull(); again.appendCell("z"); again.endRow(sourceRow: 999)
        #expect(again.string(again.rowCount - 1, 2) == "z")
    }

    @Test("an abandoned half row leaves no trace")
    func abandon() {
        var batch = RowBatch(columnCount: 2)
        batch.appendCell("a"); batch.appendCell("b"); batch.endRow(sourceRow: 1)
        batch.appendCell("c")
        batch.abandonRow()
        batch.appendCell("d"); batch.appendCell("e"); batch.endRow(sourceRow: 3)
        #expect(batch.rowCount == 2)
        #expect(batch.string(1, 0) == "d")
        #expect(batch.byteCount == 4)
    }
}

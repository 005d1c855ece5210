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

    @Test("an abandoned half row leaves no trace")
    func abandon() {
        var batch = RowBatch(columnCount: 2)
        batch.appendCell("a"); batch.appendCell("b"); batch.endRow(sourceRow: 1)
        batch.appendCell("c")
        batch.abandonRow()
        batch.appendCell("d"); batch.appendCell("e"); batch.endRow(sourceRow: 3)
        #expect(batch.rowCount == 2)
        #expect(batch.string(1, 0) == "d")
        #expect(batch.bytes.count == 4)
    }
}

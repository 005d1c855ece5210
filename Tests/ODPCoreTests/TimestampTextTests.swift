import ODPCore
import Testing

/// Issue 23 item 3: the timestamp text PostgreSQL, openGauss and KingbaseES write is a
/// `datetime`, published in one form with its zone.
@Suite("Native timestamp text")
struct TimestampTextTests {
    @Test("database and ISO 8601 text parses; the published form keeps fraction and zone",
          arguments: [
            ("2026-05-01 10:00:00", "2026-05-01T10:00:00"),
            ("2026-05-01T10:00:00", "2026-05-01T10:00:00"),
            ("2026-05-01 10:00:00.123456", "2026-05-01T10:00:00.123456"),
            ("2026-05-01 10:00:00+08", "2026-05-01T10:00:00+08:00"),
            ("2026-05-01 10:00:00.5+08:00", "2026-05-01T10:00:00.5+08:00"),
            ("2026-05-01T02:00:00Z", "2026-05-01T02:00:00+00:00"),
            ("2026-05-01 10:00:00-03:30", "2026-05-01T10:00:00-03:30"),
            ("2026-05-01 10:00:00+0530", "2026-05-01T10:00:00+05:30"),
          ])
    func parses(text: String, published: String) throws {
        #expect(try #require(TimestampText.parse(text)).normalized == published)
    }

    @Test("malformed text and impossible calendars are refused",
          arguments: ["2026-05-01", "2026-05-01 10:00", "2026-02-30 10:00:00", "2026-05-01 24:00:00", "2026-05-01 10:00:00.",
                      "2026-05-01 10:00:00+8", "2026-05-01 10:00:00 +08", "2026-05-01 10:00:00.1234567890", "2026/05/01 10:00:00"])
    func refuses(text: String) {
        #expect(TimestampText.parse(text) == nil)
    }

    @Test("a declared zone converts offsets and stamps values without one, across a day and a year")
    func converts() throws {
        let beijing = try #require(TimestampText.zoneOffset("+08:00"))
        #expect(beijing == 28_800)
        #expect(TimestampText.zoneOffset("UTC") == 0 && TimestampText.zoneOffset("+08") == 28_800 && TimestampText.zoneOffset("Asia/Shanghai") == nil)
        func convert(_ text: String) throws -> String { try #require(TimestampText.parse(text)).converted(to: beijing).normalized }
        #expect(try convert("2026-05-01 02:00:00+00") == "2026-05-01T10:00:00+08:00")
        #expect(try convert("2026-12-31 20:30:00.25Z") == "2027-01-01T04:30:00.25+08:00")
        #expect(try convert("2024-02-29 23:00:00-05") == "2024-03-01T12:00:00+08:00")
        #expect(try convert("2026-05-01 10:00:00") == "2026-05-01T10:00:00+08:00")
    }

    @Test("civil arithmetic agrees with the calendar over four centuries")
    func arithmetic() {
        var day = CivilDateTime(year: 1999, month: 12, day: 31), wrong = 0
        for _ in 0..<(146_097 + 400) {
            let next = day.adding(seconds: 86_400)
            if !next.isValid || next <= day { wrong += 1 }
            day = next
        }
        #expect(wrong == 0)
        #expect(day == CivilDateTime(year: 2401, month: 2, day: 3))
        #expect(CivilDateTime(year: 2026, month: 1, day: 1).adding(seconds: -1) == CivilDateTime(year: 2025, month: 12, day: 31, hour: 23, minute: 59, second: 59))
    }
}

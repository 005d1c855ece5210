import Foundation
import Testing
@testable import ODPCore

@Suite("更新周期 as calendar periods")
struct UpdateCyclePeriodTests {
    /// A moment given in Beijing time.
    func beijing(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 12) -> Date {
        Date(timeIntervalSince1970: Double(CivilDays.days(y, m, d)) * 86_400 + Double(h - 8) * 3600)
    }

    @Test("每月 is a calendar month: 31 January then 1 February keeps both; due on the 1st, not after 28 days")
    func monthly() {
        let c = UpdateCycle.monthly
        #expect(c.isDue(lastRelease: beijing(2026, 1, 31), now: beijing(2026, 2, 1)))
        #expect(!c.isDue(lastRelease: beijing(2026, 1, 1), now: beijing(2026, 1, 31)))
        #expect(!c.isOverdue(lastRelease: beijing(2026, 1, 1), now: beijing(2026, 2, 28)))
        #expect(c.isOverdue(lastRelease: beijing(2026, 1, 31), now: beijing(2026, 3, 1)))
        #expect(c.overdueFrom(lastRelease: beijing(2026, 10, 15)) == beijing(2026, 12, 1, 0))
        #expect(c.overdueFrom(lastRelease: beijing(2026, 11, 15)) == beijing(2027, 1, 1, 0))
    }

    @Test("the day turns at midnight Beijing time, not UTC")
    func daily() {
        let c = UpdateCycle.daily
        // 2026-12-07 07:30 Beijing is still 2026-12-06 in UTC.
        #expect(c.isDue(lastRelease: beijing(2026, 12, 6, 23), now: beijing(2026, 12, 7, 7)))
        #expect(!c.isDue(lastRelease: beijing(2026, 12, 7, 0), now: beijing(2026, 12, 7, 23)))
        #expect(c.period(of: beijing(2026, 12, 7, 0)) == c.period(of: beijing(2026, 12, 7, 23)))
    }

    @Test("每周 is an ISO week from Monday; 每季度 a calendar quarter; 每年 a year")
    func weekQuarterYear() {
        // 2026-12-06 is a Sunday, 12-07 a Monday.
        #expect(UpdateCycle.weekly.isDue(lastRelease: beijing(2026, 12, 6), now: beijing(2026, 12, 7)))
        #expect(!UpdateCycle.weekly.isDue(lastRelease: beijing(2026, 11, 30), now: beijing(2026, 12, 6)))
        #expect(UpdateCycle.weekly.overdueFrom(lastRelease: beijing(2026, 12, 2)) == beijing(2026, 12, 14, 0))
        #expect(!UpdateCycle.quarterly.isDue(lastRelease: beijing(2026, 10, 1), now: beijing(2026, 12, 31)))
        #expect(UpdateCycle.quarterly.isDue(lastRelease: beijing(2026, 12, 31), now: beijing(2027, 1, 1)))
        #expect(UpdateCycle.quarterly.overdueFrom(lastRelease: beijing(2026, 5, 1)) == beijing(2026, 10, 1, 0))
        #expect(UpdateCycle.yearly.overdueFrom(lastRelease: beijing(2025, 3, 1)) == beijing(2027, 1, 1, 0))
        #expect(!UpdateCycle.yearly.isOverdue(lastRelease: beijing(2025, 1, 1), now: beijing(2026, 12, 31)))
    }

    @Test("实时 is always due; 不定期 is due only before its first release and never overdue")
    func realtimeIrregular() {
        #expect(UpdateCycle.realtime.isDue(lastRelease: beijing(2026, 12, 7, 10), now: beijing(2026, 12, 7, 11)))
        #expect(UpdateCycle.irregular.isDue(lastRelease: nil, now: beijing(2026, 12, 7)))
        #expect(!UpdateCycle.irregular.isDue(lastRelease: beijing(2020, 1, 1), now: beijing(2026, 12, 7)))
        #expect(!UpdateCycle.irregular.isOverdue(lastRelease: beijing(2020, 1, 1), now: beijing(2026, 12, 7)))
        #expect(UpdateCycle.irregular.overdueFrom(lastRelease: beijing(2020, 1, 1)) == nil)
    }

    @Test("periods before 1970 and across year ends number consecutively")
    func consecutive() {
        for cycle in [UpdateCycle.monthly, .quarterly, .weekly] {
            let a = cycle.period(of: beijing(1969, 12, 31))!, b = cycle.period(of: beijing(1970, 1, 1))!
            #expect(b - a <= 1 && b >= a)
            #expect(cycle.start(ofPeriod: b)! <= beijing(1970, 1, 1) && cycle.start(ofPeriod: b + 1)! > beijing(1970, 1, 1))
        }
    }
}

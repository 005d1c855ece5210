import Foundation

/// Working days as Shandong's review rule counts them: Monday to Friday in Beijing time.
/// Public holidays and the weekend days made working days around them are not known here,
/// so around a holiday the count runs ahead (an alert comes early, never late).
public enum WorkingDays {
    /// Whole working days from `start` (ISO 8601 UTC) to `end`: the day of `start` does not
    /// count, each following Monday–Friday up to and including the day of `end` does.
    public static func between(_ start: String, _ end: Date) -> Int? {
        guard let from = BeijingTime.parse(start) else { return nil }
        let a = BeijingTime.parts(from), b = BeijingTime.parts(end)
        let first = CivilDays.days(a.year, a.month, a.day), last = CivilDays.days(b.year, b.month, b.day)
        guard last > first else { return 0 }
        var count = 0
        for day in (first + 1)...last where isWeekday(day) { count += 1 }
        return count
    }

    /// 1970-01-01 (day 0) was a Thursday.
    static func isWeekday(_ day: Int) -> Bool {
        let weekday = ((day % 7) + 7 + 3) % 7  // 0 = Monday
        return weekday < 5
    }
}

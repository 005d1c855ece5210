/// Day numbers for the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil` and
/// `civil_from_days`): days since 1970-01-01, and back. Used for date differences in rules
/// and for spreadsheet serial dates.
public enum CivilDays {
    public static func days(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civil(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }

    /// Whole years from day `a` to day `b` (an age: the anniversary must have come; a
    /// 29 February start counts its anniversary on 1 March in common years). Negative when
    /// `b` is before `a`.
    public static func completedYears(from a: Int, to b: Int) -> Int {
        guard b >= a else { return -completedYears(from: b, to: a) }
        let x = civil(a), y = civil(b)
        return y.year - x.year - ((y.month, y.day) < (x.month, x.day) ? 1 : 0)
    }
}

import ODPCore

/// Spreadsheet serial dates to ISO text.
enum ExcelDate {
    /// Serials a spreadsheet shows as dates: 1900-01-00 to 9999-12-31 (Excel shows `####`
    /// outside). Others (1e300, a damaged cell) stay numbers instead of trapping in `Int()`.
    static let serials = 0.0..<2_958_466.0

    static func iso(serial: Double, kind: XLSXWorkbook.DateKind, uses1904: Bool) -> String {
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 { days += 1; seconds -= 86_400 }
        let epoch: Int
        if uses1904 {
            epoch = daysFromCivil(1904, 1, 1)
        } else if days < 61 {
            // Excel counts 1900-02-29, which never existed; serials before it are one day later.
            epoch = daysFromCivil(1899, 12, 31)
            if days == 60 { days = 59 }
        } else {
            epoch = daysFromCivil(1899, 12, 30)
        }
        let (y, m, d) = civilFromDays(epoch + days)
        let date = CivilDateTime(year: y, month: m, day: d, hour: seconds / 3600, minute: seconds / 60 % 60, second: seconds % 60)
        switch kind {
        case .date, .none: return date.isoDate
        case .dateTime: return date.isoDateTime
        case .time:
            if days == 0 || (!uses1904 && serial < 1) {
                return String(date.isoDateTime.dropFirst(11))
            }
            return date.isoDateTime
        }
    }

    // Howard Hinnant's civil calendar algorithms (days since 1970-01-01).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
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
}

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
            epoch = CivilDays.days(1904, 1, 1)
        } else if days < 61 {
            // Excel counts 1900-02-29, which never existed; serials before it are one day later.
            epoch = CivilDays.days(1899, 12, 31)
            if days == 60 { days = 59 }
        } else {
            epoch = CivilDays.days(1899, 12, 30)
        }
        let (y, m, d) = CivilDays.civil(epoch + days)
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
}

import ODPCore

enum PlateDetector: DetectorUnit {
    static let kind = IdentifierKind.plate
    static let parameters: String? = "a province abbreviation, a letter and 5 characters (at least one digit), or 6 for new-energy plates with `D`/`F` first or last"
    static let summary = UnitSummary(chinese: "机动车号牌", english: "vehicle plate")
}

extension RunScanner {
    /// A province abbreviation right before a capital and 5 characters (at least one digit,
    /// no I or O first), or 6 for new-energy plates with `D`/`F` first or last: where the
    /// plate starts (its abbreviation), nil when the word is no plate.
    func plateStart(_ ws: Int, _ we: Int) -> Int? {
        let len = we - ws
        guard len == 6 || len == 7, let provinceStart = ChineseNames.provinceAbbreviation(endingAt: ws, in: p) else { return nil }
        let first = p[ws]
        guard first != 0x49, first != 0x4f else { return nil }
        var anyDigit = false
        for i in (ws + 1)..<we {
            if isDigit(i) { anyDigit = true } else if !isUpper(i) { return nil }
        }
        guard anyDigit else { return nil }
        if len == 7 {
            let d = UInt8(ascii: "D"), f = UInt8(ascii: "F")
            guard p[ws + 1] == d || p[ws + 1] == f || p[we - 1] == d || p[we - 1] == f else { return nil }
        }
        return provinceStart
    }
}

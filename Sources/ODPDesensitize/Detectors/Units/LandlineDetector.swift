import ODPCore

enum LandlineDetector: DetectorUnit {
    static let kind = IdentifierKind.landline
    static let parameters: String? = "`0` + 2–3 digit area code, then `-` (or the code in parentheses) and 7–8 digits, optionally an extension"
    static let summary = UnitSummary(chinese: "固定电话号码", english: "fixed-line phone number")
}

extension RunScanner {
    /// `(010)` / `（0531）` right before the number, optionally with one space: returns
    /// where the opening parenthesis starts.
    func parenAreaCode(before cs: Int) -> Int? {
        var j = cs - 1
        if j >= 0, p[j] == UInt8(ascii: " ") { j -= 1 }
        if j >= 0, p[j] == UInt8(ascii: ")") { j -= 1 } else if j >= 2, p[j - 2] == 0xEF, p[j - 1] == 0xBC, p[j] == 0x89 { j -= 3 } else { return nil }
        var digits = 0
        while j >= 0, isDigit(j) { digits += 1; j -= 1 }
        guard (3...4).contains(digits), digit(j + 1) == 0, digit(j + 2) != 0 else { return nil }
        if j >= 0, p[j] == UInt8(ascii: "(") { return j }
        if j >= 2, p[j - 2] == 0xEF, p[j - 1] == 0xBC, p[j] == 0x88 { return j - 2 }
        return nil
    }
}

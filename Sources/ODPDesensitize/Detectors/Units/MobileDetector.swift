import ODPCore

enum MobileDetector: DetectorUnit {
    static let kind = IdentifierKind.mobile
    static let parameters: String? = "11 digits with a current 3-digit prefix, optionally `+86`/`0086`/`86-` and 3-4-4 grouping with spaces or hyphens"
    static let summary = UnitSummary(chinese: "手机号码", english: "mobile phone number")
}

extension RunScanner {
    @inline(__always) func mobilePrefix(_ q: Int) -> Bool {
        guard digit(q) == 1 else { return false }
        let d2 = digit(q + 2)
        switch digit(q + 1) {
        case 3, 8: return true
        case 4: return d2 >= 5
        case 5, 9: return d2 != 4
        case 6: return d2 == 2 || d2 == 5 || d2 == 6 || d2 == 7
        case 7: return d2 <= 8
        default: return false
        }
    }
}

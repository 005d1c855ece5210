import ODPCore

enum HKMacauPermitDetector: DetectorUnit {
    static let kind = IdentifierKind.hkMacauPermit
    static let parameters: String? = "`C` + 8 digits or `C` + letter + 7 digits (往来港澳通行证), `H`/`M` + 8 or 10 digits (港澳居民来往内地通行证)"
    static let summary = UnitSummary(chinese: "港澳通行证号码", english: "Hong Kong/Macau travel permit number")
}

extension RunScanner {
    /// 往来港澳通行证: `C` + 8 digits or `C` + a letter + 7 digits; 港澳居民来往内地通行证:
    /// `H`/`M` + 8 or 10 digits.
    func hkMacauPermit(_ ws: Int, _ we: Int) -> Bool {
        let first = p[ws], len = we - ws
        let homeReturn = first == UInt8(ascii: "H") || first == UInt8(ascii: "M")
        if len == 9 {
            if first == UInt8(ascii: "C") { return restDigits(ws, we) || letterThen7(ws, we) }
            return homeReturn && restDigits(ws, we)
        }
        return len == 11 && homeReturn && restDigits(ws, we)
    }
}

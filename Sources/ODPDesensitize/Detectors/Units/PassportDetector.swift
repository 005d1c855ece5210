import ODPCore

enum PassportDetector: DetectorUnit {
    static let kind = IdentifierKind.passport
    static let parameters: String? = "`E`/`G` + 8 digits, or `E` + letter + 7 digits"
    static let summary = UnitSummary(chinese: "护照号码", english: "passport number")
}

extension RunScanner {
    /// `E`/`G` + 8 digits, or `E` + a letter + 7 digits.
    func passport(_ ws: Int, _ we: Int) -> Bool {
        guard we - ws == 9 else { return false }
        let first = p[ws]
        if first == UInt8(ascii: "E") { return restDigits(ws, we) || letterThen7(ws, we) }
        return first == UInt8(ascii: "G") && restDigits(ws, we)
    }
}

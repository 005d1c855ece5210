import ODPCore

enum TaiwanPermitDetector: DetectorUnit {
    static let kind = IdentifierKind.taiwanPermit
    static let parameters: String? = "8 digits, only when 台胞 or 台湾居民 appears shortly before in the same cell"
    static let summary = UnitSummary(chinese: "台湾居民来往大陆通行证号码", english: "Taiwan resident travel permit number")
}

extension RunScanner {
    /// 台胞 or 台湾居民 within the 45 bytes before (about 15 Chinese characters).
    func taiwanContext(before cs: Int) -> Bool {
        let from = max(0, cs - 45)
        var k = from
        while k + 6 <= cs {
            if p[k] == 0xE5, p[k + 1] == 0x8F, p[k + 2] == 0xB0 {
                if p[k + 3] == 0xE8, p[k + 4] == 0x83, p[k + 5] == 0x9E { return true }
                if k + 12 <= cs, p[k + 3] == 0xE6, p[k + 4] == 0xB9, p[k + 5] == 0xBE,
                   p[k + 6] == 0xE5, p[k + 7] == 0xB1, p[k + 8] == 0x85, p[k + 9] == 0xE6, p[k + 10] == 0xB0, p[k + 11] == 0x91 {
                    return true
                }
            }
            k += 1
        }
        return false
    }
}

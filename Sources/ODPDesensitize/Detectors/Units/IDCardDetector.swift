import ODPCore

enum IDCardDetector: DetectorUnit {
    static let kind = IdentifierKind.idCard
    static let parameters: String? = "18 characters with a GB 11643 check character, or the legacy 15 digits; a birth date between 1900 and the run date and a province code that exists"
    static let summary = UnitSummary(chinese: "居民身份证号", english: "resident ID number, GB 11643")
}

extension RunScanner {
    @inline(__always) func province(_ q: Int) -> Bool {
        switch digit(q) * 10 + digit(q + 1) {
        case 11...15, 21...23, 31...37, 41...46, 50...54, 61...65, 71, 81, 82: return true
        default: return false
        }
    }

    func validBirth(_ year: Int, _ month: Int, _ day: Int) -> Bool {
        year >= 1900 && (1...12).contains(month) && day >= 1 && day <= CivilDateTime.daysIn(month: month, year: year)
            && year * 10000 + month * 100 + day <= today
    }

    func id18(_ q: Int) -> Bool {
        guard province(q), Checksums.gb11643(UnsafeBufferPointer(rebasing: p[q..<(q + 18)])) else { return false }
        let year = digit(q + 6) * 1000 + digit(q + 7) * 100 + digit(q + 8) * 10 + digit(q + 9)
        return validBirth(year, digit(q + 10) * 10 + digit(q + 11), digit(q + 12) * 10 + digit(q + 13))
    }

    func id15(_ q: Int) -> Bool {
        guard province(q) else { return false }
        return validBirth(1900 + digit(q + 6) * 10 + digit(q + 7), digit(q + 8) * 10 + digit(q + 9), digit(q + 10) * 10 + digit(q + 11))
    }
}

import ODPCore

/// Valid-looking (checksum-correct) identifiers for synthetic people and businesses.
/// None belongs to a real person: birth sequences are random and names are drawn freely.
enum DemoIdentifiers {
    static func name(_ r: inout DemoRandom) -> String {
        let surname = r.pick(DemoVocabulary.surnames)
        let given = r.chance(0.7) ? r.pick(DemoVocabulary.givenChars) + r.pick(DemoVocabulary.givenChars) : r.pick(DemoVocabulary.givenChars)
        return surname + given
    }

    static func idNumber(_ r: inout DemoRandom, validCheck: Bool = true) -> String {
        let region = r.pick(DemoVocabulary.birthRegions)
        let year = r.int(in: 1955...2004), month = r.int(in: 1...12)
        let day = r.int(in: 1...CivilDateTime.daysIn(month: month, year: year))
        let seq = r.int(in: 1...999)
        let body = region + pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(seq, 3)
        let check = Checksums.gb11643CheckCharacter(body)!
        if validCheck { return body + String(check) }
        let wrong = "0123456789X".first { $0 != check }!
        return body + String(wrong)
    }

    static func uscc(_ r: inout DemoRandom, region: String, validCheck: Bool = true) -> String {
        usccWith(prefix: "92", &r, region: region, validCheck: validCheck)
    }

    /// `prefix`: 登记管理部门码 + 机构类别码 (92 个体工商户, 52 民政 社会服务机构).
    static func usccWith(prefix: String, _ r: inout DemoRandom, region: String, validCheck: Bool = true) -> String {
        let chars = Checksums.uscc.map { Character(UnicodeScalar($0)) }
        var body = prefix + region
        for _ in 0..<9 { body.append(chars[r.int(chars.count)]) }
        let check = Checksums.gb32100CheckCharacter(body)!
        if validCheck { return body + String(check) }
        return body + String(chars.first { $0 != check }!)
    }

    static func mobile(_ r: inout DemoRandom) -> String {
        r.pick(DemoVocabulary.mobilePrefixes) + pad(r.int(100_000_000), 8)
    }

    static func landline(_ r: inout DemoRandom) -> String {
        "0591-" + pad(r.int(in: 2...8), 1) + pad(r.int(10_000_000), 7)
    }

    static func address(_ r: inout DemoRandom, district: DemoVocabulary.District) -> String {
        "福建省福州市\(district.name)\(r.pick(district.roads))\(r.int(in: 1...399))号"
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// What a 公民身份号码 says about its holder, read from the bytes (GB 11643-1999 §4): the
/// region code (digits 1–6), the birth date (7–14; in a 15-digit number issued before 1999,
/// 7–12 as YYMMDD of the 1900s) and the sex (17th digit; the 15th of a 15-digit number, odd
/// for men). Shared by the `gb11643` rule options and the row-expression functions.
public enum CitizenID {
    /// 18 characters with a valid check character, or 15 digits when `allowLegacy` (the
    /// 15-digit form has no check character).
    @inline(__always)
    public static func isWellFormed(_ id: UnsafeBufferPointer<UInt8>, allowLegacy: Bool) -> Bool {
        if id.count == 18 { return Checksums.gb11643(id) }
        return allowLegacy && id.count == 15 && digits(id, 0, 15) != nil
    }

    /// The embedded birth date when it is a real calendar date, else nil. Does not judge the
    /// check character: callers that need it run `isWellFormed` first.
    @inline(__always)
    public static func birth(_ id: UnsafeBufferPointer<UInt8>) -> (year: Int, month: Int, day: Int)? {
        let year: Int, at: Int
        switch id.count {
        case 18:
            guard let y = digits(id, 6, 4) else { return nil }
            year = y; at = 10
        case 15:
            guard let y = digits(id, 6, 2) else { return nil }
            year = 1900 + y; at = 8
        default: return nil
        }
        guard let month = digits(id, at, 2), let day = digits(id, at + 2, 2),
              isRealDate(year, month, day) else { return nil }
        return (year, month, day)
    }

    /// The embedded birth date as days since 1970-01-01.
    @inline(__always)
    public static func birthDay(_ id: UnsafeBufferPointer<UInt8>) -> Int? {
        birth(id).map { CivilDays.days($0.year, $0.month, $0.day) }
    }

    /// 1 for men, 2 for women (the GB/T 2261.1 sex codes), nil when the digit is not a digit.
    @inline(__always)
    public static func sexCode(_ id: UnsafeBufferPointer<UInt8>) -> Int? {
        let at: Int
        switch id.count {
        case 18: at = 16
        case 15: at = 14
        default: return nil
        }
        guard let d = digits(id, at, 1) else { return nil }
        return d % 2 == 1 ? 1 : 2
    }

    /// The six region-code bytes (a view into `id`), nil when the number is not 15 or 18 long
    /// or they are not digits.
    @inline(__always)
    public static func region(_ id: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard id.count == 18 || id.count == 15, digits(id, 0, 6) != nil else { return nil }
        return UnsafeBufferPointer(rebasing: id[0..<6])
    }

    public static func isRealDate(_ year: Int, _ month: Int, _ day: Int) -> Bool {
        month >= 1 && month <= 12 && day >= 1 && day <= CivilDateTime.daysIn(month: month, year: year)
    }

    /// The decimal value of `count` ASCII digits at `from`, nil when one is not a digit.
    @inline(__always)
    static func digits(_ id: UnsafeBufferPointer<UInt8>, _ from: Int, _ count: Int) -> Int? {
        var v = 0
        for i in from..<(from + count) {
            let d = id[i] &- 0x30
            if d > 9 { return nil }
            v = v &* 10 &+ Int(d)
        }
        return v
    }
}

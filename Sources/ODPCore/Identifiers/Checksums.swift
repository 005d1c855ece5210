/// Check-character algorithms of Chinese identifier standards, on UTF-8 bytes. Shared by
/// the detectors (ODPDesensitize) and the checksum rules (ODPCheck), so both agree.
public enum Checksums {
    /// GB 11643-1999 citizen ID: 17 digits and a MOD 11-2 check character (0-9 or X).
    ///
    /// The weights are 2^(17-i) mod 11, so the sum is taken by doubling (Horner's rule)
    /// instead of through a weight table: the checker and the identifier scan run this on
    /// every ID-like cell.
    public static func gb11643(_ id: UnsafeBufferPointer<UInt8>) -> Bool {
        guard id.count == 18 else { return false }
        var sum = 0
        for i in 0..<17 {
            let d = id[i] &- 0x30
            if d > 9 { return false }
            sum = sum &* 2 &+ Int(d)
        }
        let check = (12 - (sum * 2) % 11) % 11
        let last = id[17]
        return check == 10 ? last == UInt8(ascii: "X") || last == UInt8(ascii: "x") : Int(last) == 0x30 + check
    }

    /// The check character for 17 ID digits (for generators and tests).
    public static func gb11643CheckCharacter(_ first17: String) -> Character? {
        let digits = first17.compactMap(\.wholeNumberValue)
        guard digits.count == 17 else { return nil }
        let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(digits, w).reduce(0) { $0 + $1.0 * $1.1 }
        return Array("10X98765432")[sum % 11]
    }

    /// Characters of the 统一社会信用代码 (GB 32100-2015): digits and capitals without I O S V Z.
    public static let uscc: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)

    /// A character's value in `uscc`, or -1, looked up branch-free: code characters are
    /// random, so branching on character ranges mispredicted often and cost twice the
    /// time. The table covers "0"…"Z" as `value + 0x30`, "~" for a non-code byte; a string
    /// literal sits in read-only data, so reading it needs no lazy-initialisation check as a
    /// `static let` array would.
    @inline(__always)
    static func usccValue(_ c: UInt8) -> Int {
        let i = Int(c) &- 0x30
        guard i >= 0, i < 43 else { return -1 }
        let v = Int(usccTable.utf8Start[i]) &- 0x30
        return v > 30 ? -1 : v
    }

    private static var usccTable: StaticString { "0123456789~~~~~~~:;<=>?@A~BCDEF~GHI~JK~LMN~" }

    /// Σ value·3^i mod 31 over the first 17 characters (GB 32100's weights are 3^i mod 31),
    /// by Horner's rule from the last character; nil when one is not a code character.
    @inline(__always)
    static func usccSum<C: Collection<UInt8>>(_ first17: C) -> Int? where C.Index == Int {
        var sum = 0
        var i = first17.startIndex + 16
        while i >= first17.startIndex {
            let v = usccValue(first17[i])
            if v < 0 { return nil }
            sum = sum &* 3 &+ v
            i -= 1
        }
        return sum % 31
    }

    /// GB 32100-2015 统一社会信用代码: 18 characters, MOD 31 check character.
    public static func gb32100(_ code: UnsafeBufferPointer<UInt8>) -> Bool {
        guard code.count == 18, let sum = usccSum(code) else { return false }
        return usccValue(code[17]) == (31 - sum) % 31
    }

    public static func gb32100CheckCharacter(_ first17: String) -> Character? {
        let bytes = Array(first17.utf8)
        guard bytes.count == 17, let sum = usccSum(bytes) else { return nil }
        return Character(UnicodeScalar(uscc[(31 - sum) % 31]))
    }

    /// GB 11714-1997 组织机构代码: 8 digits/capitals and a MOD 11 check (digit or X),
    /// with or without the hyphen before the check character.
    public static func gb11714(_ code: UnsafeBufferPointer<UInt8>) -> Bool {
        let body: [UInt8]
        if code.count == 10, code[8] == UInt8(ascii: "-") { body = Array(code[0..<8]) + [code[9]] }
        else if code.count == 9 { body = Array(code) } else { return false }
        return gb11714CheckCharacter(body[0..<8]).map { $0 == body[8] } ?? false
    }

    public static func gb11714CheckCharacter(_ first8: ArraySlice<UInt8>) -> UInt8? {
        let w = [3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for (i, c) in first8.enumerated() {
            let v: Int
            switch c {
            case 0x30...0x39: v = Int(c) - 0x30
            case 0x41...0x5a: v = Int(c) - 0x41 + 10
            default: return nil
            }
            sum += v * w[i]
        }
        let c = 11 - sum % 11
        return c == 10 ? UInt8(ascii: "X") : c == 11 ? UInt8(ascii: "0") : UInt8(0x30 + c)
    }

    /// Luhn (ISO/IEC 7812) over a run of digits.
    public static func luhn(_ digits: UnsafeBufferPointer<UInt8>) -> Bool {
        guard digits.count >= 2 else { return false }
        var sum = 0
        var double = false
        var i = digits.count - 1
        while i >= 0 {
            var d = Int(digits[i]) - 0x30
            if d < 0 || d > 9 { return false }
            if double { d *= 2; if d > 9 { d -= 9 } }
            sum += d
            double.toggle()
            i -= 1
        }
        return sum % 10 == 0
    }

    /// Convenience for tests and edges.
    public static func check(_ text: String, _ algorithm: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var text = text
        return text.withUTF8 { algorithm($0) }
    }
}

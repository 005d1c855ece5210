/// Check-character algorithms of Chinese identifier standards, on UTF-8 bytes. Shared by
/// the detectors (ODPDesensitize) and the checksum rules (ODPCheck), so both agree.
public enum Checksums {
    /// GB 11643-1999 citizen ID: 17 digits and a MOD 11-2 check character (0-9 or X).
    public static func gb11643(_ id: UnsafeBufferPointer<UInt8>) -> Bool {
        guard id.count == 18 else { return false }
        let weights: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) =
            (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
        var sum = 0
        withUnsafeBytes(of: weights) { raw in
            let w = raw.bindMemory(to: Int.self)
            for i in 0..<17 {
                let d = Int(id[i]) - 0x30
                if d < 0 || d > 9 { sum = -1; return }
                sum += d * w[i]
            }
        }
        guard sum >= 0 else { return false }
        let expected = gb11643CheckTable[sum % 11]
        let last = id[17] == UInt8(ascii: "x") ? UInt8(ascii: "X") : id[17]
        return last == expected
    }

    static let gb11643CheckTable: [UInt8] = Array("10X98765432".utf8)

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
    static let usccValue: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in uscc.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()
    static let usccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// GB 32100-2015 统一社会信用代码: 18 characters, MOD 31 check character.
    public static func gb32100(_ code: UnsafeBufferPointer<UInt8>) -> Bool {
        guard code.count == 18 else { return false }
        var sum = 0
        for i in 0..<17 {
            let v = Int(usccValue[Int(code[i])])
            if v < 0 { return false }
            sum += v * usccWeights[i]
        }
        let check = (31 - sum % 31) % 31
        return Int(usccValue[Int(code[17])]) == check
    }

    public static func gb32100CheckCharacter(_ first17: String) -> Character? {
        let bytes = Array(first17.utf8)
        guard bytes.count == 17 else { return nil }
        var sum = 0
        for i in 0..<17 {
            let v = Int(usccValue[Int(bytes[i])])
            if v < 0 { return nil }
            sum += v * usccWeights[i]
        }
        return Character(UnicodeScalar(uscc[(31 - sum % 31) % 31]))
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

/// Exact decimal text handling: numbers are kept as written digits, never through Double,
/// so a published value is what the department recorded (no 0.30000000000000004).
public enum DecimalText {
    /// Writes `text` as a decimal with exactly `scale` fraction digits (half away from zero
    /// when digits are dropped). Accepts an optional sign, digits, one `.`, and an exponent
    /// from spreadsheet exports (`1.5E3`). Returns false when the text is not a number.
    public static func normalize(_ text: UnsafeBufferPointer<UInt8>, scale: Int?, into out: inout [UInt8]) -> Bool {
        var i = 0, n = text.count
        while i < n, text[i] == 0x20 { i += 1 }
        while n > i, text[n - 1] == 0x20 { n -= 1 }
        guard i < n else { return false }
        var negative = false
        if text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") { negative = text[i] == UInt8(ascii: "-"); i += 1 }
        var digits: [UInt8] = []
        var pointAt = -1
        var exponent = 0
        var sawDigit = false
        while i < n {
            let c = text[i]
            if c >= 0x30, c <= 0x39 { digits.append(c); sawDigit = true }
            else if c == UInt8(ascii: "."), pointAt < 0 { pointAt = digits.count }
            else if c == UInt8(ascii: ","), pointAt < 0, sawDigit { /* thousands separator */ }
            else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                i += 1
                var expNegative = false
                if i < n, text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") { expNegative = text[i] == UInt8(ascii: "-"); i += 1 }
                var e = 0, any = false
                while i < n, text[i] >= 0x30, text[i] <= 0x39, e < 1000 { e = e * 10 + Int(text[i] - 0x30); i += 1; any = true }
                guard any, i == n else { return false }
                exponent = expNegative ? -e : e
                break
            } else { return false }
            i += 1
        }
        guard sawDigit else { return false }
        if pointAt < 0 { pointAt = digits.count }
        pointAt += exponent
        // Pad so the point sits inside the digits.
        if pointAt < 0 { digits.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: -pointAt), at: 0); pointAt = 0 }
        if pointAt > digits.count { digits.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: pointAt - digits.count)) }
        var intPart = Array(digits[0..<pointAt])
        var frac = Array(digits[pointAt...])
        if let scale {
            if frac.count > scale {
                let roundUp = frac[scale] >= UInt8(ascii: "5")
                frac = Array(frac[0..<scale])
                if roundUp {
                    var all = intPart + frac
                    var k = all.count - 1
                    while k >= 0 {
                        if all[k] == UInt8(ascii: "9") { all[k] = UInt8(ascii: "0"); k -= 1 } else { all[k] += 1; break }
                    }
                    if k < 0 { all.insert(UInt8(ascii: "1"), at: 0) }
                    intPart = Array(all[0..<(all.count - scale)])
                    frac = Array(all[(all.count - scale)...])
                }
            } else {
                frac.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: scale - frac.count))
            }
        } else {
            while let last = frac.last, last == UInt8(ascii: "0") { frac.removeLast() }
        }
        while intPart.count > 1, intPart[0] == UInt8(ascii: "0") { intPart.removeFirst() }
        if intPart.isEmpty { intPart = [UInt8(ascii: "0")] }
        let isZero = intPart.allSatisfy { $0 == UInt8(ascii: "0") } && frac.allSatisfy { $0 == UInt8(ascii: "0") }
        if negative, !isZero { out.append(UInt8(ascii: "-")) }
        out.append(contentsOf: intPart)
        if !frac.isEmpty { out.append(UInt8(ascii: ".")); out.append(contentsOf: frac) }
        return true
    }

    public static func normalize(_ text: String, scale: Int?) -> String? {
        var text = text
        var out: [UInt8] = []
        let ok = text.withUTF8 { normalize($0, scale: scale, into: &out) }
        return ok ? String(decoding: out, as: UTF8.self) : nil
    }

    /// Parses an integer cell quickly (optional sign, digits only).
    @inline(__always)
    public static func parseInt(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        guard !text.isEmpty else { return nil }
        if text[0] == UInt8(ascii: "-") || text[0] == UInt8(ascii: "+") { negative = text[0] == UInt8(ascii: "-"); i = 1 }
        guard i < text.count, text.count - i <= 18 else { return nil }
        var v: Int64 = 0
        while i < text.count {
            let d = Int64(text[i]) - 0x30
            if d < 0 || d > 9 { return nil }
            v = v * 10 + d
            i += 1
        }
        return negative ? -v : v
    }

    /// A Double for statistics (screens, comparisons), never for published values.
    public static func parseDouble(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        guard !text.isEmpty, text.count < 64 else { return nil }
        return Double(String(decoding: text, as: UTF8.self))
    }
}

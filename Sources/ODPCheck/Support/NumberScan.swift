/// Byte-level number reading for checks and statistics (never for published values).
enum NumberScan {
    /// A Double from plain decimal text (`-12.50`, `1,234.5`, `3e4`); nil when not a number.
    @inline(__always)
    static func double(_ t: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0, n = t.count
        while i < n, t[i] == 0x20 { i += 1 }
        while n > i, t[n - 1] == 0x20 { n -= 1 }
        guard i < n else { return nil }
        var negative = false
        if t[i] == 0x2D || t[i] == 0x2B { negative = t[i] == 0x2D; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0, fracDigits = 0, extraExp = 0
        var point = false
        while i < n {
            let c = t[i]
            if c >= 0x30, c <= 0x39 {
                if mantissa < 100_000_000_000_000_000 {
                    mantissa = mantissa * 10 + UInt64(c - 0x30)
                    if point { fracDigits += 1 }
                } else if !point { extraExp += 1 }
                digits += 1
            } else if c == 0x2E, !point { point = true }
            else if c == 0x2C, !point, digits > 0 { }
            else if c == 0x65 || c == 0x45 {
                guard digits > 0 else { return nil }
                return Double(String(decoding: UnsafeBufferPointer(rebasing: t[0..<n]), as: UTF8.self).replacingOccurrences(of: ",", with: ""))
            } else { return nil }
            i += 1
        }
        guard digits > 0 else { return nil }
        var v = Double(mantissa)
        let e = extraExp - fracDigits
        if e != 0 { v *= pow10(e) }
        return negative ? -v : v
    }

    static func pow10(_ e: Int) -> Double {
        var r = 1.0
        var k = abs(e)
        while k > 0 { r *= 10; k -= 1 }
        return e < 0 ? 1 / r : r
    }

    /// Conformity of a `number` cell: optional sign, digits, optional thousands separators,
    /// optional point, at most `scale` significant fraction digits (trailing zeros allowed).
    @inline(__always)
    static func isDecimal(_ t: UnsafeBufferPointer<UInt8>, scale: Int?) -> Bool {
        var i = 0
        let n = t.count
        guard n > 0 else { return false }
        if t[0] == 0x2D || t[0] == 0x2B { i = 1 }
        var intDigits = 0, frac = 0, lastNonZeroFrac = 0
        var point = false
        while i < n {
            let c = t[i]
            if c >= 0x30, c <= 0x39 {
                if point { frac += 1; if c != 0x30 { lastNonZeroFrac = frac } } else { intDigits += 1 }
            } else if c == 0x2E, !point { point = true }
            else if c == 0x2C, !point, intDigits > 0 { }
            else if (c == 0x65 || c == 0x45), intDigits + frac > 0 { return double(t) != nil }
            else { return false }
            i += 1
        }
        guard intDigits + frac > 0 else { return false }
        if let scale, lastNonZeroFrac > scale { return false }
        return true
    }

    @inline(__always)
    static func isInteger(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = t.count
        guard n > 0 else { return false }
        if t[0] == 0x2D || t[0] == 0x2B { i = 1 }
        guard i < n, n - i <= 18 else { return false }
        while i < n { if t[i] < 0x30 || t[i] > 0x39 { return false }; i += 1 }
        return true
    }
}

import Foundation

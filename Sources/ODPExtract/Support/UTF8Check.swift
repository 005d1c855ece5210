/// Strict UTF-8 validation (no overlongs, surrogates or code points above U+10FFFF), with
/// an 8-bytes-at-a-time path for ASCII, which is most of government data, and a 4-byte test
/// for the three-byte sequences of Chinese text, which is most of the rest.
enum UTF8Check {
    static func isValid(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var i = 0
        while i < count {
            while i + 8 <= count, UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            while i < count, p[i] < 0x80 { i += 1 }
            if i == count { return true }
            // 1110xxxx 10xxxxxx 10xxxxxx with a lead of E1–EC or EE–EF: no overlong (E0) or surrogate (ED) check needed.
            while i + 4 <= count {
                let x = UnsafeRawPointer(p + i).loadUnaligned(as: UInt32.self)
                let lead = x & 0xFF
                guard x & 0x00C0_C0F0 == 0x0080_80E0, lead != 0xE0, lead != 0xED else { break }
                i += 3
            }
            if i == count { return true }
            if p[i] < 0x80 { continue }
            guard let n = sequenceLength(p + i, count - i) else { return false }
            i += n
        }
        return true
    }

    /// Length of the valid sequence at `p`, nil when invalid or cut off.
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ left: Int) -> Int? {
        let b0 = p[0]
        @inline(__always) func cont(_ k: Int) -> Bool { k < left && p[k] & 0xC0 == 0x80 }
        switch b0 {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return cont(1) ? 2 : nil
        case 0xE0: return cont(1) && p[1] >= 0xA0 && cont(2) ? 3 : nil
        case 0xED: return cont(1) && p[1] < 0xA0 && cont(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : nil
        case 0xF0: return cont(1) && p[1] >= 0x90 && cont(2) && cont(3) ? 4 : nil
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : nil
        case 0xF4: return cont(1) && p[1] < 0x90 && cont(2) && cont(3) ? 4 : nil
        default: return nil
        }
    }
}

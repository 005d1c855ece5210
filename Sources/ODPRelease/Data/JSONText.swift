/// Minimal JSON string escaping for hand-written, byte-exact JSON output.
enum JSONText {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes the escape for `c` (a quote, backslash or control byte); returns its length.
    @inline(__always)
    static func escape(_ c: UInt8, into out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = 0x5C
        switch c {
        case 0x22: out[1] = 0x22; return 2
        case 0x5C: out[1] = 0x5C; return 2
        case 0x0A: out[1] = UInt8(ascii: "n"); return 2
        case 0x0D: out[1] = UInt8(ascii: "r"); return 2
        case 0x09: out[1] = UInt8(ascii: "t"); return 2
        default:
            out[1] = UInt8(ascii: "u"); out[2] = 0x30; out[3] = 0x30
            out[4] = hexDigits[Int(c >> 4)]; out[5] = hexDigits[Int(c & 15)]
            return 6
        }
    }

    static func quoted(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out = [UInt8](repeating: 0, count: bytes.count * 6 + 2)
        var o = 0
        out.withUnsafeMutableBufferPointer { buf in
            let p = buf.baseAddress!
            p[o] = 0x22; o += 1
            for c in bytes {
                if c >= 0x20, c != 0x22, c != 0x5C { p[o] = c; o += 1 } else { o += escape(c, into: p + o) }
            }
            p[o] = 0x22; o += 1
        }
        return Array(out[0..<o])
    }
}

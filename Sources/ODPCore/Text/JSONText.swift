/// Minimal JSON string escaping for hand-written, byte-exact JSON output (release JSON
/// files, the rows API's answers).
public enum JSONText {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes the escape for `c` (a quote, backslash or control byte); returns its length.
    @inline(__always)
    public static func escape(_ c: UInt8, into out: UnsafeMutablePointer<UInt8>) -> Int {
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

    public static func quoted(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        append(text, to: &out)
        return out
    }

    /// Appends `text` as a quoted JSON string; text needing no escape is copied whole.
    public static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.append(0x22)
            if !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
                out.append(contentsOf: bytes)
            } else {
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 6) { escaped in
                    for c in bytes {
                        if c >= 0x20, c != 0x22, c != 0x5C { out.append(c) } else {
                            out.append(contentsOf: escaped[0..<escape(c, into: escaped.baseAddress!)])
                        }
                    }
                }
            }
            out.append(0x22)
        }
    }
}

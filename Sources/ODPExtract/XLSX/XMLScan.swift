import Foundation

/// Just enough XML for SpreadsheetML: find tags, read attributes, decode text. Works on
/// raw pointers into a chunk window; no DOM, no Foundation XMLParser.
enum XMLScan {
    /// Position of `needle` in `b[from..<to]`, or nil.
    @inline(__always)
    static func find(_ needle: StaticString, in b: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        let n = needle.utf8CodeUnitCount
        let first = Int32(needle.utf8Start[0])
        var p = from
        // memmem is a GNU extension Swift does not import; memchr on the first byte is as fast here.
        while to - p >= n {
            guard let hit = memchr(b + p, first, to - p - n + 1) else { return nil }
            let at = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - b
            if memcmp(b + at, needle.utf8Start, n) == 0 { return at }
            p = at + 1
        }
        return nil
    }

    @inline(__always)
    static func offset(_ hit: UnsafeMutableRawPointer, _ b: UnsafePointer<UInt8>) -> Int {
        UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - b
    }

    /// The next start tag named `name` (exactly) from `from`: its `<` and the index after its `>`.
    static func startTag(_ name: StaticString, in b: UnsafePointer<UInt8>, from: Int, to: Int) -> (open: Int, close: Int, selfClosing: Bool)? {
        var p = from
        while let at = find(name, in: b, from: p, to: to) {
            let after = at + name.utf8CodeUnitCount
            guard after < to else { return nil }
            let c = b[after]
            if c == 0x20 || c == 0x3E || c == 0x2F || c == 0x09 || c == 0x0A || c == 0x0D {
                guard let gt = memchr(b + after, 0x3E, to - after) else { return nil }
                let close = offset(gt, b)
                return (at, close + 1, b[close - 1] == 0x2F)
            }
            p = after
        }
        return nil
    }

    /// Where to keep reading after a window holds no complete element: the last `<` (a tag
    /// cut by the window edge), else the end.
    static func lastTagStart(in b: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        var p = to - 1
        while p >= from { if b[p] == 0x3C { return p }; p -= 1 }
        return to
    }

    /// The value of attribute `name` inside the tag `b[open..<close]`, raw (entities kept).
    static func attribute(_ name: StaticString, in b: UnsafePointer<UInt8>, open: Int, close: Int) -> UnsafeRawBufferPointer? {
        var p = open
        let n = name.utf8CodeUnitCount
        while let at = find(name, in: b, from: p, to: close) {
            p = at + n
            let before = b[at - 1]
            guard before == 0x20 || before == 0x09 || before == 0x0A || before == 0x0D else { continue }
            var q = p
            while q < close, b[q] == 0x20 { q += 1 }
            guard q < close, b[q] == 0x3D else { continue }
            q += 1
            while q < close, b[q] == 0x20 { q += 1 }
            guard q < close, b[q] == 0x22 || b[q] == 0x27 else { continue }
            let quote = b[q]
            let start = q + 1
            var e = start
            while e < close, b[e] != quote { e += 1 }
            return UnsafeRawBufferPointer(start: b + start, count: e - start)
        }
        return nil
    }

    static func attributeString(_ name: StaticString, in b: UnsafePointer<UInt8>, open: Int, close: Int) -> String? {
        attribute(name, in: b, open: open, close: close).map { raw in
            let out = ScratchRecord(slots: 0)
            decode(raw, into: out)
            return String(decoding: UnsafeRawBufferPointer(start: out.bytes, count: out.count), as: UTF8.self)
        }
    }

    /// Appends the text of every `<t>` element in `b[from..<to]`, skipping phonetic runs
    /// (`<rPh>`), so rich text (`<r><t>…</t></r>`) reads as one string.
    static func collectText(in b: UnsafePointer<UInt8>, from: Int, to: Int, into out: ScratchRecord) {
        var p = from
        while p < to {
            guard let lt = memchr(b + p, 0x3C, to - p) else { return }
            let at = offset(lt, b)
            guard at + 3 < to else { return }
            if b[at + 1] == UInt8(ascii: "t"), b[at + 2] == 0x3E || b[at + 2] == 0x20 || b[at + 2] == 0x2F {
                guard let gt = memchr(b + at, 0x3E, to - at) else { return }
                let contentStart = offset(gt, b) + 1
                if b[contentStart - 2] == 0x2F { p = contentStart; continue }
                let contentEnd = find("</t>", in: b, from: contentStart, to: to) ?? to
                decode(UnsafeRawBufferPointer(start: b + contentStart, count: contentEnd - contentStart), into: out)
                p = contentEnd + 4
            } else if b[at + 1] == UInt8(ascii: "r"), b[at + 2] == UInt8(ascii: "P"), b[at + 3] == UInt8(ascii: "h") {
                p = (find("</rPh>", in: b, from: at, to: to) ?? to) + 6
            } else {
                p = at + 1
            }
        }
    }

    /// XML entities and Excel's `_xHHHH_` escapes (control characters such as `_x000D_`).
    static func decode(_ raw: UnsafeRawBufferPointer, into out: ScratchRecord) {
        var i = 0
        let n = raw.count
        while i < n {
            let c = raw[i]
            if c == 0x26, let semi = (i + 1..<min(n, i + 12)).first(where: { raw[$0] == 0x3B }) {
                let name = UnsafeRawBufferPointer(rebasing: raw[(i + 1)..<semi])
                if let scalar = entity(name) {
                    for u in String(scalar).utf8 { out.append(u) }
                    i = semi + 1
                    continue
                }
            }
            if c == 0x5F, i + 6 < n, raw[i + 1] == UInt8(ascii: "x"), raw[i + 6] == 0x5F,
               let v = hex(UnsafeRawBufferPointer(rebasing: raw[(i + 2)..<(i + 6)])), let scalar = UnicodeScalar(v) {
                for u in String(scalar).utf8 { out.append(u) }
                i += 7
                continue
            }
            out.append(c)
            i += 1
        }
    }

    private static func entity(_ name: UnsafeRawBufferPointer) -> UnicodeScalar? {
        if name.elementsEqual("amp".utf8) { return "&" }
        if name.elementsEqual("lt".utf8) { return "<" }
        if name.elementsEqual("gt".utf8) { return ">" }
        if name.elementsEqual("quot".utf8) { return "\"" }
        if name.elementsEqual("apos".utf8) { return "'" }
        guard name.count >= 2, name[0] == 0x23 else { return nil }
        if name[1] == UInt8(ascii: "x") || name[1] == UInt8(ascii: "X") {
            return hex(UnsafeRawBufferPointer(rebasing: name[2...])).flatMap(UnicodeScalar.init)
        }
        var v: UInt32 = 0
        for d in name[1...] {
            guard d >= 0x30, d <= 0x39, v < 0x110000 else { return nil }
            v = v * 10 + UInt32(d - 0x30)
        }
        return UnicodeScalar(v)
    }

    private static func hex(_ t: UnsafeRawBufferPointer) -> UInt32? {
        guard !t.isEmpty, t.count <= 6 else { return nil }
        var v: UInt32 = 0
        for c in t {
            switch c {
            case 0x30...0x39: v = v << 4 | UInt32(c - 0x30)
            case 0x41...0x46: v = v << 4 | UInt32(c - 0x41 + 10)
            case 0x61...0x66: v = v << 4 | UInt32(c - 0x61 + 10)
            default: return nil
            }
        }
        return v
    }

    /// A non-negative decimal integer; nil for anything else, including more digits than an
    /// `Int` holds (a damaged `r="99999999999999999999"` must not trap on overflow).
    static func integer(_ t: UnsafeRawBufferPointer?) -> Int? {
        guard let t, !t.isEmpty, t.count <= 18 else { return nil }
        var v = 0
        for c in t {
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }
}

/// A JSON tokenizer over a chunk window. It throws `.needMore` when a value runs past the
/// window, and the caller re-parses the record after a refill; records are small, so the
/// retry costs little and the tokenizer keeps no state between chunks.
struct JSONCursor {
    enum Fault: Error {
        case needMore
        case syntax(String)
        /// Nested deeper than `maxDepth`.
        case tooDeep
    }

    let b: UnsafeMutablePointer<UInt8>
    let end: Int
    let eof: Bool
    var p: Int
    var newlines = 0
    /// Arrays and objects inside a record's value (`source.limits.max_json_depth`).
    var maxDepth = Int.max

    @inline(__always)
    mutating func skipSpace() throws {
        while p < end {
            let c = b[p]
            if c == 0x20 || c == 0x09 || c == 0x0D { p += 1 } else if c == 0x0A { newlines += 1; p += 1 } else { return }
        }
        if !eof { throw Fault.needMore }
    }

    /// The next byte without consuming it; nil at the real end of input.
    @inline(__always)
    func peek() throws -> UInt8? {
        if p < end { return b[p] }
        if !eof { throw Fault.needMore }
        return nil
    }

    mutating func expect(_ c: UInt8, _ what: String) throws {
        guard let x = try peek() else { throw Fault.syntax("文件意外结束（unexpected end of file），应为 \(what)") }
        guard x == c else { throw Fault.syntax("应为 \(what)，实际是 `\(Self.show(x))`") }
        p += 1
    }

    static func show(_ c: UInt8) -> String { c >= 0x20 && c < 0x7F ? String(UnicodeScalar(c)) : String(format16(c)) }
    private static func format16(_ c: UInt8) -> String { "0x" + String(c, radix: 16) }

    /// Decodes a string (at its opening quote) into `out`.
    mutating func string(into out: ScratchRecord) throws {
        try expect(UInt8(ascii: "\""), "`\"`")
        while true {
            let runStart = p
            while p < end, b[p] != 0x22, b[p] != 0x5C, b[p] >= 0x20 { p += 1 }
            if p > runStart {
                out.append(UnsafeRawBufferPointer(start: b + runStart, count: p - runStart))
            }
            guard p < end else {
                if !eof { throw Fault.needMore }
                throw Fault.syntax("字符串没有结束引号（unterminated string）")
            }
            let c = b[p]
            if c == 0x22 { p += 1; return }
            if c < 0x20 { throw Fault.syntax("字符串中有控制字符（control character），应写成转义形式") }
            guard p + 1 < end else { if !eof { throw Fault.needMore }; throw Fault.syntax("字符串没有结束引号（unterminated string）") }
            let e = b[p + 1]
            p += 2
            switch e {
            case 0x22, 0x5C, 0x2F: out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard p + 1 < end || eof else { throw Fault.needMore }
                    guard p + 1 < end, b[p] == 0x5C, b[p + 1] == UInt8(ascii: "u") else { throw Fault.syntax("\\u 转义中有不成对的代理项（unpaired surrogate）") }
                    p += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw Fault.syntax("\\u 转义中有不成对的代理项（unpaired surrogate）") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw Fault.syntax("\\u 转义中有不成对的代理项（unpaired surrogate）")
                }
                for unit in String(UnicodeScalar(scalar)!).utf8 { out.append(unit) }
            default:
                throw Fault.syntax("未知的转义（unknown escape）`\\\(Self.show(e))`")
            }
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard p + 4 <= end else { if !eof { throw Fault.needMore }; throw Fault.syntax("\\u 转义不完整（short escape）") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[p]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: throw Fault.syntax("\\u 转义无效（bad escape）")
            }
            v = v << 4 | UInt32(d)
            p += 1
        }
        return v
    }

    /// A number or `true`/`false`/`null` as its literal bytes; the caller decides.
    mutating func atom() throws -> UnsafeRawBufferPointer {
        let s = p
        while p < end {
            let c = b[p]
            let isAtomByte = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x2B || c == 0x2E || c == 0x45
            if !isAtomByte { break }
            p += 1
        }
        if p == end, !eof { throw Fault.needMore }
        let text = UnsafeRawBufferPointer(start: b + s, count: p - s)
        if Self.isLiteral(text) || Self.isNumber(text) { return text }
        if text.isEmpty, let c = try peek() { throw Fault.syntax("意外的字符 `\(Self.show(c))`") }
        throw Fault.syntax("`\(String(decoding: text, as: UTF8.self))` 不是 JSON 值（not a JSON value）")
    }

    static func isLiteral(_ t: UnsafeRawBufferPointer) -> Bool {
        t.elementsEqual("true".utf8) || t.elementsEqual("false".utf8) || t.elementsEqual("null".utf8)
    }

    /// RFC 8259 number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    static func isNumber(_ t: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = t.count
        @inline(__always) func digits() -> Int { let s = i; while i < n, t[i] >= 0x30, t[i] <= 0x39 { i += 1 }; return i - s }
        if i < n, t[i] == 0x2D { i += 1 }
        if i < n, t[i] == 0x30 { i += 1 } else if digits() == 0 { return false }
        if i < n, t[i] == 0x2E { i += 1; if digits() == 0 { return false } }
        if i < n, t[i] == 0x65 || t[i] == 0x45 {
            i += 1
            if i < n, t[i] == 0x2B || t[i] == 0x2D { i += 1 }
            if digits() == 0 { return false }
        }
        return i == n
    }

    /// Copies a nested object or array as compact JSON (whitespace outside strings dropped).
    mutating func compact(into out: ScratchRecord) throws {
        var depth = 0
        repeat {
            try skipSpace()
            guard let c = try peek() else { throw Fault.syntax("文件在嵌套的值内部意外结束（unexpected end of file）") }
            switch c {
            case 0x7B, 0x5B:
                depth += 1
                if depth > maxDepth { throw Fault.tooDeep }
                out.append(c)
                p += 1
            case 0x7D, 0x5D:
                depth -= 1
                out.append(c)
                p += 1
            case 0x2C, 0x3A: out.append(c); p += 1
            case 0x22:
                let s = p
                p += 1
                while true {
                    while p < end, b[p] != 0x22, b[p] != 0x5C { p += 1 }
                    guard p < end else { if !eof { throw Fault.needMore }; throw Fault.syntax("字符串没有结束引号（unterminated string）") }
                    if b[p] == 0x5C { p += 2; continue }
                    p += 1
                    break
                }
                if p > end { throw Fault.needMore }
                out.append(UnsafeRawBufferPointer(start: b + s, count: p - s))
            default:
                out.append(try atom())
            }
        } while depth > 0
    }
}

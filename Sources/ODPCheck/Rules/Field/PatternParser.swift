import Foundation

/// Parses the `BytePattern` dialect; errors carry the character offset for diagnostics.
struct PatternParser {
    typealias Node = BytePattern.Node
    let chars: [Character]
    var i = 0

    init(_ chars: [Character]) { self.chars = chars }

    func fail(_ message: String, at offset: Int? = nil) -> BytePattern.SyntaxError {
        BytePattern.SyntaxError(offset: offset ?? i, message: message)
    }

    mutating func parseAlternatives(topLevel: Bool) throws -> [[Node]] {
        var alts: [[Node]] = [[]]
        while i < chars.count {
            let c = chars[i]
            if c == "|" { alts.append([]); i += 1; continue }
            if c == ")" {
                if topLevel { throw fail("多余的 `)`（unbalanced）") }
                return alts
            }
            let node = try parseAtom()
            alts[alts.count - 1].append(try parseQuantifier(node))
        }
        if !topLevel { throw fail("缺少 `)`") }
        return alts
    }

    mutating func parseAtom() throws -> Node {
        let c = chars[i]
        switch c {
        case "^": i += 1; return .start
        case "$": i += 1; return .end
        case ".": i += 1; return .anyChar(min: 1, max: 1)
        case "(":
            i += 1
            if i + 1 < chars.count, chars[i] == "?", chars[i + 1] == ":" { i += 2 }
            let alts = try parseAlternatives(topLevel: false)
            i += 1
            return .group(alts, min: 1, max: 1)
        case "[": return try parseClass()
        case "\\":
            i += 1
            guard i < chars.count else { throw fail("模式以 `\\` 结尾") }
            let e = chars[i]
            i += 1
            if let (set, neg) = Self.escapeSet(e) { return .set(set, negatedUnicode: neg, min: 1, max: 1) }
            guard e.isASCII, !e.isLetter, !e.isNumber else { throw fail("不支持的转义（unsupported escape）`\\\(e)`", at: i - 2) }
            return literal(e)
        case "*", "+", "?", "{": throw fail("量词（quantifier）`\(c)` 前面没有可重复的内容")
        default:
            i += 1
            return literal(c)
        }
    }

    func literal(_ c: Character) -> Node {
        let bytes = Array(String(c).utf8)
        if bytes.count == 1 {
            var s = BytePattern.ByteSet(); s.insert(bytes[0])
            return .set(s, negatedUnicode: false, min: 1, max: 1)
        }
        return .literal(bytes, min: 1, max: 1)
    }

    static func escapeSet(_ e: Character) -> (BytePattern.ByteSet, Bool)? {
        var s = BytePattern.ByteSet()
        switch e {
        case "d", "D": for b in UInt8(ascii: "0")...UInt8(ascii: "9") { s.insert(b) }
        case "w", "W":
            for b in UInt8(ascii: "0")...UInt8(ascii: "9") { s.insert(b) }
            for b in UInt8(ascii: "a")...UInt8(ascii: "z") { s.insert(b) }
            for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { s.insert(b) }
            s.insert(UInt8(ascii: "_"))
        case "s", "S": for b in [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C] as [UInt8] { s.insert(b) }
        default: return nil
        }
        if e.isUppercase { s.invertASCII(); return (s, true) }
        return (s, false)
    }

    mutating func parseClass() throws -> Node {
        let open = i
        i += 1
        var s = BytePattern.ByteSet()
        var negated = false
        if i < chars.count, chars[i] == "^" { negated = true; i += 1 }
        var first = true
        while i < chars.count, chars[i] != "]" || first {
            first = false
            var c = chars[i]
            if c == "\\" {
                i += 1
                guard i < chars.count else { break }
                if let (e, neg) = Self.escapeSet(chars[i]), !neg {
                    for b in 0..<128 where e.contains(UInt8(b)) { s.insert(UInt8(b)) }
                    i += 1; continue
                }
                c = chars[i]
            }
            guard let lo = c.asciiValue else { throw fail("字符类（character class）只接受 ASCII 字符", at: i) }
            i += 1
            if i + 1 < chars.count, chars[i] == "-", chars[i + 1] != "]" {
                guard let hi = chars[i + 1].asciiValue, hi >= lo else { throw fail("字符类中的范围无效（bad range）", at: i) }
                for b in lo...hi { s.insert(b) }
                i += 2
            } else { s.insert(lo) }
        }
        guard i < chars.count else { throw fail("缺少 `]`", at: open) }
        i += 1
        if negated { s.invertASCII() }
        return .set(s, negatedUnicode: negated, min: 1, max: 1)
    }

    mutating func parseQuantifier(_ node: Node) throws -> Node {
        guard i < chars.count else { return node }
        var lo = 1, hi = 1
        switch chars[i] {
        case "*": lo = 0; hi = Int.max; i += 1
        case "+": lo = 1; hi = Int.max; i += 1
        case "?": lo = 0; hi = 1; i += 1
        case "{":
            let start = i
            i += 1
            var text = ""
            while i < chars.count, chars[i] != "}" { text.append(chars[i]); i += 1 }
            guard i < chars.count else { throw fail("缺少 `}`", at: start) }
            i += 1
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count <= 2, let a = Int(parts[0]) else { throw fail("无效的重复次数（repeat count）`{\(text)}`", at: start) }
            lo = a
            hi = parts.count == 1 ? a : parts[1].isEmpty ? Int.max : (Int(parts[1]) ?? -1)
            guard hi >= lo else { throw fail("无效的重复次数（repeat count）`{\(text)}`", at: start) }
        default: return node
        }
        switch node {
        case .set(let s, let n, _, _): return .set(s, negatedUnicode: n, min: lo, max: hi)
        case .anyChar: return .anyChar(min: lo, max: hi)
        case .literal(let b, _, _): return .literal(b, min: lo, max: hi)
        case .group(let a, _, _): return .group(a, min: lo, max: hi)
        case .start, .end: throw fail("锚点（anchor）不能重复")
        }
    }
}

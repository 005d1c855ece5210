/// A small regular-expression matcher over UTF-8 bytes for the `pattern` rule.
///
/// Supported: literals (any UTF-8 text), `.` (one character), classes `[a-z0-9_]` and `[^…]`
/// with ASCII members, escapes `\d \D \w \W \s \S` and escaped punctuation, quantifiers
/// `* + ? {n} {n,} {n,m}`, groups `( … )`, `(?: … )`, alternation `|`, anchors `^ $`.
///
/// ## Semantics
/// The pattern must match the whole cell, as in Frictionless Table Schema (XML Schema
/// regex); `^` and `$` are accepted and change nothing. Non-ASCII characters inside a class
/// are refused at compile time. Matching backtracks; a pattern made only of fixed-count
/// single-byte atoms (such as `1[3-9]\d{9}`) takes a linear fast path.
struct BytePattern {
    struct ByteSet {
        var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        mutating func insert(_ b: UInt8) {
            let bit = UInt64(1) << UInt64(b & 63)
            switch b >> 6 { case 0: bits.0 |= bit; case 1: bits.1 |= bit; case 2: bits.2 |= bit; default: bits.3 |= bit }
        }
        @inline(__always) func contains(_ b: UInt8) -> Bool {
            let bit = UInt64(1) << UInt64(b & 63)
            switch b >> 6 { case 0: return bits.0 & bit != 0; case 1: return bits.1 & bit != 0; case 2: return bits.2 & bit != 0; default: return bits.3 & bit != 0 }
        }
        mutating func invertASCII() {
            // A negated class matches any other ASCII byte; non-ASCII characters are handled by `.`-like stepping.
            bits.0 = ~bits.0; bits.1 = ~bits.1
        }
    }

    indirect enum Node {
        case set(ByteSet, negatedUnicode: Bool, min: Int, max: Int)
        case anyChar(min: Int, max: Int)
        case literal([UInt8], min: Int, max: Int)
        case group([[Node]], min: Int, max: Int)
        case start, end
    }

    struct SyntaxError: Error {
        /// 0-based character offset in the pattern.
        var offset: Int
        var message: String
    }

    let program: [[Node]]
    private let fixed: [ByteSet]?

    init(_ pattern: String) throws {
        var parser = PatternParser(Array(pattern))
        program = try parser.parseAlternatives(topLevel: true)
        // Fast path: one alternative of single-byte, fixed-count atoms.
        if program.count == 1 {
            var sets: [ByteSet] = []
            var ok = true
            for node in program[0] {
                switch node {
                case .set(let s, let neg, let lo, let hi) where lo == hi && !neg: sets.append(contentsOf: repeatElement(s, count: lo))
                case .start, .end: break
                default: ok = false
                }
            }
            fixed = ok ? sets : nil
        } else { fixed = nil }
    }

    func matches(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
        if let fixed {
            guard t.count == fixed.count else { return false }
            for i in 0..<t.count where !fixed[i].contains(t[i]) { return false }
            return true
        }
        return program.contains { alt in match(alt, 0, 0, t) { $0 == t.count } }
    }

    @inline(__always)
    private func charLength(_ t: UnsafeBufferPointer<UInt8>, _ pos: Int) -> Int {
        let b = t[pos]
        let n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
        return min(n, t.count - pos)
    }

    /// One step of an atom at `pos`: the bytes it consumes, or nil.
    private func step(_ node: Node, _ t: UnsafeBufferPointer<UInt8>, _ pos: Int) -> Int? {
        guard pos < t.count else { return nil }
        switch node {
        case .set(let s, let neg, _, _):
            if t[pos] < 0x80 { return s.contains(t[pos]) ? 1 : nil }
            return neg ? charLength(t, pos) : nil
        case .anyChar:
            return charLength(t, pos)
        case .literal(let bytes, _, _):
            guard pos + bytes.count <= t.count else { return nil }
            for i in 0..<bytes.count where t[pos + i] != bytes[i] { return nil }
            return bytes.count
        default:
            return nil
        }
    }

    private func match(_ seq: [Node], _ idx: Int, _ pos: Int, _ t: UnsafeBufferPointer<UInt8>, _ k: (Int) -> Bool) -> Bool {
        guard idx < seq.count else { return k(pos) }
        let node = seq[idx]
        switch node {
        case .start: return pos == 0 && match(seq, idx + 1, pos, t, k)
        case .end: return pos == t.count && match(seq, idx + 1, pos, t, k)
        case .set(_, _, let lo, let hi), .anyChar(let lo, let hi), .literal(_, let lo, let hi):
            var ends = [pos]
            var p = pos
            while ends.count - 1 < hi, let n = step(node, t, p) { p += n; ends.append(p) }
            guard ends.count - 1 >= lo else { return false }
            for c in stride(from: ends.count - 1, through: lo, by: -1) where match(seq, idx + 1, ends[c], t, k) { return true }
            return false
        case .group(let alts, let lo, let hi):
            return repeatGroup(alts, lo, hi, 0, pos, t) { match(seq, idx + 1, $0, t, k) }
        }
    }

    private func repeatGroup(_ alts: [[Node]], _ lo: Int, _ hi: Int, _ count: Int, _ pos: Int,
                             _ t: UnsafeBufferPointer<UInt8>, _ k: (Int) -> Bool) -> Bool {
        if count < hi {
            for alt in alts {
                let found = match(alt, 0, pos, t) { next in
                    next != pos && repeatGroup(alts, lo, hi, count + 1, next, t, k)
                }
                if found { return true }
            }
        }
        return count >= lo && k(pos)
    }
}

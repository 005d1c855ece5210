import ODPCore

/// Classifies one run of `[0-9A-Za-z.@_%+:-]` found by `IdentifierScanner`: cuts it into
/// chains of words and hands each to the detectors' scan hooks that fit its shape. The hooks
/// (what a value must be to count) are extensions of this type in the detectors' own files
/// under `Detectors/Units`. Internal: everything here works on byte offsets into the cell.
struct RunScanner {
    let p: UnsafeBufferPointer<UInt8>
    let table: UnsafeBufferPointer<UInt8>
    let today: Int
    let cardLabelled: Bool

    typealias Found = (IdentifierKind, Range<Int>) -> Void

    @inline(__always) func isDigit(_ i: Int) -> Bool { table[Int(p[i])] & ByteClass.digit != 0 }
    @inline(__always) func isAlnum(_ i: Int) -> Bool { table[Int(p[i])] & (ByteClass.digit | ByteClass.alpha) != 0 }
    @inline(__always) func isUpper(_ i: Int) -> Bool { p[i] >= 0x41 && p[i] <= 0x5a }
    @inline(__always) func digit(_ i: Int) -> Int { Int(p[i]) - 0x30 }

    /// Handles run [s, e) and returns where the caller continues (a chain may run past `e`
    /// over single spaces between digit groups).
    func process(_ s: Int, _ e: Int, seen: UInt8, hasAlpha: Bool, _ found: Found) -> Int {
        if seen & ByteClass.at != 0, let r = email(s, e) { found(.email, r); return e }
        if seen & ByteClass.colon != 0, let r = ipv6(s, e) { found(.ipv6, r); return e }
        if seen & ByteClass.dot != 0, !hasAlpha, seen & (ByteClass.at | ByteClass.colon | ByteClass.other) == 0 {
            var start = s, end = e
            while end > start, p[end - 1] == UInt8(ascii: ".") { end -= 1 }
            while start < end, p[start] == UInt8(ascii: ".") { start += 1 }
            var dots = 0
            for k in start..<end where p[k] == UInt8(ascii: ".") { dots += 1 }
            if dots == 3, ipv4(start, end) { found(.ipv4, start..<end); return e }
            // Versions (1.2.3.4.5), decimals and dotted dates hold no identifier.
            if dots > 0 { return e }
        }
        return chains(s, e, found)
    }

    // MARK: Chains of words

    func chains(_ s: Int, _ e: Int, _ found: Found) -> Int {
        var k = s
        let n = p.count
        while k < e {
            var plus = false
            if p[k] == UInt8(ascii: "+"), k + 1 < n, isDigit(k + 1) { plus = true; k += 1 }
            guard isAlnum(k) else { k += 1; continue }
            let chainStart = plus ? k - 1 : k
            k = withUnsafeTemporaryAllocation(of: Int.self, capacity: 24) { buf in
                chain(from: k, chainStart: chainStart, plus: plus, buf: buf, found)
            }
        }
        return max(k, e)
    }

    /// Reads the chain of words starting at `k`: up to 8 words (start, end, separator
    /// before it) are kept in `buf`. Returns the chain's end.
    private func chain(from start: Int, chainStart: Int, plus: Bool, buf: UnsafeMutableBufferPointer<Int>, _ found: Found) -> Int {
        let n = p.count
        var pos = start
        var g = 0
        var hasSpace = false
        var allDigits = true
        while true {
            let ws = pos
            var wordDigits = true
            while pos < n, isAlnum(pos) { if !isDigit(pos) { wordDigits = false }; pos += 1 }
            if !wordDigits { allDigits = false }
            if g < 8 { buf[g * 3] = ws; buf[g * 3 + 1] = pos }
            g += 1
            guard pos + 1 < n else { break }
            if p[pos] == UInt8(ascii: "-"), isAlnum(pos + 1) {
                if g < 8 { buf[g * 3 + 2] = 0 }
                pos += 1
                continue
            }
            if p[pos] == UInt8(ascii: " "), wordDigits, isDigit(pos + 1) {
                var q = pos + 1
                while q < n, isDigit(q) { q += 1 }
                if q < n, isAlnum(q) { break }
                // A dotted number (an IPv4 address, a decimal) is a value of its own, not the
                // next digit group of a phone number: "0591-83330000 192.168.10.20".
                if q + 1 < n, p[q] == UInt8(ascii: "."), isDigit(q + 1) { break }
                if g < 8 { buf[g * 3 + 2] = 1 }
                hasSpace = true
                pos += 1
                continue
            }
            break
        }
        let end = pos
        // Joined to an identifier-like token by `_` (order_13812345678): part of something longer.
        if chainStart > 0, p[chainStart - 1] == UInt8(ascii: "_") { return end }
        if end < n, p[end] == UInt8(ascii: "_") { return end }
        guard g <= 8 else { return end }
        let groups = Groups(buf: buf, count: g)
        if evaluate(groups, 0, g, chainStart: chainStart, plus: plus, allDigits: allDigits, found) { return end }
        if hasSpace {
            // Space-separated values each stand alone when the whole is no identifier.
            var a = 0
            for b in 1...g where b == g || groups.sep(b) == 1 {
                let sub = (a..<b).allSatisfy { groups.isDigits(p, $0) }
                _ = evaluate(groups, a, b, chainStart: a == 0 ? chainStart : groups.start(a), plus: plus && a == 0,
                             allDigits: sub, found)
                a = b
            }
        }
        return end
    }

    struct Groups {
        let buf: UnsafeMutableBufferPointer<Int>
        let count: Int
        @inline(__always) func start(_ i: Int) -> Int { buf[i * 3] }
        @inline(__always) func end(_ i: Int) -> Int { buf[i * 3 + 1] }
        @inline(__always) func length(_ i: Int) -> Int { buf[i * 3 + 1] - buf[i * 3] }
        /// 0 for `-`, 1 for a space, before group `i` (i ≥ 1).
        @inline(__always) func sep(_ i: Int) -> Int { buf[i * 3 + 2] }
        func isDigits(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
            (start(i)..<end(i)).allSatisfy { p[$0] >= 0x30 && p[$0] <= 0x39 }
        }
    }

    /// Whether groups [a, b) form an identifier as a whole; reports it if so.
    private func evaluate(_ g: Groups, _ a: Int, _ b: Int, chainStart: Int, plus: Bool, allDigits: Bool, _ found: Found) -> Bool {
        let range = chainStart..<g.end(b - 1)
        if b - a == 1 {
            return single(g.start(a), g.end(a), chainStart: chainStart, plus: plus, allDigits: allDigits, found)
        }
        guard allDigits else { return false }
        let count = b - a
        let len0 = g.length(a)
        // Country code in front: 86 / 0086.
        var m = a
        if len0 == 2, p[g.start(a)] == 0x38, p[g.start(a) + 1] == 0x36 { m = a + 1 }
        if len0 == 4, digit(g.start(a)) == 0, digit(g.start(a) + 1) == 0, digit(g.start(a) + 2) == 8, digit(g.start(a) + 3) == 6 { m = a + 1 }
        if b - m == 3, g.length(m) == 3, g.length(m + 1) == 4, g.length(m + 2) == 4, mobilePrefix(g.start(m)) {
            found(.mobile, range); return true
        }
        if m > a, b - m == 1, g.length(m) == 11, mobilePrefix(g.start(m)) { found(.mobile, range); return true }
        // Landline: 0 + 2–3 digit area code, hyphen, 7–8 digits, optional extension.
        if (count == 2 || count == 3), (3...4).contains(len0), digit(g.start(a)) == 0, digit(g.start(a) + 1) != 0,
           g.sep(a + 1) == 0, (7...8).contains(g.length(a + 1)), digit(g.start(a + 1)) != 0,
           count == 2 || (g.sep(a + 2) == 0 && (1...5).contains(g.length(a + 2))) {
            found(.landline, range); return true
        }
        // Card numbers printed in groups of four.
        if count >= 4 {
            var total = 0
            for i in a..<b {
                let l = g.length(i)
                if i < b - 1 ? l != 4 : !(1...4).contains(l) { return false }
                total += l
            }
            guard (16...19).contains(total) else { return false }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
                var k = 0
                for i in a..<b { for j in g.start(i)..<g.end(i) { digits[k] = p[j]; k += 1 } }
                if cardValid(UnsafeBufferPointer(rebasing: digits[0..<k])) { found(.bankCard, range); return true }
                return false
            }
        }
        return false
    }

    private func single(_ ws: Int, _ we: Int, chainStart: Int, plus: Bool, allDigits: Bool, _ found: Found) -> Bool {
        let len = we - ws
        let range = chainStart..<we
        if allDigits || (len == 18 && (p[we - 1] | 0x20) == UInt8(ascii: "x") && (ws..<(we - 1)).allSatisfy(isDigit)) {
            switch len {
            case 18:
                if id18(ws) { found(.idCard, range); return true }
            case 15:
                if allDigits, id15(ws) { found(.idCard, range); return true }
                if allDigits, digit(ws) == 0, digit(ws + 1) == 0, digit(ws + 2) == 8, digit(ws + 3) == 6, mobilePrefix(ws + 4) {
                    found(.mobile, range); return true
                }
            case 11:
                if mobilePrefix(ws) { found(.mobile, range); return true }
            case 13:
                if plus, digit(ws) == 8, digit(ws + 1) == 6, mobilePrefix(ws + 2) { found(.mobile, range); return true }
            case 7, 8:
                if let open = parenAreaCode(before: chainStart) { found(.landline, open..<we); return true }
                if len == 8, taiwanContext(before: chainStart) { found(.taiwanPermit, range); return true }
            default:
                break
            }
            if allDigits, (16...19).contains(len), cardValid(UnsafeBufferPointer(rebasing: p[ws..<we])) {
                found(.bankCard, range); return true
            }
            return false
        }
        // A capital letter first: a document number or a plate (their files hold the rules).
        guard isUpper(ws) else { return false }
        if passport(ws, we) { found(.passport, range); return true }
        if hkMacauPermit(ws, we) { found(.hkMacauPermit, range); return true }
        if let start = plateStart(ws, we) { found(.plate, start..<we); return true }
        return false
    }

    /// Every character after the first of [ws, we) is a digit.
    func restDigits(_ ws: Int, _ we: Int) -> Bool { ((ws + 1)..<we).allSatisfy(isDigit) }

    /// A 9-character word of two capitals (not I or O second) and 7 digits.
    func letterThen7(_ ws: Int, _ we: Int) -> Bool {
        we - ws == 9 && isUpper(ws + 1) && p[ws + 1] != 0x49 && p[ws + 1] != 0x4f && ((ws + 2)..<we).allSatisfy(isDigit)
    }
}

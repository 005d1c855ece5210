import ODPCore

/// Classifies one run of `[0-9A-Za-z.@_%+:-]` found by `IdentifierScanner` (see there for
/// the rules). Internal: everything here works on byte offsets into the cell.
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
        guard isUpper(ws) else { return false }
        let first = p[ws]
        let restDigits = ((ws + 1)..<we).allSatisfy(isDigit)
        let letterThen7 = len == 9 && isUpper(ws + 1) && p[ws + 1] != 0x49 && p[ws + 1] != 0x4f && ((ws + 2)..<we).allSatisfy(isDigit)
        if len == 9 {
            if restDigits, first == UInt8(ascii: "E") || first == UInt8(ascii: "G") { found(.passport, range); return true }
            if letterThen7, first == UInt8(ascii: "E") { found(.passport, range); return true }
            if restDigits, first == UInt8(ascii: "C") || first == UInt8(ascii: "H") || first == UInt8(ascii: "M") {
                found(.hkMacauPermit, range); return true
            }
            if letterThen7, first == UInt8(ascii: "C") { found(.hkMacauPermit, range); return true }
        }
        if len == 11, restDigits, first == UInt8(ascii: "H") || first == UInt8(ascii: "M") {
            found(.hkMacauPermit, range); return true
        }
        if len == 6 || len == 7, let provinceStart = ChineseNames.provinceAbbreviation(endingAt: ws, in: p) {
            guard first != 0x49, first != 0x4f else { return false }
            var anyDigit = false
            for i in (ws + 1)..<we {
                if isDigit(i) { anyDigit = true } else if !isUpper(i) { return false }
            }
            guard anyDigit else { return false }
            if len == 7 {
                let d = UInt8(ascii: "D"), f = UInt8(ascii: "F")
                guard p[ws + 1] == d || p[ws + 1] == f || p[we - 1] == d || p[we - 1] == f else { return false }
            }
            found(.plate, provinceStart..<we); return true
        }
        return false
    }

    // MARK: Validators

    @inline(__always) func mobilePrefix(_ q: Int) -> Bool {
        guard digit(q) == 1 else { return false }
        let d2 = digit(q + 2)
        switch digit(q + 1) {
        case 3, 8: return true
        case 4: return d2 >= 5
        case 5, 9: return d2 != 4
        case 6: return d2 == 2 || d2 == 5 || d2 == 6 || d2 == 7
        case 7: return d2 <= 8
        default: return false
        }
    }

    @inline(__always) func province(_ q: Int) -> Bool {
        switch digit(q) * 10 + digit(q + 1) {
        case 11...15, 21...23, 31...37, 41...46, 50...54, 61...65, 71, 81, 82: return true
        default: return false
        }
    }

    func validBirth(_ year: Int, _ month: Int, _ day: Int) -> Bool {
        year >= 1900 && (1...12).contains(month) && day >= 1 && day <= CivilDateTime.daysIn(month: month, year: year)
            && year * 10000 + month * 100 + day <= today
    }

    func id18(_ q: Int) -> Bool {
        guard province(q), Checksums.gb11643(UnsafeBufferPointer(rebasing: p[q..<(q + 18)])) else { return false }
        let year = digit(q + 6) * 1000 + digit(q + 7) * 100 + digit(q + 8) * 10 + digit(q + 9)
        return validBirth(year, digit(q + 10) * 10 + digit(q + 11), digit(q + 12) * 10 + digit(q + 13))
    }

    func id15(_ q: Int) -> Bool {
        guard province(q) else { return false }
        return validBirth(1900 + digit(q + 6) * 10 + digit(q + 7), digit(q + 8) * 10 + digit(q + 9), digit(q + 10) * 10 + digit(q + 11))
    }

    func cardValid(_ digits: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Checksums.luhn(digits) else { return false }
        if cardLabelled { return true }
        let a = Int(digits[0]) - 0x30, b = Int(digits[1]) - 0x30
        return (a == 6 && b == 2) || a == 4 || (a == 5 && (1...5).contains(b)) || (a == 3 && b == 5)
    }

    func ipv4(_ s: Int, _ e: Int) -> Bool {
        var value = 0, len = 0, parts = 0
        for k in s...e {
            if k == e || p[k] == UInt8(ascii: ".") {
                guard len > 0, len <= 3, value <= 255 else { return false }
                parts += 1; value = 0; len = 0
            } else {
                value = value * 10 + digit(k); len += 1
            }
        }
        return parts == 4
    }

    func ipv6(_ s: Int, _ e: Int) -> Range<Int>? {
        var end = e
        while end > s, p[end - 1] == UInt8(ascii: ".") { end -= 1 }
        var groups = 0, current = 0, colonsInRow = 0
        var compressed = false, strong = false
        for k in s..<end {
            let c = p[k]
            if c == UInt8(ascii: ":") {
                if current > 0 {
                    if current >= 3 { strong = true }
                    groups += 1; current = 0; colonsInRow = 1
                } else {
                    colonsInRow += 1
                    if colonsInRow == 2 { if compressed { return nil }; compressed = true } else if colonsInRow > 2 { return nil }
                }
            } else if isDigit(k) || (0x61...0x66).contains(c | 0x20) && table[Int(c)] & ByteClass.alpha != 0 {
                if table[Int(c)] & ByteClass.alpha != 0 { strong = true }
                current += 1
                colonsInRow = 0
                if current > 4 { return nil }
            } else {
                return nil
            }
        }
        if current > 0 { groups += 1 } else if colonsInRow == 1 { return nil }
        if compressed { return groups >= 2 && groups <= 7 && strong ? s..<end : nil }
        return groups == 8 ? s..<end : nil
    }

    func email(_ s: Int, _ e: Int) -> Range<Int>? {
        var at = -1
        for k in s..<e where p[k] == UInt8(ascii: "@") {
            if at >= 0 { return nil }
            at = k
        }
        guard at > s else { return nil }
        var ls = at
        while ls > s, isAlnum(ls - 1) || [0x2e, 0x5f, 0x25, 0x2b, 0x2d].contains(p[ls - 1]) { ls -= 1 }
        while ls < at, p[ls] == UInt8(ascii: ".") { ls += 1 }
        guard at - ls >= 1, at - ls <= 64, p[at - 1] != UInt8(ascii: ".") else { return nil }
        var de = at + 1
        while de < e, isAlnum(de) || p[de] == UInt8(ascii: ".") || p[de] == UInt8(ascii: "-") { de += 1 }
        while de > at + 1, p[de - 1] == UInt8(ascii: ".") || p[de - 1] == UInt8(ascii: "-") { de -= 1 }
        // Labels: at least two, none empty, the last all letters and two or more long.
        var labels = 0, labelLength = 0, lastAlpha = true
        for k in (at + 1)...de {
            if k == de || p[k] == UInt8(ascii: ".") {
                guard labelLength > 0, labelLength <= 63 else { return nil }
                labels += 1
                if k == de, !(lastAlpha && labelLength >= 2) { return nil }
                labelLength = 0; lastAlpha = true
            } else {
                labelLength += 1
                if table[Int(p[k])] & ByteClass.alpha == 0 { lastAlpha = false }
            }
        }
        return labels >= 2 ? ls..<de : nil
    }

    /// `(010)` / `（0531）` right before the number, optionally with one space: returns
    /// where the opening parenthesis starts.
    func parenAreaCode(before cs: Int) -> Int? {
        var j = cs - 1
        if j >= 0, p[j] == UInt8(ascii: " ") { j -= 1 }
        if j >= 0, p[j] == UInt8(ascii: ")") { j -= 1 } else if j >= 2, p[j - 2] == 0xEF, p[j - 1] == 0xBC, p[j] == 0x89 { j -= 3 } else { return nil }
        var digits = 0
        while j >= 0, isDigit(j) { digits += 1; j -= 1 }
        guard (3...4).contains(digits), digit(j + 1) == 0, digit(j + 2) != 0 else { return nil }
        if j >= 0, p[j] == UInt8(ascii: "(") { return j }
        if j >= 2, p[j - 2] == 0xEF, p[j - 1] == 0xBC, p[j] == 0x88 { return j - 2 }
        return nil
    }

    /// 台胞 or 台湾居民 within the 45 bytes before (about 15 Chinese characters).
    func taiwanContext(before cs: Int) -> Bool {
        let from = max(0, cs - 45)
        var k = from
        while k + 6 <= cs {
            if p[k] == 0xE5, p[k + 1] == 0x8F, p[k + 2] == 0xB0 {
                if p[k + 3] == 0xE8, p[k + 4] == 0x83, p[k + 5] == 0x9E { return true }
                if k + 12 <= cs, p[k + 3] == 0xE6, p[k + 4] == 0xB9, p[k + 5] == 0xBE,
                   p[k + 6] == 0xE5, p[k + 7] == 0xB1, p[k + 8] == 0x85, p[k + 9] == 0xE6, p[k + 10] == 0xB0, p[k + 11] == 0x91 {
                    return true
                }
            }
            k += 1
        }
        return false
    }
}

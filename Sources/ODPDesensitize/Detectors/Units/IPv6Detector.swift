import ODPCore

enum IPv6Detector: DetectorUnit {
    static let kind = IdentifierKind.ipv6
    static let parameters: String? = "eight groups, or a `::` form with at least two groups"
    static let summary = UnitSummary(chinese: "IPv6 地址", english: "IPv6 address")
}

extension RunScanner {
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
}

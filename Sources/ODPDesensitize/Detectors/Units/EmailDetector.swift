import ODPCore

enum EmailDetector: DetectorUnit {
    static let kind = IdentifierKind.email
    static let parameters: String? = "local part of 1–64 characters, `@`, at least two domain labels, the last all letters"
    static let summary = UnitSummary(chinese: "电子邮箱", english: "e-mail address")
}

extension RunScanner {
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
}

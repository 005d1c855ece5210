import ODPCore

/// Numbers stored as binary floating point, written back as the decimal a person typed.
enum NumberText {
    /// Shortest round-trip text of `value`, without an exponent or a trailing `.0`
    /// (`0.3`, `12.5`, `1`, `0.00001`).
    static func text(_ value: Double) -> String {
        let shortest = value.description
        guard value.isFinite else { return shortest }
        if shortest.contains("e"), abs(value) > 1e21 || abs(value) < 1e-21, value != 0 { return shortest }
        return DecimalText.normalize(shortest, scale: nil) ?? shortest
    }

    /// Spreadsheet number text: Excel keeps 15 significant digits and writes 17, so
    /// `0.30000000000000004` (what it stores for 0.1+0.2 or a typed 0.3) reads back as `0.3`.
    /// Exponents (`1.5E-3`) become plain decimals.
    static func spreadsheet(_ text: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        var plain: [UInt8] = []
        let ok = text.withMemoryRebound(to: UInt8.self) { DecimalText.normalize($0, scale: nil, into: &plain) }
        guard ok else { out.append(contentsOf: text); return }
        var negative = false
        if plain.first == UInt8(ascii: "-") { negative = true; plain.removeFirst() }
        let point = plain.firstIndex(of: UInt8(ascii: ".")) ?? plain.count
        var digits = Array(plain[0..<point]) + (point < plain.count ? Array(plain[(point + 1)...]) : [])
        var intCount = point
        // Leading zeros (0.000123) are not significant.
        var lead = 0
        while lead < digits.count - 1, digits[lead] == 0x30 { lead += 1 }
        let significant = digits.count - lead
        guard significant > 15 else {
            if negative { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: plain)
            return
        }
        let keep = lead + 15
        let roundUp = digits[keep] >= UInt8(ascii: "5")
        for k in keep..<digits.count { digits[k] = 0x30 }
        if roundUp {
            var k = keep - 1
            while k >= 0 {
                if digits[k] == 0x39 { digits[k] = 0x30; k -= 1 } else { digits[k] += 1; break }
            }
            if k < 0 { digits.insert(0x31, at: 0); intCount += 1 }
        }
        var result = Array(digits[0..<intCount])
        var frac = Array(digits[intCount...])
        while frac.last == 0x30 { frac.removeLast() }
        while result.count > 1, result[0] == 0x30 { result.removeFirst() }
        if result.isEmpty { result = [0x30] }
        let isZero = result == [0x30] && frac.isEmpty
        if negative, !isZero { out.append(UInt8(ascii: "-")) }
        out.append(contentsOf: result)
        if !frac.isEmpty { out.append(UInt8(ascii: ".")); out.append(contentsOf: frac) }
    }
}

import ODPCore

enum IPv4Detector: DetectorUnit {
    static let kind = IdentifierKind.ipv4
    static let parameters: String? = "exactly four dotted octets ≤ 255 (`1.2.3.4.5` is not an address)"
    static let summary = UnitSummary(chinese: "IPv4 地址", english: "IPv4 address")
}

extension RunScanner {
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
}

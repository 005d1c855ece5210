import Foundation

/// Benford's law first-digit and first-two-digit tests with Nigrini's MAD conformity bands
/// (Nigrini 2012, *Benford's Law*, table 7.1).
struct Benford {
    var first = [Int](repeating: 0, count: 10)
    var firstTwo = [Int](repeating: 0, count: 100)
    var n = 0
    var nTwo = 0
    var minPositive = Double.infinity
    var maxPositive = 0.0

    static let minimumCount = 500

    /// Reads the leading significant digits from the text, so 0.0345 counts as 3 and 34.
    @inline(__always)
    mutating func add(_ cell: UnsafeBufferPointer<UInt8>, value: Double) {
        let a = abs(value)
        guard a > 0, a.isFinite else { return }
        var d1 = 0, d2 = -1
        for b in cell {
            guard b >= 0x30, b <= 0x39 else {
                if b == 0x65 || b == 0x45 { break }
                continue
            }
            let d = Int(b - 0x30)
            if d1 == 0 { if d != 0 { d1 = d } } else { d2 = d; break }
        }
        guard d1 > 0 else { return }
        first[d1] += 1
        n += 1
        if d2 >= 0 { firstTwo[d1 * 10 + d2] += 1; nTwo += 1 }
        minPositive = min(minPositive, a)
        maxPositive = max(maxPositive, a)
    }

    static func expectedFirst(_ d: Int) -> Double { log10(1 + 1 / Double(d)) }

    enum Conformity: String {
        case close = "close", acceptable = "acceptable", marginal = "marginal", nonconformity = "nonconformity"
        var chinese: String {
            switch self {
            case .close: return "高度符合"
            case .acceptable: return "可接受"
            case .marginal: return "勉强符合"
            case .nonconformity: return "不符合"
            }
        }
    }

    static func band(_ mad: Double, _ limits: (Double, Double, Double)) -> Conformity {
        mad <= limits.0 ? .close : mad <= limits.1 ? .acceptable : mad <= limits.2 ? .marginal : .nonconformity
    }

    /// Orders of magnitude the positive values span.
    var span: Double { n == 0 || minPositive <= 0 ? 0 : log10(maxPositive / minPositive) }

    /// Why the test does not apply, or nil.
    var notApplicable: String? {
        if n < Self.minimumCount { return "样本量 \(n) 少于 \(Self.minimumCount)，不适用本福特检验" }
        if span < 2 { return "数值跨度不足两个数量级（\(String(format: "%.2f", span))），不适用本福特检验" }
        return nil
    }

    struct Result {
        var madFirst: Double
        var madFirstTwo: Double
        var first: Conformity
        var firstTwo: Conformity
        var observedFirst: [Double]
        var expectedFirst: [Double]
    }

    func result() -> Result {
        var madFirst = 0.0
        var observed: [Double] = [], expected: [Double] = []
        for d in 1...9 {
            let o = Double(first[d]) / Double(max(n, 1)), e = Self.expectedFirst(d)
            observed.append(o); expected.append(e)
            madFirst += abs(o - e)
        }
        madFirst /= 9
        var madTwo = 0.0
        for d in 10...99 {
            madTwo += abs(Double(firstTwo[d]) / Double(max(nTwo, 1)) - log10(1 + 1 / Double(d)))
        }
        madTwo /= 90
        return Result(madFirst: madFirst, madFirstTwo: madTwo,
                      first: Self.band(madFirst, (0.006, 0.012, 0.015)),
                      firstTwo: Self.band(madTwo, (0.0012, 0.0018, 0.0022)),
                      observedFirst: observed, expectedFirst: expected)
    }
}

/// Terminal-digit heaping: recorded values ending in 0 or 5 far more often than a tenth each.
struct Heaping {
    var last = [Int](repeating: 0, count: 10)
    var n = 0
    static let minimumCount = 100
    /// χ² with 9 degrees of freedom at p = 0.001.
    static let critical = 27.877

    /// The last digit of the integer part; values below 10 carry no terminal digit of their own.
    @inline(__always)
    mutating func add(_ cell: UnsafeBufferPointer<UInt8>, value: Double) {
        guard abs(value) >= 10 else { return }
        var lastDigit = -1
        for b in cell {
            if b == 0x2E || b == 0x65 || b == 0x45 { break }
            if b >= 0x30, b <= 0x39 { lastDigit = Int(b - 0x30) }
        }
        guard lastDigit >= 0 else { return }
        last[lastDigit] += 1
        n += 1
    }

    var shareZeroFive: Double { n == 0 ? 0 : Double(last[0] + last[5]) / Double(n) }

    var chiSquare: Double {
        let e = Double(n) / 10
        guard e > 0 else { return 0 }
        return last.reduce(0) { $0 + (Double($1) - e) * (Double($1) - e) / e }
    }

    /// Heaped when the digits are far from uniform and 0/5 are over-represented.
    var heaped: Bool { n >= Self.minimumCount && chiSquare > Self.critical && shareZeroFive > Self.maximumShareZeroFive }
    /// Share of last digits 0 or 5 above which a non-uniform column is heaped (20% if uniform).
    static let maximumShareZeroFive = 0.3
}

import ODPCore
/// Outlier screen over a fixed-size reservoir (Vitter's algorithm R with a fixed-seed
/// generator, so runs are reproducible). Quartiles and the outlier share are estimated
/// from the 8,192 sampled values: memory stays fixed whatever the table size, at the cost
/// of a sampling error of about ±1 percentage point on the share.
struct OutlierSketch {
    static let capacity = 8192
    var sample: [(value: Double, row: Int)] = []
    var seen = 0
    private var state: UInt64 = 0x2545_F491_4F6C_DD1D
    // Welford running mean and variance over all values (exact, not sampled).
    var mean = 0.0
    var m2 = 0.0
    /// Whether every value seen (not only the sampled ones) is above zero: the log scale needs it.
    var allPositive = true

    @inline(__always)
    mutating func add(_ v: Double, row: Int) {
        seen += 1
        if v <= 0 { allPositive = false }
        let delta = v - mean
        mean += delta / Double(seen)
        m2 += delta * (v - mean)
        if sample.count < Self.capacity { sample.append((v, row)); return }
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        let j = Int(state % UInt64(seen))
        if j < Self.capacity { sample[j] = (v, row) }
    }

    var standardDeviation: Double { seen > 1 ? (m2 / Double(seen - 1)).squareRoot() : 0 }

    struct Result {
        var low: Double
        var high: Double
        var share: Double
        var examples: [Int]
    }

    /// Fences: Tukey's `k`·IQR (k = 3, "far out"), mean ± `k`σ (k = 3), or `log`: Tukey's
    /// fences on the logarithms (see `OutlierSketch+LogScale`).
    func result(method: String, k: Double) -> Result? {
        guard sample.count >= 20 else { return nil }
        if method == "log" { return logResult(k: k) }
        let sorted = sample.map(\.value).sorted()
        let low: Double, high: Double
        if method == "sigma" {
            low = mean - k * standardDeviation; high = mean + k * standardDeviation
        } else {
            (low, high) = Self.tukeyFences(sorted, k: k)
        }
        return flagged(low: low, high: high) { $0 }
    }

    /// The sampled values whose `scale`d value lies outside the fences.
    func flagged(low: Double, high: Double, scale: (Double) -> Double) -> Result {
        let outside = sample.filter { scale($0.value) < low || scale($0.value) > high }
        return Result(low: low, high: high, share: Double(outside.count) / Double(sample.count),
                      examples: outside.map(\.row).sorted().prefix(5).map { $0 })
    }

    /// Linear interpolation between order statistics of sorted values.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let pos = q * Double(sorted.count - 1)
        let i = Int(pos), f = pos - Double(i)
        return i + 1 < sorted.count ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i]
    }

    static func tukeyFences(_ sorted: [Double], k: Double) -> (low: Double, high: Double) {
        let q1 = quantile(sorted, 0.25), q3 = quantile(sorted, 0.75)
        return (q1 - k * (q3 - q1), q3 + k * (q3 - q1))
    }
}

/// Constant and arithmetic-sequence columns: typical of filled-in or generated data.
struct SequenceScreen {
    var n = 0
    var first: UInt64 = 0
    var allSame = true
    var previous: Double?
    var step: Double?
    var arithmetic = true

    @inline(__always)
    mutating func add(_ cell: UnsafeBufferPointer<UInt8>, value: Double?) {
        let h = Fingerprint.hash(cell)
        if n == 0 { first = h } else if h != first { allSame = false }
        n += 1
        guard arithmetic else { return }
        guard let value else { arithmetic = false; return }
        if let p = previous {
            let d = value - p
            if let s = step { if abs(d - s) > 1e-9 * max(1, abs(s)) { arithmetic = false } } else { step = d }
        }
        previous = value
    }

    var isConstant: Bool { n >= 2 && allSame }
    var isSequential: Bool { n >= 3 && arithmetic && (step ?? 0) != 0 }
}

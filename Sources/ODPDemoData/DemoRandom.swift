/// SplitMix64: tiny, fast and the same on every machine, so the demo and benchmark data
/// are identical wherever they are generated. Seeded per row, so any row can be made alone.
public struct DemoRandom {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for row `row` of table `table`: independent of how many rows came before.
    public init(table: UInt64, row: Int) {
        state = table &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(row) &* 0xBF58_476D_1CE4_E5B9
        _ = next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<n.
    public mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    public mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + int(range.count) }

    public mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

    public mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }

    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

import Foundation

/// Number formatting shared by the JSON and HTML reports (stable across runs).
enum Report {
    /// Six decimals: enough for shares and MADs, and keeps JSON free of float noise.
    static func round(_ x: Double) -> Double {
        guard x.isFinite else { return 0 }
        return (x * 1_000_000).rounded() / 1_000_000
    }

    static func percent(_ x: Double) -> String {
        let v = (x * 1000).rounded() / 10
        return v == v.rounded() ? "\(Int(v))%" : String(format: "%.1f%%", v)
    }

    static func score(_ x: Double) -> String { String(format: "%.3f", x) }

    static func json(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
    }
}

/// The scores and verdict derived from the tallies.
struct GateDecision {
    /// Dimension → (passed, checks); absent = not evaluated (未评估).
    var dimensions: [QualityDimension: (passed: Int, checks: Int)] = [:]
    var overall: Double?
    var reasons: [String] = []

    func score(_ d: QualityDimension) -> Double? {
        guard let v = dimensions[d], v.checks > 0 else { return nil }
        return Double(v.passed) / Double(v.checks)
    }

    var held: Bool { !reasons.isEmpty }
}

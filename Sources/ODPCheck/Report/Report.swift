import Foundation
import ODPCore

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

    static func score(_ x: Double) -> String { QualityScore.text(x) }

    static func scoreValue(_ x: Double) -> Double { QualityScore.value(x) }
}

/// The scores and verdict derived from the tallies.
struct GateDecision {
    /// Dimension → (passed, checks) over every check; absent = not evaluated (未评估).
    var dimensions: [QualityDimension: (passed: Int, checks: Int)] = [:]
    /// Dimension → rows passing all its row-level rules, of rows checked.
    var rows: [QualityDimension: (passed: Int, rows: Int)] = [:]
    /// Dimension → table-level checks (table rules, screens, comparisons, timeliness).
    var tables: [QualityDimension: (passed: Int, checks: Int)] = [:]
    var overall: Double?
    var reasons: [String] = []

    /// Row pass share × table check pass share, over the parts the dimension has.
    func score(_ d: QualityDimension) -> Double? {
        let parts = [rows[d].map { ($0.passed, $0.rows) }, tables[d].map { ($0.passed, $0.checks) }]
            .compactMap { $0 }.filter { $0.1 > 0 }
        guard !parts.isEmpty else { return nil }
        return parts.reduce(1.0) { $0 * Double($1.0) / Double($1.1) }
    }

    var held: Bool { !reasons.isEmpty }
}

import Foundation

/// How a GB/T 36344 score (0…1) is written wherever people read it: reports, README, the
/// portal and the terminal preview share this, so one place cannot round a defect away.
public enum QualityScore {
    /// A percentage with two decimals, rounded down so that a score below 1 never reads
    /// 100.00% (32 bad rows of 3,000 read 98.93%, not 1.000).
    public static func text(_ x: Double) -> String {
        String(format: "%.2f%%", (x * 10_000 + 1e-9).rounded(.down) / 100)
    }

    /// A score for JSON and metrics: six decimals, rounded down for the same reason.
    public static func value(_ x: Double) -> Double {
        guard x.isFinite else { return 0 }
        return (x * 1_000_000 + 1e-7).rounded(.down) / 1_000_000
    }
}

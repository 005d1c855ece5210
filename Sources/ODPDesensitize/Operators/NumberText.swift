import Foundation

/// Numbers as operators write them (`round: to`, `generalize: range`) and notes name them.
enum NumberText {
    /// Prints `x` with as many decimals as `step` has (no binary noise like 0.30000000000000004).
    static func format(_ x: Double, like step: Double) -> String {
        if step == step.rounded(), abs(x) < 1e15 { return String(Int64(x.rounded())) }
        var decimals = 0
        var s = step
        while s != s.rounded(), decimals < 10 { s *= 10; decimals += 1 }
        return String(format: "%.\(decimals)f", x)
    }
}

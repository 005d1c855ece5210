import Foundation

extension Heaping {
    /// The whole rule and the verdict with its reason, for the report: a χ² far above the
    /// critical value alone does not fail the column (uniform last digits can be rejected by
    /// χ² on a large table for reasons other than rounding), only together with too many 0s and 5s.
    var note: String {
        let chi = String(format: "%.1f", chiSquare)
        let share = Report.percent(shareZeroFive)
        let limit = Report.percent(Self.maximumShareZeroFive)
        let rule = "规则：尾数（整数部分末位，绝对值 ≥ 10 的数）分布的 χ²（自由度 9）大于临界值 \(Self.critical)（p = 0.001），"
            + "且尾数为 0 或 5 的比例高于 \(limit)（均匀分布时为 20%）时，判为数字堆积。"
        let chiPart = chiSquare > Self.critical ? "χ² = \(chi) > \(Self.critical)" : "χ² = \(chi) ≤ \(Self.critical)"
        let sharePart = shareZeroFive > Self.maximumShareZeroFive ? "0/5 比例 \(share) > \(limit)" : "0/5 比例 \(share) ≤ \(limit)"
        let verdict: String
        if heaped {
            verdict = "本列 \(chiPart)，且 \(sharePart)：判为堆积。"
        } else if chiSquare > Self.critical {
            verdict = "本列 \(chiPart)，但 \(sharePart)，尾数偏离均匀并非因集中于 0 和 5：通过。"
        } else {
            verdict = "本列 \(chiPart)，尾数分布与均匀分布无显著差异（\(sharePart)）：通过。"
        }
        return rule + verdict + "（n = \(n)）"
    }
}

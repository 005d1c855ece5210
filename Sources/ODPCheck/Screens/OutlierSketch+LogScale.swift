import Foundation

/// The log-scale outlier method, and when `method: auto` picks it.
///
/// Amounts such as registered capital, turnover or head counts are positive and spread over
/// orders of magnitude: on the raw scale Tukey's fences sit close above the bulk, and the
/// long right tail that every such column has reads as outliers (the issue measured false
/// alarms on 1–4% of rows). Their logarithms are close to symmetric, so the fences are set
/// on ln(x) and reported back on the original scale.
extension OutlierSketch {
    /// Quartile skewness at or above which a positive column counts as heavily skewed.
    /// Bowley's (Q3 + Q1 − 2·median) / (Q3 − Q1) is 0 for any symmetric distribution, about
    /// 0.26 for an exponential and 0.32 for a lognormal with σ = 1; being built on quartiles,
    /// a few planted extremes do not move it, so they cannot switch the method that must catch them.
    static let skewnessForLogScale = 0.2

    /// Bowley's quartile skewness of the sampled values, nil when the quartiles coincide.
    var quartileSkewness: Double? {
        guard sample.count >= 20 else { return nil }
        let sorted = sample.map(\.value).sorted()
        let q1 = Self.quantile(sorted, 0.25), q2 = Self.quantile(sorted, 0.5), q3 = Self.quantile(sorted, 0.75)
        guard q3 > q1 else { return nil }
        return (q3 + q1 - 2 * q2) / (q3 - q1)
    }

    /// `auto`: `log` for a strictly positive, heavily skewed column, else `iqr`.
    var automaticMethod: String {
        guard allPositive, let s = quartileSkewness, s >= Self.skewnessForLogScale else { return "iqr" }
        return "log"
    }

    /// Tukey's fences on ln(x), back on the original scale. nil with a value ≤ 0.
    func logResult(k: Double) -> Result? {
        guard allPositive else { return nil }
        let logs = sample.map { log($0.value) }.sorted()
        let (low, high) = Self.tukeyFences(logs, k: k)
        var r = flagged(low: low, high: high) { log($0) }
        r.low = exp(low)
        r.high = exp(high)
        return r
    }

    /// The method to apply for the configured one, and a sentence stating the choice.
    func resolve(_ configured: String) -> (method: String, note: String) {
        let skew = quartileSkewness.map { String(format: "%.2f", $0) } ?? "—"
        let threshold = String(format: "%.1f", Self.skewnessForLogScale)
        switch configured {
        case "auto" where automaticMethod == "log":
            return ("log", "方法：对数尺度 IQR（自动选择：数值均为正，四分位偏度 \(skew) ≥ \(threshold)，属严重偏态）；")
        case "auto":
            let reason = allPositive ? "四分位偏度 \(skew) < \(threshold)" : "含 0 或负数"
            return ("iqr", "方法：IQR（自动选择：\(reason)，不用对数尺度）；")
        case "log" where !allPositive:
            return ("iqr", "方法：IQR（配置为对数尺度，但本列含 0 或负数，无法取对数）；")
        case "log": return ("log", "方法：对数尺度 IQR；")
        case "sigma": return ("sigma", "方法：均值 ± kσ；")
        default: return ("iqr", "方法：IQR；")
        }
    }
}

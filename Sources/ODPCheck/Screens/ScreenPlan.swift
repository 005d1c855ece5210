import Foundation
import ODPCore

/// Truthfulness screens (`screens:`): Benford, terminal-digit heaping, outliers, constant
/// and sequential columns. They only raise suspicion, so they warn unless `severity` says
/// otherwise, and they are evaluated once, at the end.
final class ScreenPlan {
    static let kinds = ["benford", "heaping", "outliers", "constant", "sequential"]

    enum Kind: String { case benford, heaping, outliers, constant, sequential }

    final class Target {
        let column: Int
        let tally: Int
        let kind: Kind
        var benford = Benford()
        var heaping = Heaping()
        var outliers = OutlierSketch()
        var sequence = SequenceScreen()
        var method = "auto"
        var k = 3.0
        var maxShare = 0.01

        init(column: Int, tally: Int, kind: Kind) { self.column = column; self.tally = tally; self.kind = kind }
    }

    private(set) var targets: [Target] = []
    var isEmpty: Bool { targets.isEmpty }

    init(_ value: ConfigValue?, compiler: RuleCompiler) {
        guard let value else { return }
        let r = ConfigReader(value, context: "screens")
        let schema = compiler.schema
        for kind in Self.kinds where !r.has(kind) { _ = r.raw(kind) }  // so a typo gets "did you mean"
        for kind in r.keys {
            guard Self.kinds.contains(kind) else { continue }  // reported as unknown keys by finish()
            guard let s = r.map(kind) else { continue }
            let (severity, dimension, _) = compiler.common(s, severity: .warn, dimension: .accuracy)
            if severity == .reject {
                s.error("screens.\(kind)：筛查（screen）评判整列，不能剔除单行",
                        at: s.raw("severity")?.location, hint: "改用 `severity: hold` 或 `warn`")
            }
            var method = "auto", k = 3.0, maxShare = 0.01
            if kind == "outliers" {
                method = s.choice("method", of: ["auto", "iqr", "sigma", "log"], default: "auto") ?? "auto"
                k = s.double("k") ?? 3
                maxShare = s.double("max_share") ?? 0.01
            }
            let names = s.strings("fields", required: true)
            let loc = s.raw("fields")?.location ?? s.location
            for name in names {
                guard let c = compiler.column(name, at: loc, context: "screens.\(kind).fields") else { continue }
                let field = schema.fields[c]
                if kind != "constant", field.type != .integer, field.type != .number {
                    s.error("screens.\(kind)：`\(name)` 是 \(field.type.rawValue) 字段；该筛查需要 integer 或 number 字段", at: loc)
                    continue
                }
                let tally = compiler.addTally("screen_\(kind)", field: name, severity: severity, dimension: dimension,
                                              label: "「\(field.title)」" + Self.label(kind))
                let t = Target(column: c, tally: tally, kind: Kind(rawValue: kind) ?? .constant)
                t.method = method; t.k = k; t.maxShare = maxShare
                targets.append(t)
            }
        }
        compiler.diagnostics += r.finish()
    }

    static func label(_ kind: String) -> String {
        switch kind {
        case "benford": return "首位数字分布应符合本福特定律"
        case "heaping": return "尾数不应集中于 0 和 5（数字堆积）"
        case "outliers": return "异常值比例不应过高"
        case "constant": return "不应为常数列"
        default: return "不应为等差序列（疑似生成数据）"
        }
    }

    @inline(__always)
    func add(_ target: Target, cell: UnsafeBufferPointer<UInt8>, row: Int) {
        let value = NumberScan.double(cell)
        switch target.kind {
        case .benford: if let value { target.benford.add(cell, value: value) }
        case .heaping: if let value { target.heaping.add(cell, value: value) }
        case .outliers: if let value { target.outliers.add(value, row: row) }
        case .constant, .sequential: target.sequence.add(cell, value: value)
        }
    }

    /// Decides every screen and fills its tally (one check each; not applicable = no check).
    func finish(_ tallies: [RuleTally]) {
        for t in targets {
            let tally = tallies[t.tally]
            var failed = false
            switch t.kind {
            case .benford:
                tally.metric["n"] = ArtifactJSON(t.benford.n)
                tally.metric["span_orders"] = ArtifactJSON(Report.round(t.benford.span))
                if let reason = t.benford.notApplicable { tally.note = reason; continue }
                let r = t.benford.result()
                tally.metric["mad_first"] = ArtifactJSON(Report.round(r.madFirst))
                tally.metric["mad_first_two"] = ArtifactJSON(Report.round(r.madFirstTwo))
                tally.metric["conformity_first"] = .string(r.first.rawValue)
                tally.metric["conformity_first_two"] = .string(r.firstTwo.rawValue)
                tally.metric["observed_first"] = ArtifactJSON(r.observedFirst.map(Report.round))
                tally.metric["expected_first"] = ArtifactJSON(r.expectedFirst.map(Report.round))
                failed = r.first == .nonconformity || r.firstTwo == .nonconformity
                tally.note = "首位数字：\(r.first.chinese)（MAD \(String(format: "%.4f", r.madFirst))）；前两位：\(r.firstTwo.chinese)（MAD \(String(format: "%.4f", r.madFirstTwo))）"
            case .heaping:
                let h = t.heaping
                tally.metric["n"] = ArtifactJSON(h.n)
                if h.n < Heaping.minimumCount { tally.note = "样本量 \(h.n) 少于 \(Heaping.minimumCount)，未评估"; continue }
                tally.metric["share_0_5"] = ArtifactJSON(Report.round(h.shareZeroFive))
                tally.metric["chi_square"] = ArtifactJSON(Report.round(h.chiSquare))
                tally.metric["chi_square_critical"] = ArtifactJSON(Heaping.critical)
                tally.metric["last_digit_counts"] = ArtifactJSON(h.last)
                failed = h.heaped
                tally.note = h.note
            case .outliers:
                let (method, why) = t.outliers.resolve(t.method)
                guard let r = t.outliers.result(method: method, k: t.k) else { tally.note = "样本量不足，未评估"; continue }
                tally.metric["method"] = .string(method)
                if let s = t.outliers.quartileSkewness { tally.metric["quartile_skewness"] = ArtifactJSON(Report.round(s)) }
                tally.metric["low"] = ArtifactJSON(Report.round(r.low))
                tally.metric["high"] = ArtifactJSON(Report.round(r.high))
                tally.metric["estimated_share"] = ArtifactJSON(Report.round(r.share))
                failed = r.share > t.maxShare
                if failed { tally.examples = r.examples }
                tally.note = why + "估计异常值比例 \(Report.percent(r.share))（阈值 \(Report.percent(t.maxShare))，基于 \(OutlierSketch.capacity) 个抽样值）"
            case .constant:
                if t.sequence.n < 2 { tally.note = "样本量不足，未评估"; continue }
                failed = t.sequence.isConstant
            case .sequential:
                if t.sequence.n < 3 { tally.note = "样本量不足，未评估"; continue }
                failed = t.sequence.isSequential
            }
            tally.checked = 1
            tally.failed = failed ? 1 : 0
        }
    }
}

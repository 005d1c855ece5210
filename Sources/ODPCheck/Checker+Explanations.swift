import Foundation
import ODPCore

/// `compare.explain` entries with their standing in this run, for the comparison and the
/// quality report.
final class ExplanationLedger {
    let entries: [(entry: CompareExplanation, status: CompareExplanation.Status)]
    private(set) var used = Set<Int>()

    init(_ explanations: [CompareExplanation], released: String?, candidate: String?, runDate: CivilDateTime) {
        entries = explanations.map { ($0, $0.status(released: released, candidate: candidate, runDate: runDate)) }
    }

    /// The text of the first explanation in force for a flagged metric; marks it used.
    func explain(_ metric: String) -> String? {
        guard let i = entries.firstIndex(where: { $0.status == .applies && $0.entry.covers(metric) }) else { return nil }
        used.insert(i)
        return entries[i].entry.text
    }

    /// `comparison.explanations` of quality-report.json: every entry with what became of it.
    var json: [ArtifactJSON] {
        entries.enumerated().map { i, e in
            var o = e.entry.json
            let (status, note) = describe(i)
            o["status"] = .string(status)
            o["note"] = .string(note)
            return o
        }
    }

    func describe(_ i: Int) -> (status: String, note: String) {
        let e = entries[i]
        switch e.status {
        case .applies where used.contains(i): return ("applied", "已用于说明本版本被标记的变化")
        case .applies: return ("not_needed", "本版本没有需要说明的变化")
        case .pending: return ("pending", "所说明的版本 \(e.entry.versionText ?? "") 尚未生成，本次不适用")
        case .stale:
            if e.entry.legacy { return ("stale", "过期：未写明版本或截止日期的说明不再生效，请改写为 \(CompareExplanation.example)") }
            if let until = e.entry.until { return ("stale", "过期：截止日期 \(until.isoDate) 已过，不再生效") }
            return ("stale", "过期：版本 \(e.entry.versionText ?? "") 已发布，不再生效")
        }
    }

    /// HTML list for the comparison section; empty when the definition explains nothing.
    var html: String {
        guard !entries.isEmpty else { return "" }
        var h = "<h3>变化说明（compare.explain）</h3><ul>"
        for (i, e) in entries.enumerated() {
            let (status, note) = describe(i)
            let scope = e.entry.versionText.map { "版本 \($0)" } ?? e.entry.until.map { "截至 \($0.isoDate)" } ?? "未限定"
            let cls = status == "stale" ? " class=\"warn\"" : ""
            h += "<li\(cls)>\(escapeHTML(scope))\(e.entry.metric.map { "，指标 \($0)" } ?? "")：\(escapeHTML(e.entry.text))（\(escapeHTML(note))）</li>"
        }
        return h + "</ul>\n"
    }
}

extension Checker {
    /// Tells the data officer, on each unexplained flagged change, the exact entry that
    /// would explain it: the version number is otherwise hard to guess after a hold.
    func hintExplanations() {
        guard let version = releaseVersion else { return }
        for t in plan.tallies where t.type.hasPrefix("compare_") && t.failed > 0 && !t.explained && t.note == nil {
            t.note = "如属预期变化，可在 compare.explain 中写明：{version: \(version), text: 原因}"
        }
    }

    func explanationLedger() -> ExplanationLedger {
        let released = context.previousRelease?.lastPathComponent
        return ExplanationLedger(settings.explanations, released: released, candidate: releaseVersion, runDate: context.runDate)
    }
}

import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline

extension ODP {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each dataset's newest version and its state, the last run, uploads per target and what to do next.",
            discussion: """
            Reads the output folder only (releases, state, run reports, the upload journal): no source is opened and no \
            target contacted, so no upload secret is needed. --json prints the same as a JSON object (README: "odp status --json").
            """)

        @OptionGroup var pipeline: PipelineOptions

        @Flag(help: "Print the status as JSON on stdout.")
        var json = false

        func run() throws {
            let report = try StatusReport(workspace: try pipeline.workspace())
            if json {
                print(String(decoding: try ArtifactJSON(encoding: report).encoded(pretty: true), as: UTF8.self))
                return
            }
            for d in report.datasets { print(Self.text(d)) }
            for orphan in report.orphans { print("警告 warning: \(orphan.message)") }
            for failure in report.webhookFailures { print("警告 warning: \(failure.message)") }
            for w in report.withdrawals {
                let what = w.version.map { "版本 \($0)" } ?? "整个数据集"
                print("撤回 withdrawn: \(w.number)  \(w.dataset) \(what)  \(BeijingTime.text(w.recorded))  \(w.by)\(w.restored.map { "  已于 \(BeijingTime.text($0)) 恢复" } ?? "")\n    \(w.reason)")
            }
        }

        static func timeliness(_ t: DatasetTimeliness) -> String {
            let released = BeijingTime.day(t.lastRelease)
            if t.overdue { return "  已逾期 overdue（更新周期\(t.cycle.rawValue)，发布于 \(released)）" }
            guard let due = t.overdueFrom else { return "  发布于 \(released)" }
            return "  发布于 \(released)，按时 on time（\(BeijingTime.day(due)) 前需更新）"
        }

        static func text(_ d: DatasetStatus) -> String {
            var lines = ["\(d.dataset)  \(d.title)"]
            lines.append("    最新版本 newest: \(d.version ?? "无 none")  \(d.state.label)")
            lines.append("    公开版本 public: \(d.publishedVersion ?? "无 none")\(d.timeliness.map(Self.timeliness) ?? "")")
            for reason in d.reasons { lines.append("      - \(reason)") }
            if !d.withdrawnVersions.isEmpty { lines.append("    已撤回版本 withdrawn: \(d.withdrawnVersions.joined(separator: ", "))") }
            if let run = d.lastRun {
                lines.append("    上次运行 last run: \(run.started)  \(run.status.label)\(run.error.map { " — \($0)" } ?? "")")
            } else {
                lines.append("    上次运行 last run: 无 never")
            }
            for u in d.uploads {
                if u.publishedVersion == nil && u.pending.isEmpty {
                    lines.append("    目标 target \(u.target): 尚未上传 nothing uploaded yet")
                    continue
                }
                let pending = u.pending.isEmpty ? "无待上传 nothing pending" : "\(u.pending.count) 个文件待上传 pending"
                lines.append("    目标 target \(u.target): 已上传 \(u.publishedVersion ?? "无 none")，\(pending)")
            }
            for hint in d.next { lines.append("    下一步 next: \(hint)") }
            return lines.joined(separator: "\n")
        }
    }
}

import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline

/// Options shared by `feedback accept`, `fix` and `decline`.
struct FeedbackChangeOptions: ParsableArguments {
    @OptionGroup var pipeline: PipelineOptions
    @Argument(help: "Feedback number (反馈编号), e.g. air-quality-F3.") var number: String
    @Option(help: "Who decides (数据专员 name).") var by: String

    /// Runs a change and prints the item's number and new status.
    func change(_ action: (FeedbackDesk) throws -> FeedbackItem) throws {
        do {
            let workspace = try pipeline.workspace()
            let item = try action(FeedbackDesk(layout: workspace.layout, audit: try workspace.auditTrail(store: try workspace.openStateStore())))
            print("\(item.number) \(item.statusTitle)（\(item.status.rawValue)）")
        } catch { fail(error) }
    }
}

extension ODP {
    struct Feedback: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Public corrections and requests (纠错与意见) from the portal: list, accept, fix, decline.",
            discussion: """
            Examples:
              odp feedback list [DATASET]             open ones first, with their age
              odp feedback accept air-quality-F3 --by 张三
              odp feedback fix air-quality-F3 --version 2026.11.23.1 --erratum air-quality-E1 --by 张三
              odp feedback decline air-quality-F3 --reason 该字段按标准不公开 --by 张三

            The list lives in output/state/feedback/<dataset>.public.json (never published).
            A fix names a published version (and optionally the erratum of odp erratum); a
            decline's reason is published, so it is scanned for personal data. Unknown numbers
            and changes the status does not allow exit 1 with ODP-E0521 (docs/feedback.md).
            """,
            subcommands: [List.self, Accept.self, Fix.self, Decline.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List feedback: open items first (received, accepted), then answered ones.")
            @OptionGroup var pipeline: PipelineOptions
            @Argument(help: "Only this dataset.") var dataset: String?

            func run() throws {
                let workspace = try pipeline.workspace()
                let book = FeedbackBook(state: workspace.layout.state)
                let all = try dataset.map { try book.items($0) } ?? book.all()
                let open = all.filter { $0.status == .received || $0.status == .accepted }
                let ordered = open + all.filter { $0.status == .fixed || $0.status == .declined }.reversed()
                if ordered.isEmpty { print("暂无纠错与意见（no feedback）"); return }
                for f in ordered {
                    var line = "\(f.number)  \(f.kind.title)  \(f.statusTitle)（\(f.status.rawValue)）  收到 \(BeijingTime.text(f.received))"
                    if let version = f.version { line += "  版本 \(version)" }
                    if let seconds = f.responseSeconds { line += "  响应用时 \(String(format: "%.1f", seconds / 3600)) 小时" }
                    line += "\n    \(f.text.replacingOccurrences(of: "\n", with: "\n    "))"
                    if f.withheld { line += "\n    （含个人信息，公开列表中不显示内容）" }
                    line += "\n    联系方式：\(f.contact ?? "—")"
                    if let reason = f.reason { line += "\n    不予采纳理由：\(reason)" }
                    if let erratum = f.erratum { line += "\n    勘误：\(erratum)" }
                    print(line)
                }
            }
        }

        struct Accept: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Accept a received item (已受理).")
            @OptionGroup var options: FeedbackChangeOptions
            func run() throws { try options.change { try $0.accept(options.number, by: options.by) } }
        }

        struct Fix: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Mark an item fixed in a published version (已在 V 版本修正).")
            @OptionGroup var options: FeedbackChangeOptions
            @Option(help: "The published version that fixes it.") var version: String
            @Option(help: "The erratum (odp erratum) that notes the fix, e.g. air-quality-E1.") var erratum: String?
            func run() throws { try options.change { try $0.fix(options.number, version: version, erratum: erratum, by: options.by) } }
        }

        struct Decline: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Decline an item with a reason, which is shown publicly (不予采纳).")
            @OptionGroup var options: FeedbackChangeOptions
            @Option(help: "Why (public; no personal data).") var reason: String
            func run() throws { try options.change { try $0.decline(options.number, reason: reason, by: options.by) } }
        }
    }
}

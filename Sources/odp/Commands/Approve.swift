import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline
import ODPRelease

/// Options shared by `approve` and `reject`.
struct DecisionOptions: ParsableArguments {
    @OptionGroup var pipeline: PipelineOptions
    @Argument(help: "Dataset id.") var dataset: String
    @Argument(help: "Version to decide on.") var version: String
    @Option(help: "Who decides (数据专员 name).") var by: String
    @Option(help: "A note for the audit trail.") var note: String?

    func record(approved: Bool) throws {
        let workspace = try pipeline.workspace()
        let layout = workspace.layout
        let release = layout.releases.appendingPathComponent(dataset).appendingPathComponent(version)
        guard FileManager.default.fileExists(atPath: release.path) else {
            let heldRoot = ReleaseReader.heldRoot(layout.root)
            if let held = try ReleaseReader.versions(datasetId: dataset, root: heldRoot).first(where: { $0.version == version }) {
                throw ODPError.usage(Self.heldExplanation(held, feedback: layout.feedback(dataset))).coded(.heldNotReviewable)
            }
            throw ODPError.usage("\(dataset) 没有版本 \(version)（no release）：\(layout.releases.path) 与 \(heldRoot.path) 下都没有；用 odp status 查看各数据集的版本").coded(.noRelease)
        }
        let store = try workspace.openStateStore()
        var approvals = try Approvals(layout: layout, store: store)
        try approvals.record(dataset: dataset, version: version, approved: approved, by: by, note: note)
        try workspace.auditTrail(store: store).record(approved ? "release_approved" : "release_rejected", dataset: dataset,
                                                    details: AuditDetails(version: version, by: by, note: note ?? ""))
        print("\(dataset) \(version)：\(approved ? "approved 已批准，下次运行 odp run 时发布" : "rejected 已驳回")")
    }

    /// Why a held release cannot be approved or rejected, and what to do instead.
    static func heldExplanation(_ held: ReleaseInfo, feedback: URL) -> String {
        var lines = ["\(held.datasetId) \(held.version) 被发布闸门暂缓（held by the gate），不能审核：审核只针对等待审核（awaiting approval）的版本。",
                     "暂缓原因："]
        lines += held.holdReasons.map { "  - \($0)" }
        lines += ["处理办法：按上述原因修正源数据或数据集定义，再运行 odp run；通过检查的新版本会自动发布（approval: required 时进入审核队列）。",
                  "查看：odp preview \(held.datasetId) --version \(held.version)；文件在 \(held.directory.path)；被剔除的行在 \(feedback.path)。"]
        return lines.joined(separator: "\n")
    }
}

extension ODP {
    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a release awaiting approval (审核通过).")
        @OptionGroup var options: DecisionOptions
        func run() throws { try options.record(approved: true) }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a release awaiting approval (驳回).")
        @OptionGroup var options: DecisionOptions
        func run() throws { try options.record(approved: false) }
    }
}

import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline

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
            throw ValidationError("no release \(version) of \(dataset) under \(layout.releases.path)")
        }
        var approvals = try Approvals(url: layout.approvals)
        try approvals.record(dataset: dataset, version: version, approved: approved, by: by, note: note)
        try AuditTrail(url: layout.auditLog).record(approved ? "release_approved" : "release_rejected", dataset: dataset,
                                                    details: AuditDetails(version: version, by: by, note: note ?? ""))
        print("\(dataset) \(version): \(approved ? "approved 已批准 — the next run publishes it" : "rejected 已驳回")")
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

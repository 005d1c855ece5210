import Foundation
import ODPCore
import ODPPublish
import ODPRelease

extension PipelineRunner {
    /// Takes a recorded withdrawal to every upload target, after `odp withdraw` applied it to
    /// the output folder. Each target and version is journaled once done, so running it again
    /// (a re-run of `odp withdraw`, after a fault or a kill) does only what is missing. Targets
    /// switch to the version `latest.json` now names, or hold none.
    /// - Returns: the receipts, one per target and version; empty without targets.
    /// - Throws: `ODPError.publish` naming the targets that failed (the others are done), or
    ///   a usage error when the dataset's definition is gone (targets need its catalog metadata).
    public func propagate(_ withdrawal: Withdrawal) throws -> [Receipt] {
        guard !workspace.config.targets.isEmpty else { return [] }
        guard let definition = workspace.definitions.first(where: { $0.id == withdrawal.dataset }) else {
            throw ODPError.usage("数据集 \(withdrawal.dataset) 的定义已不在 odp.yml 中，无法把撤回同步到上传目标（targets need the definition）："
                + "把定义文件加回 datasets:，重新运行同一条 odp withdraw").coded(.withdrawalRejected)
        }
        let store = try workspace.openStateStore()
        guard let publisher = try makePublisher(store: store) else { return [] }
        let versions = withdrawal.version.map { [$0] } ?? withdrawal.versions ?? []
        let current = withdrawal.version == nil ? nil
            : try ReleaseReader.latest(datasetId: withdrawal.dataset, root: workspace.layout.root).map { ($0.version, $0.directory) }
        let receipts = try publisher.withdraw(withdrawal, versions: versions, definition: definition, current: current)
        let done = receipts.filter(\.newlyUploaded)
        if !done.isEmpty {
            try workspace.auditTrail(store: store).record("withdrawal_uploaded", dataset: withdrawal.dataset,
                                                          details: AuditDetails(files: done.count, note: withdrawal.number))
        }
        return receipts
    }
}

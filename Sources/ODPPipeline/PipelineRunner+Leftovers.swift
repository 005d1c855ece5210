import Foundation
import ODPCore
import ODPPublish

extension PipelineRunner {
    /// Removes what killed runs left behind: temporary release folders, zips, state files and
    /// the open list under the output folder, and temporary copies in `dir` targets. Runs while
    /// the run lock is held, so a pid that is alive again is no sign of a live writer.
    func removeLeftovers(publisher: Publisher?) {
        var removed = TemporaryName.sweep(workspace.layout.root, lockHeld: true)
        for folder in publisher?.localFolders ?? [] {
            removed += TemporaryName.sweep(folder, lockHeld: true, matching: TemporaryName.isUpload)
        }
        guard !removed.isEmpty else { return }
        log.log(.warning, "removed \(removed.count) leftover(s) of an interrupted run: "
                + removed.prefix(5).map(\.path).joined(separator: ", ") + (removed.count > 5 ? ", …" : ""))
    }
}

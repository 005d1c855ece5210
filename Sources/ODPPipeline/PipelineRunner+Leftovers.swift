import Foundation
import ODPCore
import ODPPublish

extension PipelineRunner {
    /// Removes what killed runs left behind: temporary release folders, zips, state files and
    /// the open list under the output folder, the scratch folder's spools, and temporary
    /// copies in `dir` targets. Runs while the run lock is held, so a pid that is alive again
    /// is no sign of a live writer.
    func removeLeftovers(publisher: Publisher?) {
        var removed = TemporaryName.sweep(workspace.layout.root, lockHeld: true)
        // Only runs write to the scratch folder: with the lock held, all of it is left over.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: workspace.layout.scratch.path)) ?? [] {
            let url = workspace.layout.scratch.appendingPathComponent(name)
            if (try? FileManager.default.removeItem(at: url)) != nil { removed.append(url) }
        }
        for folder in publisher?.localFolders ?? [] {
            removed += TemporaryName.sweep(folder, lockHeld: true, matching: TemporaryName.isUpload)
        }
        guard !removed.isEmpty else { return }
        log.log(.warning, "removed \(removed.count) leftover(s) of an interrupted run: "
                + removed.prefix(5).map(\.path).joined(separator: ", ") + (removed.count > 5 ? ", …" : ""))
    }
}

import Foundation

extension FileStateStore {
    /// `state/plans/<id>.json`.
    public func planFile(id: String) -> URL { directory.appendingPathComponent("plans/\(id).json") }

    /// First writer wins across processes and machines sharing the folder: the proposal goes to
    /// a temporary file of its own, then `link(2)` gives it the plan's name only if nothing has
    /// it yet (a rename would replace a plan another shard already works from). The loser
    /// removes its temporary file and reads the winner's plan.
    ///
    /// ## Errors
    /// `ODPError.usage` (ODP-E0010) for an id that is not a plain file name; `ODPError.io`
    /// naming the file when the plan cannot be written or read.
    public func claimPlan(id: String, proposed: Data) throws -> Data {
        try ShardPlan.checkID(id)
        let url = planFile(id: id)
        if let stored = FileManager.default.contents(atPath: url.path) { return stored }
        let folder = url.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ODPError.from(error, path: folder.path)
        }
        // Pods of different machines can share a pid: the random part keeps the names apart.
        let temporary = folder.appendingPathComponent(TemporaryName.release("plan-\(UUID().uuidString)"))
        try AtomicFile.writeExclusive(proposed, to: temporary)
        defer { unlink(temporary.path) }
        if link(temporary.path, url.path) == 0 {
            AtomicFile.syncDirectory(folder)
            return proposed
        }
        guard errno == EEXIST else { throw ODPError.system(url.path, errno: errno) }
        guard let stored = FileManager.default.contents(atPath: url.path) else {
            throw ODPError.io(url.path, "无法读取分片计划（shard plan）")
        }
        return stored
    }
}

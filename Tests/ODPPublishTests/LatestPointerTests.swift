import Foundation
import ODPCore
import Testing
@testable import ODPPublish

/// Issue 19, item 7: on a file drop, `<dataset>/latest.json` names a version only once every
/// file of it is there, and never goes back to an older one.
@Suite("file drop: latest.json moves last")
struct LatestPointerTests {
    /// A local folder whose writes fail after the first `allowed`: a run interrupted there.
    final class FailingStore: FileStore {
        let inner: DirectoryStore
        private var allowed: Int

        init(root: URL, allowed: Int) {
            inner = DirectoryStore(root: root)
            self.allowed = allowed
        }

        private func spend(_ path: String) throws {
            guard allowed > 0 else { throw ODPError.io(path, "injected failure") }
            allowed -= 1
        }

        func size(_ path: String) throws -> Int64? { try inner.size(path) }
        func sha256(_ path: String) throws -> String { try inner.sha256(path) }
        func put(_ local: URL, size: Int64, at path: String) throws { try spend(path); try inner.put(local, size: size, at: path) }
        func put(_ data: Data, at path: String) throws { try spend(path); try inner.put(data, at: path) }
        func read(_ path: String) throws -> Data? { try inner.read(path) }
        func list(_ folder: String) throws -> [String] { try inner.list(folder) }
        func describe(_ path: String) -> String { inner.describe(path) }
        func delete(_ paths: [String]) throws { try spend(paths.first ?? ""); try inner.delete(paths) }
    }

    func job(_ release: URL, version: String) throws -> PublishJob {
        PublishJob(dataset: "bus-stops", version: version, catalog: Fixtures.definition().catalog, files: try UploadFile.release(release),
                   contentHash: try ReleaseMetadata.read(release: release)?.contentHash)
    }

    /// The version latest.json names, after checking that its folder holds every file of it
    /// with the bytes its SHA256SUMS lists and the done marker; nil when there is no pointer.
    func current(_ drop: URL, releases: [String: URL]) throws -> String? {
        let dataset = drop.appendingPathComponent("bus-stops")
        guard let pointer = try LatestPointer.read(datasetDirectory: dataset) else { return nil }
        let release = try #require(releases[pointer.version], "latest.json names \(pointer.version)")
        #expect(pointer.path == "\(pointer.version)/")
        #expect(pointer.contentHash == (try ReleaseMetadata.read(release: release))?.contentHash)
        for file in try UploadFile.release(release) {
            let copy = dataset.appendingPathComponent("\(pointer.version)/\(file.path)")
            #expect((try? UploadFile.hashFile(copy).0) == file.sha256, "latest.json names \(pointer.version) but \(file.path) is not complete")
        }
        #expect(FileManager.default.fileExists(atPath: dataset.appendingPathComponent("\(pointer.version)/\(FileDropMarkers.done)").path))
        return pointer.version
    }

    @Test("interrupted after each write, latest.json names a complete version; an old version published again does not move it back")
    func interruptAfterEachWrite() throws {
        let dir = Fixtures.tempDirectory("latest")
        let drop = dir.appendingPathComponent("drop")
        let config = try #require(Fixtures.config("  - type: dir\n    name: local\n    path: drop", in: dir).0)
        let settings = try #require(TargetSettings.parse(config.targets[0], config: config).0)
        let state = dir.appendingPathComponent("state")
        let releases = ["v1": Fixtures.release(in: dir, seed: 1), "v2": Fixtures.release(in: dir, seed: 2)]
        _ = try Publisher(config: config, stateDirectory: state, environment: [:]).publish(release: releases["v1"]!, definition: Fixtures.definition(), version: "v1")
        #expect(try current(drop, releases: releases) == "v1")

        let v2 = try job(releases["v2"]!, version: "v2")
        let journal = Journal(store: try FileStateStore(directory: state))
        var seen: [String] = []
        var done = false
        // Each resumed run gets one write more than the last left behind: an interruption at every point.
        for k in 0...20 where !done {
            let target = FileDropTarget(settings: settings, store: FailingStore(root: drop, allowed: k == 0 ? 0 : 1))
            let session = PublishSession(target: "local", journal: journal, log: PublishLog(redactor: Redactor(), sink: nil), job: v2)
            do { try target.publish(v2, session: session); done = true } catch {}
            seen.append(try current(drop, releases: releases) ?? "nil")
        }
        #expect(done)
        // The release's files, the manifest, the marker, then the pointer: v1 until the last write.
        #expect(seen.filter { $0 == "v1" }.count == Fixtures.releaseFileCount + 2 + 1, "\(seen)")
        #expect(seen.last == "v2")

        // Publishing v1 again (a repair, or a re-run) leaves the newer version current.
        var repair = try job(releases["v1"]!, version: "v1")
        repair.repair = true
        let again = PublishSession(target: "local", journal: journal, log: PublishLog(redactor: Redactor(), sink: nil), job: repair)
        try FileDropTarget(settings: settings, store: DirectoryStore(root: drop)).publish(repair, session: again)
        #expect(try current(drop, releases: releases) == "v2")
    }

    @Test("versions compare part by part as numbers")
    func order() {
        #expect(PublishedFile.precedes("2026.12.07.2", "2026.12.07.10"))
        #expect(!PublishedFile.precedes("2026.12.08.1", "2026.12.07.9"))
        #expect(PublishedFile.precedes("v1", "v2"))
        #expect(!PublishedFile.precedes("v2", "v2"))
    }
}

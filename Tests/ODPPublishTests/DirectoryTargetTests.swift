import Foundation
import ODPCore
import Testing
@testable import ODPPublish

@Suite("dir target")
struct DirectoryTargetTests {
    @Test("publishes a release byte for byte with a manifest and a done marker, and a second run uploads nothing")
    func publishesOnce() throws {
        let dir = Fixtures.tempDirectory("dir")
        let drop = dir.appendingPathComponent("drop")
        let (config, diags) = Fixtures.config("  - type: dir\n    name: local\n    path: drop", in: dir)
        #expect(diags.filter { $0.severity == .error }.isEmpty)
        let state = dir.appendingPathComponent("state")
        let publisher = try Publisher(config: try #require(config), stateDirectory: state, environment: [:])
        let release = Fixtures.release(in: dir)
        let receipts = try publisher.publish(release: release, definition: Fixtures.definition(), version: "v1")
        #expect(receipts.count == Fixtures.releaseFileCount)
        #expect(receipts.map(\.file).last == "SHA256SUMS")
        for r in receipts {
            let copy = try Data(contentsOf: drop.appendingPathComponent("bus-stops/v1/\(r.file)"))
            #expect(copy == (try Data(contentsOf: release.appendingPathComponent(r.file))))
            #expect(r.remote.hasSuffix("bus-stops/v1/\(r.file)"))
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: drop.appendingPathComponent("bus-stops/v1/manifest.json"))) as? [String: Any]
        #expect((manifest?["files"] as? [[String: Any]])?.count == Fixtures.releaseFileCount)
        let done = try String(contentsOf: drop.appendingPathComponent("bus-stops/v1/_ODP_DONE"), encoding: .utf8)
        #expect(done.count == 65)
        let journalLines = Fixtures.lines(Fixtures.receiptsFile(state)).count
        #expect(journalLines == Fixtures.releaseFileCount)

        let again = try Publisher(config: try #require(config), stateDirectory: state, environment: [:])
        let second = try again.publish(release: release, definition: Fixtures.definition(), version: "v1")
        #expect(second == receipts)
        #expect(Fixtures.lines(Fixtures.receiptsFile(state)).count == journalLines)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: drop.appendingPathComponent("bus-stops/v1").path).filter { $0.contains("odp-tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test("an interrupted run resumes: only missing files are uploaded and nothing is journaled twice")
    func resumes() throws {
        let dir = Fixtures.tempDirectory("dir-resume")
        let drop = dir.appendingPathComponent("drop")
        let (config, _) = Fixtures.config("  - type: dir\n    path: drop", in: dir)
        let state = dir.appendingPathComponent("state")
        let release = Fixtures.release(in: dir)
        let first = try Publisher(config: try #require(config), stateDirectory: state, environment: [:])
        _ = try first.publish(release: release, definition: Fixtures.definition(), version: "v1")
        // Crash picture: two receipts written, the rest of the set never arrived.
        let journal = Fixtures.receiptsFile(state)
        let kept = Fixtures.lines(journal).prefix(2)
        try (kept.joined(separator: "\n") + "\n{\"target\":\"dir\",\"torn").write(to: journal, atomically: true, encoding: .utf8)
        let version = drop.appendingPathComponent("bus-stops/v1")
        for name in ["README.md", "datapackage.json", "SHA256SUMS", "manifest.json", "_ODP_DONE"] {
            try FileManager.default.removeItem(at: version.appendingPathComponent(name))
        }
        let pending = try Publisher(config: try #require(config), stateDirectory: state, environment: [:]).status()
        #expect(pending.filter { $0.state == .pending }.count == Fixtures.releaseFileCount - 2)

        let logs = LogLines()
        let resumed = try Publisher(config: try #require(config), stateDirectory: state, environment: [:], log: logs.sink)
        let receipts = try resumed.publish(release: release, definition: Fixtures.definition(), version: "v1")
        #expect(receipts.count == Fixtures.releaseFileCount)
        #expect(logs.all.filter { $0.contains("uploaded") }.count == 3)
        let lines = Fixtures.lines(journal).filter { $0.hasSuffix("}") }
        #expect(lines.count == Fixtures.releaseFileCount)
        #expect(Set(lines).count == Fixtures.releaseFileCount)
        #expect(FileManager.default.fileExists(atPath: version.appendingPathComponent("_ODP_DONE").path))
        #expect(resumed.status().allSatisfy { $0.state == .published })
    }

    @Test("a remote copy with other content is neither trusted nor replaced: the upload fails naming the path")
    func refusesWrongCopy() throws {
        let dir = Fixtures.tempDirectory("dir-wrong")
        let (config, _) = Fixtures.config("  - type: dir\n    path: drop", in: dir)
        let release = Fixtures.release(in: dir)
        let csv = dir.appendingPathComponent("drop/bus-stops/v1/data/bus-stops.csv")
        try FileManager.default.createDirectory(at: csv.deletingLastPathComponent(), withIntermediateDirectories: true)
        let original = try Data(contentsOf: release.appendingPathComponent("data/bus-stops.csv"))
        var tampered = original
        tampered[0] = UInt8(ascii: "X")
        try tampered.write(to: csv)
        let publisher = try Publisher(config: try #require(config), stateDirectory: dir.appendingPathComponent("state"), environment: [:])
        var message = ""
        do { _ = try publisher.publish(release: release, definition: Fixtures.definition(), version: "v1") } catch { message = "\(error)" }
        #expect(message.contains("上传目标 dir：") && message.contains(csv.path), "\(message)")
        #expect(try Data(contentsOf: csv) == tampered)
    }

    @Test("a release whose files do not match SHA256SUMS is refused before anything is uploaded")
    func refusesCorruptRelease() throws {
        let dir = Fixtures.tempDirectory("dir-corrupt")
        let (config, _) = Fixtures.config("  - type: dir\n    path: drop", in: dir)
        let release = Fixtures.release(in: dir)
        try "changed".write(to: release.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let publisher = try Publisher(config: try #require(config), stateDirectory: dir.appendingPathComponent("state"), environment: [:])
        #expect(throws: ODPError.self) { try publisher.publish(release: release, definition: Fixtures.definition(), version: "v1") }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("drop").path))
    }

    @Test("a failing target leaves its files pending in status while the other target publishes")
    func statusShowsPending() throws {
        let dir = Fixtures.tempDirectory("dir-status")
        try "not a folder".write(to: dir.appendingPathComponent("blocked"), atomically: true, encoding: .utf8)
        let (config, _) = Fixtures.config("  - type: dir\n    name: good\n    path: drop\n  - type: dir\n    name: bad\n    path: blocked/sub", in: dir)
        let publisher = try Publisher(config: try #require(config), stateDirectory: dir.appendingPathComponent("state"), environment: [:])
        #expect(throws: ODPError.self) { try publisher.publish(release: Fixtures.release(in: dir), definition: Fixtures.definition(), version: "v1") }
        let status = publisher.status()
        #expect(status.filter { $0.target == "good" }.allSatisfy { $0.state == .published && $0.receipt != nil })
        #expect(status.filter { $0.target == "bad" }.count == Fixtures.releaseFileCount)
        #expect(status.filter { $0.target == "bad" }.allSatisfy { $0.state == .pending })
    }

    @Test("the open-data list goes to catalog/ and re-publishing the same list uploads nothing")
    func catalog() throws {
        let dir = Fixtures.tempDirectory("dir-catalog")
        let (config, _) = Fixtures.config("  - type: dir\n    path: drop", in: dir)
        let list = dir.appendingPathComponent("open-list.csv")
        try "资源代码,资源名称\n370100-JT-0001,公交站点\n".write(to: list, atomically: true, encoding: .utf8)
        let state = dir.appendingPathComponent("state")
        let publisher = try Publisher(config: try #require(config), stateDirectory: state, environment: [:])
        let receipts = try publisher.publishCatalog(files: [list])
        #expect(receipts.count == 1)
        #expect(try Data(contentsOf: dir.appendingPathComponent("drop/catalog/open-list.csv")) == Data(contentsOf: list))
        _ = try publisher.publishCatalog(files: [list])
        #expect(Fixtures.lines(Fixtures.receiptsFile(state)).count == 1)
    }
}

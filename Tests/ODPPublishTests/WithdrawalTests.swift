import Foundation
import ODPCore
import Testing
@testable import ODPPublish

/// `Publisher.withdraw` against the real servers: a withdrawn version stops being served on
/// every target, exactly once per target and version, also through the 30% fault proxies.
enum WithdrawalScenario {
    static func withdrawal(_ dataset: String, _ n: Int, version: String?) -> Withdrawal {
        Withdrawal(number: "\(dataset)-W\(n)", dataset: dataset, version: version, reason: "源数据有误，已停止开放",
                   by: "张三", recorded: "2026-12-07T09:00:00Z")
    }

    /// The withdrawal receipts of a state folder, one line each.
    static func withdrawalReceipts(_ state: URL) -> [String] {
        Fixtures.receiptLines(state).filter { $0.contains("\"\(WithdrawalMarker.fileName)\"") }
    }

    /// Publishes `versions` (seed 1, 2, …) of `id` through `publisher`; returns their release folders.
    static func publish(_ publisher: Publisher, in dir: URL, id: String, versions: [String], definition: DatasetDefinition) throws -> [URL] {
        try versions.enumerated().map { n, version in
            let release = Fixtures.release(in: dir, id: id, seed: n + 1)
            _ = try publisher.publish(release: release, definition: definition, version: version)
            return release
        }
    }

    /// Runs `body` with no retries until it succeeds (at most 200 runs); returns the number of failed runs.
    static func untilDone(_ errors: inout [String], _ body: () throws -> Void) -> Int {
        var failures = 0
        for _ in 0..<200 {
            do { try body(); return failures } catch { failures += 1; errors.append("\(error)") }
        }
        Issue.record("not done in 200 runs; the last errors: \(errors.suffix(3))")
        return failures
    }

    /// A file drop (dir, SFTP or FTP) at `root`/`folder`: a version withdrawal, a repeat, a
    /// refused re-upload, then the whole dataset; and the same through the fault proxy with
    /// no retries, resumed until done.
    static func fileDrop(yaml: (_ url: String, _ extra: String) -> String, direct: String, proxy: String?, root: URL,
                         environment: [String: String], secrets: [String]) throws {
        let dir = Fixtures.tempDirectory("withdraw")
        let folder = "wd-\(UUID().uuidString.prefix(8))"
        let logs = LogLines()
        let (config, diags) = Fixtures.config(yaml("\(direct)/\(folder)", ""), in: dir)
        let state = dir.appendingPathComponent("state")
        let publisher = try Publisher(config: try #require(config, "\(diags)"), stateDirectory: state, environment: environment, log: logs.sink)
        let definition = Fixtures.definition(id: "wd")
        let releases = try publish(publisher, in: dir, id: "wd", versions: ["v1", "v2"], definition: definition)
        let base = root.appendingPathComponent("\(folder)/wd")
        #expect(try latest(base)?.version == "v2")

        let w1 = withdrawal("wd", 1, version: "v2")
        let receipts = try publisher.withdraw(w1, versions: ["v2"], definition: definition, current: ("v1", releases[0]))
        #expect(receipts.count == 1 && receipts.allSatisfy(\.newlyUploaded))
        try expectTombstone(base.appendingPathComponent("v2"), w1, version: "v2", release: releases[1])
        try FileDropScenario.verify(base.appendingPathComponent("v1"), releases[0])
        #expect(try latest(base)?.version == "v1", "latest.json moves to the version that stays current")

        let before = Fixtures.receiptLines(state)
        let again = try publisher.withdraw(w1, versions: ["v2"], definition: definition, current: ("v1", releases[0]))
        #expect(again.count == 1 && !again.contains(where: \.newlyUploaded))
        #expect(Fixtures.receiptLines(state) == before, "a repeated withdrawal journals nothing")
        #expect(throws: ODPError.self, "a withdrawn version is not uploaded again") {
            try Publisher(config: try #require(config), stateDirectory: dir.appendingPathComponent("other-state"), environment: environment)
                .publish(release: releases[1], definition: definition, version: "v2")
        }
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("v2/data/wd.csv").path))

        let w2 = withdrawal("wd", 2, version: nil)
        _ = try publisher.withdraw(w2, versions: ["v1", "v2"], definition: definition)
        try expectTombstone(base.appendingPathComponent("v1"), w2, version: "v1", release: releases[0])
        try expectTombstone(base.appendingPathComponent("v2"), w2, version: "v2", release: releases[1])
        #expect(try latest(base) == nil, "nothing is current once the dataset is withdrawn")
        let datasetMarker = try ArtifactCodec.decode(WithdrawalMarker.self, from: Data(contentsOf: base.appendingPathComponent("_ODP_WITHDRAWN")), file: "")
        #expect(datasetMarker.wholeDataset && datasetMarker.version == nil && datasetMarker.number == "wd-W2")
        #expect(withdrawalReceipts(state).count == 3)

        guard let proxy else { return }
        // Through the fault proxy, with no retries: each run resumes where the journal says.
        var errors: [String] = []
        let b = dir.appendingPathComponent("b")
        let (brittleConfig, _) = Fixtures.config(yaml("\(proxy)/\(folder)", "    retries: 0"), in: b)
        let brittle = try #require(brittleConfig)
        let bState = b.appendingPathComponent("state")
        let flaky = Fixtures.definition(id: "wdf")
        let versions = ["v1", "v2", "v3"]
        let flakyReleases = try publish(publisher, in: dir, id: "wdf", versions: versions, definition: flaky)
        let w = withdrawal("wdf", 1, version: nil)
        let failures = untilDone(&errors) {
            _ = try Publisher(config: brittle, stateDirectory: bState, environment: environment, log: logs.sink)
                .withdraw(w, versions: versions, definition: flaky)
        }
        #expect(failures > 0, "no run was interrupted")
        for (version, release) in zip(versions, flakyReleases) {
            try expectTombstone(root.appendingPathComponent("\(folder)/wdf/\(version)"), w, version: version, release: release)
        }
        #expect(withdrawalReceipts(bState).count == versions.count, "each version is confirmed once")
        #expect(Set(withdrawalReceipts(bState)).count == versions.count)
        let settled = LogLines()
        _ = try Publisher(config: brittle, stateDirectory: bState, environment: environment, log: settled.sink)
            .withdraw(w, versions: versions, definition: flaky)
        #expect(settled.all.isEmpty, "a finished withdrawal contacts no target: \(settled.all)")
        expectNoSecrets(secrets, logs: logs.all, errors: errors, state: dir)
    }

    static func latest(_ datasetFolder: URL) throws -> LatestPointer? {
        try LatestPointer.read(datasetDirectory: datasetFolder)
    }

    /// The version folder holds the tombstone and the manifest and nothing else.
    static func expectTombstone(_ folder: URL, _ w: Withdrawal, version: String, release: URL) throws {
        let marker = try ArtifactCodec.decode(WithdrawalMarker.self, from: Data(contentsOf: folder.appendingPathComponent("_ODP_WITHDRAWN")), file: folder.path)
        #expect(marker == WithdrawalMarker(w, version: version))
        #expect(marker.reason == w.reason && marker.withdrawn == w.recorded)
        let names = try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter {
            !((try? folder.appendingPathComponent($0).resourceValues(forKeys: [.isDirectoryKey]).isDirectory) ?? false)
        }
        #expect(Set(names) == ["manifest.json", "_ODP_WITHDRAWN"], "\(folder.lastPathComponent): \(names.sorted())")
        let manifest = try ArtifactCodec.decode(FileDropManifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")), file: "")
        #expect(manifest.files.map(\.sha256) == (try UploadFile.release(release)).map(\.sha256), "the manifest names what was withdrawn")
    }
}

@Suite("withdrawal on file drops", .serialized)
struct FileDropWithdrawalTests {
    @Test("dir: the version folder becomes a tombstone, latest.json moves back, exactly once")
    func directory() throws {
        let root = Fixtures.tempDirectory("wd-dir")
        try WithdrawalScenario.fileDrop(yaml: { url, extra in "  - type: dir\n    name: local\n    path: \(url)\n\(extra)" }, direct: root.path,
                                        proxy: nil, root: root, environment: [:], secrets: [])
    }

    @Test("a target that cannot withdraw fails the call, naming it without its secret, and the others are withdrawn")
    func oneTargetFails() throws {
        let dir = Fixtures.tempDirectory("wd-fail")
        let yaml = "  - type: dir\n    name: local\n    path: drop\n  - type: ckan\n    name: portal\n    url: https://ckan.invalid\n    token: env:ODP_TEST_MISSING_TOKEN\n    organization: org"
        let (config, diags) = Fixtures.config(yaml, in: dir)
        let state = dir.appendingPathComponent("state")
        let publisher = try Publisher(config: try #require(config, "\(diags)"), stateDirectory: state, environment: [:])
        let definition = Fixtures.definition(id: "wd")
        let release = Fixtures.release(in: dir, id: "wd")
        let local = try Publisher(config: try #require(Fixtures.config("  - type: dir\n    name: local\n    path: drop", in: dir).0), stateDirectory: state, environment: [:])
        _ = try local.publish(release: release, definition: definition, version: "v1")
        let w = WithdrawalScenario.withdrawal("wd", 1, version: "v1")
        var message = ""
        do { _ = try publisher.withdraw(w, versions: ["v1"], definition: definition) } catch let error as ODPError { message = "\(error)" }
        #expect(message.contains("portal") && !message.contains("local"), "\(message)")
        try WithdrawalScenario.expectTombstone(dir.appendingPathComponent("drop/wd/v1"), w, version: "v1", release: release)
        let receipts = WithdrawalScenario.withdrawalReceipts(state)
        #expect(receipts.count == 1 && receipts[0].contains("\"local\""), "\(receipts)")
    }

    @Test("sftp: tombstone, deletes and latest.json, also through 30% faults with resumed runs", .enabled(if: Services.shouldRun(Services.sftpKeys)))
    func sftp() throws {
        guard let s = FileDropScenario.sftp() else { return }
        try WithdrawalScenario.fileDrop(yaml: s.yaml, direct: s.directURL, proxy: s.proxyURL, root: s.root, environment: s.environment, secrets: s.secrets)
    }

    @Test("ftp: tombstone, deletes and latest.json, also through 30% faults with resumed runs", .enabled(if: Services.shouldRun(Services.ftpKeys)))
    func ftp() throws {
        guard let s = FileDropScenario.ftp() else { return }
        try WithdrawalScenario.fileDrop(yaml: s.yaml, direct: s.directURL, proxy: s.proxyURL, root: s.root, environment: s.environment, secrets: s.secrets)
    }
}

@Suite("withdrawal on an http gateway", .serialized, .enabled(if: Services.shouldRun(Services.httpKeys)))
struct HTTPWithdrawalTests {
    let http = HTTPTargetTests()

    func tombstone(_ folder: String, _ dataset: String, _ version: String) throws -> WithdrawalMarker {
        let url = URL(fileURLWithPath: Services.values["HTTP_SINK_ROOT"]!).appendingPathComponent("files/\(folder)/\(dataset)/\(version)/_ODP_WITHDRAWN")
        return try ArtifactCodec.decode(WithdrawalMarker.self, from: Data(contentsOf: url), file: url.path)
    }

    @Test("a signed tombstone goes to each withdrawn version once, also through 30% faults with resumed runs")
    func gateway() throws {
        guard let s = Services.require(Services.httpKeys) else { return }
        let dir = Fixtures.tempDirectory("wd-http")
        let folder = "wd-\(UUID().uuidString.prefix(8))"
        let logs = LogLines()
        let (config, _) = Fixtures.config(http.yaml(s["HTTP_SINK_URL"]!, folder), in: dir)
        let state = dir.appendingPathComponent("state")
        let publisher = try Publisher(config: try #require(config), stateDirectory: state, environment: http.environment, log: logs.sink)
        let definition = Fixtures.definition(id: "wd")
        _ = try WithdrawalScenario.publish(publisher, in: dir, id: "wd", versions: ["v1", "v2"], definition: definition)
        let w1 = WithdrawalScenario.withdrawal("wd", 1, version: "v2")
        let receipts = try publisher.withdraw(w1, versions: ["v2"], definition: definition)
        #expect(receipts.count == 1 && receipts[0].remote.hasSuffix("/\(folder)/wd/v2/_ODP_WITHDRAWN"))
        #expect(try tombstone(folder, "wd", "v2") == WithdrawalMarker(w1, version: "v2"))
        #expect((try? tombstone(folder, "wd", "v1")) == nil)
        let writes = http.writes(folder).count
        _ = try publisher.withdraw(w1, versions: ["v2"], definition: definition)
        #expect(http.writes(folder).count == writes, "a repeated withdrawal sends nothing")

        // A whole dataset through the fault proxy, with no retries.
        var errors: [String] = []
        let b = dir.appendingPathComponent("b")
        let (brittle, _) = Fixtures.config(http.yaml(s["HTTP_SINK_PROXY_URL"]!, folder, extra: "    retries: 0"), in: b)
        let brittleConfig = try #require(brittle)
        // Two requests per version: eight make a run untouched by 30% faults unlikely (0.3%).
        let versions = (1...8).map { "v\($0)" }
        let flaky = Fixtures.definition(id: "wdf")
        _ = try WithdrawalScenario.publish(publisher, in: dir, id: "wdf", versions: versions, definition: flaky)
        let w = WithdrawalScenario.withdrawal("wdf", 1, version: nil)
        let failures = WithdrawalScenario.untilDone(&errors) {
            _ = try Publisher(config: brittleConfig, stateDirectory: b.appendingPathComponent("state"), environment: http.environment, log: logs.sink)
                .withdraw(w, versions: versions, definition: flaky)
        }
        #expect(failures > 0, "no run was interrupted")
        for version in versions { #expect(try tombstone(folder, "wdf", version) == WithdrawalMarker(w, version: version)) }
        #expect(Set(WithdrawalScenario.withdrawalReceipts(b.appendingPathComponent("state"))).count == versions.count)
        #expect(WithdrawalScenario.withdrawalReceipts(b.appendingPathComponent("state")).count == versions.count)
        // A tombstone is written again only when its answer was lost; never after its receipt.
        let tombstoneWrites = http.writes(folder).filter { $0.contains("/wdf/") && $0.contains("_ODP_WITHDRAWN") }
        #expect(Set(tombstoneWrites.map { $0.split(separator: " ")[1] }).count == versions.count)
        expectNoSecrets(http.secrets, logs: logs.all, errors: errors, state: dir)
    }
}

@Suite("withdrawal on CKAN", .serialized, .enabled(if: Services.shouldRun(Services.ckanKeys)))
struct CKANWithdrawalTests {
    let ckan = CKANTargetTests()

    func extras(_ p: CKANPackage) -> [String: String] { Dictionary((p.extras ?? []).map { ($0.key, $0.value) }) { a, _ in a } }

    /// The dataset as a sysadmin sees it, deleted or not.
    func raw(_ s: CKANTargetTests.Setup, _ name: String) throws -> CKANPackage {
        try s.client.call("package_show", CKANRequest.ID(id: name), as: CKANPackage.self)
    }

    /// A fresh dataset `id` with versions 2026.1 and 2026.2 published straight to CKAN.
    func published(_ label: String, id: String) throws -> (CKANTargetTests.Setup, DatasetDefinition, String, Publisher, [URL])? {
        guard let s = try ckan.setup(label) else { return nil }
        let definition = Fixtures.definition(id: id, code: ckan.code())
        let publisher = try Publisher(config: s.config, stateDirectory: s.state, environment: s.env)
        let releases = try WithdrawalScenario.publish(publisher, in: s.dir, id: id, versions: ["2026.1", "2026.2"], definition: definition)
        return (s, definition, CKANNames.dataset(code: definition.catalog.code), publisher, releases)
    }

    @Test("a withdrawn current version: one switch back to the version that stays, marked with the reason; re-upload refused")
    func version() throws {
        guard let (s, definition, name, publisher, releases) = try published("wd-ckan-v", id: "wd") else { return }
        try ckan.checkPublished(s, definition, releases[1], version: "2026.2")

        let w = WithdrawalScenario.withdrawal("wd", 1, version: "2026.2")
        let receipts = try publisher.withdraw(w, versions: ["2026.2"], definition: definition, current: ("2026.1", releases[0]))
        #expect(receipts.count == 1)
        try ckan.checkPublished(s, definition, releases[0], version: "2026.1")
        let package = try #require(try s.client.package(name))
        let marks = extras(package)
        #expect(marks["withdrawn_version"] == "2026.2" && marks["withdrawal_reason"] == w.reason)
        #expect(marks["withdrawal_date"] == w.recorded && marks["withdrawal_number"] == "wd-W1")
        #expect(marks["odp_version"] == "2026.1" && marks["资源代码"] == definition.catalog.code, "the catalog extras stay: \(marks)")
        #expect(throws: ODPError.self, "the withdrawn version is not switched to again") {
            try Publisher(config: s.config, stateDirectory: s.dir.appendingPathComponent("other"), environment: s.env)
                .publish(release: releases[1], definition: definition, version: "2026.2")
        }
        let modified = try #require(try s.client.package(name)).metadataModified
        _ = try publisher.withdraw(w, versions: ["2026.2"], definition: definition, current: ("2026.1", releases[0]))
        #expect(try s.client.package(name)?.metadataModified == modified, "a repeated withdrawal writes nothing")

        // A newer version after the withdrawal: published as usual, the withdrawal's record kept.
        let next = Fixtures.release(in: s.dir, id: "wd", seed: 3)
        _ = try publisher.publish(release: next, definition: definition, version: "2026.3")
        try ckan.checkPublished(s, definition, next, version: "2026.3")
        #expect(extras(try #require(try s.client.package(name)))["withdrawn_version"] == "2026.2")

        // Without a version to fall back on, the dataset keeps no files and names no version.
        let w2 = WithdrawalScenario.withdrawal("wd", 2, version: "2026.3")
        _ = try publisher.withdraw(w2, versions: ["2026.3"], definition: definition)
        let emptied = try #require(try s.client.package(name))
        #expect((emptied.resources ?? []).isEmpty && (emptied.version ?? "").isEmpty && emptied.publishedVersion == nil)
        #expect(extras(emptied)["withdrawn_version"] == "2026.3")
    }

    @Test("a withdrawn dataset is marked with the reason, emptied and deleted, exactly once through 30% faults")
    func dataset() throws {
        guard let (s, definition, name, _, _) = try published("wd-ckan-d", id: "wdd") else { return }

        guard let brittle = try ckan.setup("wd-ckan-b", url: Services.values["CKAN_PROXY_URL"], extra: "    retries: 0") else { return }
        let logs = LogLines()
        var errors: [String] = []
        let w = WithdrawalScenario.withdrawal("wdd", 1, version: nil)
        _ = WithdrawalScenario.untilDone(&errors) {
            _ = try Publisher(config: brittle.config, stateDirectory: brittle.state, environment: brittle.env, log: logs.sink)
                .withdraw(w, versions: ["2026.1", "2026.2"], definition: definition)
        }
        #expect(try s.client.package(name) == nil, "the dataset is gone from the portal")
        let deleted = try raw(s, name)
        #expect(deleted.state == "deleted")
        #expect(extras(deleted)["withdrawn"] == "true" && extras(deleted)["withdrawal_reason"] == w.reason)
        #expect((deleted.notes ?? "").hasPrefix("【已撤回（withdrawn）】\(w.reason)"))
        #expect((deleted.resources ?? []).isEmpty)
        #expect(WithdrawalScenario.withdrawalReceipts(brittle.state).count == 2)
        #expect(Set(WithdrawalScenario.withdrawalReceipts(brittle.state)).count == 2)
        // A whole-dataset withdrawal is five requests, so one run in six passes 30% faults
        // untouched: that a run was interrupted is not asserted here (the file drops and http do).
        let settled = LogLines()
        _ = try Publisher(config: brittle.config, stateDirectory: brittle.state, environment: brittle.env, log: settled.sink)
            .withdraw(w, versions: ["2026.1", "2026.2"], definition: definition)
        #expect(settled.all.isEmpty)
        expectNoSecrets([s.token], logs: logs.all, errors: errors, state: brittle.state)
    }
}

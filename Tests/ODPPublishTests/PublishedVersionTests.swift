import Foundation
import ODPCore
import Testing
@testable import ODPPublish

/// A published version is immutable on every target: its number is found on the target
/// itself (not only in local state, which may be lost), identical bytes are confirmed, and
/// other bytes at a published path fail the upload with the target and path named.
enum PublishedVersionScenario {
    static let day = "2026.12.07"
    static let version = "\(day).1"

    /// `yaml` is one `targets:` entry named `name`; `stored` is where the target keeps
    /// `<dataset>/<version>/<file>` (nil when the test cannot look there).
    static func run(kind: String, yaml: String, name: String, environment: [String: String] = [:], stored: URL?) throws {
        let dir = Fixtures.tempDirectory("immutable-\(kind)")
        let (config, diags) = Fixtures.config(yaml, in: dir)
        let pipeline = try #require(config, "\(diags)")
        let definition = Fixtures.definition()
        func publisher(_ state: String) throws -> Publisher {
            try Publisher(config: pipeline, stateDirectory: dir.appendingPathComponent(state), environment: environment)
        }
        let first = Fixtures.release(in: dir, seed: 1)
        _ = try publisher("state-1").publish(release: first, definition: definition, version: version)

        // Fresh state: only the target can tell that this version exists.
        #expect(try publisher("state-2").existingVersions(definition: definition, day: day) == [version])
        #expect(try publisher("state-2").existingVersions(definition: definition, day: "2026.12.08").isEmpty)

        // The same bytes again: confirmed, nothing moves.
        let again = try publisher("state-3").publish(release: first, definition: definition, version: version)
        #expect(!again.isEmpty && again.allSatisfy { !$0.newlyUploaded }, "\(again.filter(\.newlyUploaded).map(\.file))")

        // Other bytes under the same version: refused, naming target and path; the copy stays.
        let second = Fixtures.release(in: dir, seed: 2)
        var message = ""
        do { _ = try publisher("state-4").publish(release: second, definition: definition, version: version) } catch { message = "\(error)" }
        #expect(message.contains(name) && message.contains("拒绝覆盖"), "\(message)")
        #expect(message.contains("bus-stops/\(version)/data/bus-stops.csv"), "\(message)")
        if let stored {
            let copy = stored.appendingPathComponent("bus-stops/\(version)/data/bus-stops.csv")
            #expect(try Data(contentsOf: copy) == Data(contentsOf: first.appendingPathComponent("data/bus-stops.csv")))
        }
    }
}

@Suite("published versions are immutable: dir target")
struct DirectoryImmutabilityTests {
    @Test("the dir target lists its versions, confirms identical bytes and refuses other bytes at a published path")
    func immutable() throws {
        let dir = Fixtures.tempDirectory("dir-immutable-root")
        let drop = dir.appendingPathComponent("drop")
        try PublishedVersionScenario.run(kind: "dir", yaml: "  - type: dir\n    name: local\n    path: \(drop.path)", name: "local", stored: drop)
    }

    @Test("a manifest of other content for a published version is refused too, even when every data file is equal")
    func refusesOtherManifest() throws {
        let dir = Fixtures.tempDirectory("dir-manifest")
        let (config, _) = Fixtures.config("  - type: dir\n    name: local\n    path: drop", in: dir)
        let release = Fixtures.release(in: dir)
        _ = try Publisher(config: try #require(config), stateDirectory: dir.appendingPathComponent("s1"), environment: [:])
            .publish(release: release, definition: Fixtures.definition(), version: "v1")
        // An earlier, interrupted upload of other content left its manifest and no _ODP_DONE.
        let stored = dir.appendingPathComponent("drop/bus-stops/v1")
        try FileManager.default.removeItem(at: stored.appendingPathComponent("_ODP_DONE"))
        try Data("{\"files\":[]}\n".utf8).write(to: stored.appendingPathComponent("manifest.json"))
        var message = ""
        do {
            _ = try Publisher(config: try #require(config), stateDirectory: dir.appendingPathComponent("s2"), environment: [:])
                .publish(release: release, definition: Fixtures.definition(), version: "v1")
        } catch { message = "\(error)" }
        #expect(message.contains("bus-stops/v1/manifest.json") && message.contains("拒绝覆盖"), "\(message)")
    }

    @Test("the upload journal counts as a place that has a version, even when the target lost it")
    func journalCounts() throws {
        let dir = Fixtures.tempDirectory("dir-journal")
        let (config, _) = Fixtures.config("  - type: dir\n    name: local\n    path: drop", in: dir)
        let state = dir.appendingPathComponent("state")
        let publisher = try Publisher(config: try #require(config), stateDirectory: state, environment: [:])
        _ = try publisher.publish(release: Fixtures.release(in: dir), definition: Fixtures.definition(), version: "2026.12.07.3")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("drop"))
        let fresh = try Publisher(config: try #require(config), stateDirectory: state, environment: [:])
        #expect(try fresh.existingVersions(definition: Fixtures.definition(), day: "2026.12.07") == ["2026.12.07.3"])
    }

    @Test("a signed release's SHA256SUMS.sig goes up with it, right after SHA256SUMS")
    func signatureTravels() throws {
        let dir = Fixtures.tempDirectory("dir-sig")
        let drop = dir.appendingPathComponent("drop")
        let (config, _) = Fixtures.config("  - type: dir\n    path: drop", in: dir)
        let signature = Data("c2lnbmF0dXJl\n".utf8)
        let release = Fixtures.release(in: dir, signature: signature)
        let receipts = try Publisher(config: try #require(config), stateDirectory: dir.appendingPathComponent("s"), environment: [:])
            .publish(release: release, definition: Fixtures.definition(), version: "v1")
        #expect(receipts.map(\.file).suffix(2) == ["SHA256SUMS", "SHA256SUMS.sig"])
        #expect(try Data(contentsOf: drop.appendingPathComponent("bus-stops/v1/SHA256SUMS.sig")) == signature)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: drop.appendingPathComponent("bus-stops/v1/manifest.json"))) as? [String: Any]
        #expect((manifest?["files"] as? [[String: Any]])?.contains { $0["path"] as? String == "SHA256SUMS.sig" } == true)
    }

    @Test("a signed release without its SHA256SUMS.sig, or a signature release.json does not declare, is refused before any upload")
    func signatureMustMatchTheRelease() throws {
        let dir = Fixtures.tempDirectory("dir-sig-contract")
        let (config, _) = Fixtures.config("  - type: dir\n    path: drop", in: dir)
        let signed = Fixtures.release(in: dir, seed: 1, signature: Data("c2lnbmF0dXJl\n".utf8))
        try FileManager.default.removeItem(at: signed.appendingPathComponent("SHA256SUMS.sig"))
        let unsigned = Fixtures.release(in: dir, seed: 2)
        try Data("c2lnbmF0dXJl\n".utf8).write(to: unsigned.appendingPathComponent("SHA256SUMS.sig"))
        for (release, words) in [(signed, "缺少 SHA256SUMS.sig"), (unsigned, "未声明签名")] {
            let publisher = try Publisher(config: try #require(config), stateDirectory: dir.appendingPathComponent("s"), environment: [:])
            #expect {
                _ = try publisher.publish(release: release, definition: Fixtures.definition(), version: "v\(release.lastPathComponent)")
            } throws: { "\($0)".contains(words) && "\($0)".contains("SHA256SUMS.sig") }
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("drop").path))
    }
}

@Suite("published versions are immutable: sftp, ftp and http targets", .serialized,
       .enabled(if: Services.shouldRun(Services.sftpKeys + Services.ftpKeys + Services.httpKeys), "servers not started: run scripts/services-start.sh DIR"))
struct RemoteImmutabilityTests {
    @Test("sftp lists versions with a directory listing and refuses other bytes at a published path")
    func sftp() throws {
        guard let server = FileDropScenario.sftp() else { return }
        let folder = "imm-\(UUID().uuidString.prefix(8))"
        try PublishedVersionScenario.run(kind: "sftp", yaml: server.yaml("\(server.directURL)/\(folder)", ""), name: "frontend",
                                         environment: server.environment, stored: server.root.appendingPathComponent(folder))
    }

    @Test("ftp lists versions with NLST and refuses other bytes at a published path")
    func ftp() throws {
        guard let server = FileDropScenario.ftp() else { return }
        let folder = "imm-\(UUID().uuidString.prefix(8))"
        try PublishedVersionScenario.run(kind: "ftp", yaml: server.yaml("\(server.directURL)/\(folder)", ""), name: "frontend",
                                         environment: server.environment, stored: server.root.appendingPathComponent(folder))
    }

    @Test("http finds versions through check_url and refuses other bytes at a published path")
    func http() throws {
        guard let s = Services.require(Services.httpKeys) else { return }
        let folder = "imm-\(UUID().uuidString.prefix(8))"
        let yaml = """
          - type: http
            name: gateway
            url: \(s["HTTP_SINK_URL"]!)/upload/\(folder)/{dataset}/{version}/{file}
            method: PUT
            token: env:ODP_TEST_HTTP_TOKEN
            secret: file:\(s["HTTP_SINK_SECRET_FILE"]!)
            low_speed_time: 3
            connect_timeout: 3
            retry_base_delay: 0.05
        """
        try PublishedVersionScenario.run(kind: "http", yaml: yaml, name: "gateway",
                                         environment: ["ODP_TEST_HTTP_TOKEN": Services.fileText(s["HTTP_SINK_TOKEN_FILE"]!)],
                                         stored: URL(fileURLWithPath: s["HTTP_SINK_ROOT"]!).appendingPathComponent("files/\(folder)"))
    }
}

@Suite("published versions are immutable: ckan target", .serialized,
       .enabled(if: Services.shouldRun(Services.ckanKeys), "CKAN not started: run scripts/services-start.sh DIR"))
struct CKANImmutabilityTests {
    @Test("ckan names the version it holds and refuses other bytes for that version; the next version still replaces the resources")
    func immutable() throws {
        let ckan = CKANTargetTests()
        guard let s = try ckan.setup("ckan-immutable") else { return }
        let definition = Fixtures.definition(id: "stops-imm", code: ckan.code())
        let (day, version) = (PublishedVersionScenario.day, PublishedVersionScenario.version)
        func publisher(_ state: String) throws -> Publisher {
            try Publisher(config: s.config, stateDirectory: s.dir.appendingPathComponent(state), environment: s.env)
        }
        let first = Fixtures.release(in: s.dir, id: "stops-imm", seed: 1)
        _ = try publisher("state-1").publish(release: first, definition: definition, version: version)
        #expect(try publisher("state-2").existingVersions(definition: definition, day: day) == [version])
        let again = try publisher("state-3").publish(release: first, definition: definition, version: version)
        #expect(again.allSatisfy { !$0.newlyUploaded })

        let second = Fixtures.release(in: s.dir, id: "stops-imm", seed: 2)
        var message = ""
        do { _ = try publisher("state-4").publish(release: second, definition: definition, version: version) } catch { message = "\(error)" }
        #expect(message.contains("portal") && message.contains("data/stops-imm.csv") && message.contains("拒绝覆盖"), "\(message)")
        try ckan.checkPublished(s, definition, first, version: version)

        _ = try publisher("state-5").publish(release: second, definition: definition, version: "\(day).2")
        try ckan.checkPublished(s, definition, second, version: "\(day).2")
    }
}

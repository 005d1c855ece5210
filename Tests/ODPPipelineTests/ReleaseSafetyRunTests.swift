import Foundation
import ODPCore
import ODPPipeline
import ODPRelease
import Testing

/// Issue 15, items 6 and 7, as a data officer meets them: versions after lost local state,
/// published bytes that are never replaced, and signatures from key generation to `odp verify`.
@Suite("Release safety runs: versions never reused, signatures end to end", .serialized)
struct ReleaseSafetyRunTests {
    /// 2026-12-07 11:00 in China: every run of a test lands on the same version day.
    static let runTime = Date(timeIntervalSince1970: 1_796_612_400)

    /// A small public dataset read from a CSV that a test can edit.
    func addNotices(_ fixture: DemoFixture, value: String) throws {
        let definition = """
        id: notices
        catalog: {title: 公告目录, code: 350100-TEST-15, provider: 测试局, provider_code: "11350100MB1995472L", summary: 测试用公告目录, domain: 测试, open_type: 无条件开放, update_cycle: 每日, license: CC-BY-4.0}
        source: {type: csv, path: data/notices.csv}
        primary_key: [notice_no]
        fields:
          - {name: notice_no, title: 公告编号, type: string, class: public, rules: [required, unique]}
          - {name: subject, title: 公告主题, type: string, class: public}
        """
        let demo = fixture.root.appendingPathComponent("pipelines/demo")
        try definition.write(to: demo.appendingPathComponent("notices.yml"), atomically: true, encoding: .utf8)
        var csv = "notice_no,subject\n"
        for i in 1...20 { csv += "N\(i),\(i == 7 ? value : "道路施工通告\(i)")\n" }
        try csv.write(to: demo.appendingPathComponent("data/notices.csv"), atomically: true, encoding: .utf8)
    }

    func run(_ fixture: DemoFixture, force: Bool = false) throws -> DatasetOutcome {
        try #require(try fixture.run(RunOptions(runTime: Self.runTime, datasets: ["notices"], force: force)).outcomes.first)
    }

    func contents(of folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: folder.path) {
            let url = folder.appendingPathComponent(name)
            if let data = FileManager.default.contents(atPath: url.path) { out[name] = data }
        }
        return out
    }

    @Test("releases and state lost, one value changed: the next run releases 2026.12.07.2 and the published .1 keeps its bytes")
    func lostStateGetsNewVersion() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        try addNotices(fixture, value: "原公告")
        let first = try run(fixture)
        #expect(first.status == .published && first.version == "2026.12.07.1", "\(first)")
        let publishedOne = fixture.output.appendingPathComponent("published/notices/2026.12.07.1")
        let before = try contents(of: publishedOne)
        #expect(before["data/notices.csv"] != nil)

        for lost in ["releases", "state"] { try FileManager.default.removeItem(at: fixture.output.appendingPathComponent(lost)) }
        try addNotices(fixture, value: "更正后的公告")
        let second = try run(fixture)
        #expect(second.status == .published && second.version == "2026.12.07.2", "\(second)")
        #expect(try contents(of: publishedOne) == before)
        let csv = try String(contentsOf: fixture.output.appendingPathComponent("published/notices/2026.12.07.2/data/notices.csv"), encoding: .utf8)
        #expect(csv.contains("更正后的公告"))
    }

    @Test("a published copy with other bytes is not overwritten: the dataset fails naming the target and the path")
    func refusesToOverwrite() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        try addNotices(fixture, value: "原公告")
        #expect(try run(fixture).version == "2026.12.07.1")
        let copy = fixture.output.appendingPathComponent("published/notices/2026.12.07.1/data/notices.csv")
        let foreign = Data("notice_no,subject\r\nN1,别人放的文件\r\n".utf8)
        try foreign.write(to: copy)
        // The journal and the done marker are gone too (a set another system half replaced), so
        // nothing vouches for the published copy and the upload must look at each file; the
        // source is unchanged, so only --force runs the dataset (and its upload) again.
        try FileManager.default.removeItem(at: fixture.output.appendingPathComponent("state/publish"))
        try FileManager.default.removeItem(at: fixture.output.appendingPathComponent("published/notices/2026.12.07.1/_ODP_DONE"))
        let again = try run(fixture, force: true)
        #expect(again.status == .failed)
        let error = again.error ?? ""
        #expect(error.contains("local") && error.contains(copy.path) && error.contains("拒绝覆盖"), "\(error)")
        #expect(try Data(contentsOf: copy) == foreign)
    }

    @Test("odp keys generate → keys.signing: the run signs SHA256SUMS, the dir target gets SHA256SUMS.sig, the catalog names the key, and verify fails without or with a tampered signature")
    func signedEndToEnd() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let keys = fixture.root.appendingPathComponent("keys")
        let generated = try await OdpCommand.run(["keys", "generate", "--out", keys.path], logs: fixture.root)
        #expect(generated.status == 0, "\(generated.stderr)")
        let secretFile = keys.appendingPathComponent("signing.key")
        let publicFile = keys.appendingPathComponent("signing.pub")
        let seedHex = try String(contentsOf: secretFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!generated.stdout.contains(seedHex))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: secretFile.path)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)
        let refused = try await OdpCommand.run(["keys", "generate", "--out", keys.path], logs: fixture.root)
        #expect(refused.status != 0 && refused.stderr.contains("不会覆盖"), "\(refused.stderr)")
        #expect(try String(contentsOf: secretFile, encoding: .utf8).contains(seedHex))

        let config = try String(contentsOfFile: fixture.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "\ntargets:\n", with: "\n  signing:\n    secret: file:\(secretFile.path)\ntargets:\n")
            .write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        try addNotices(fixture, value: "原公告")
        let outcome = try run(fixture)
        #expect(outcome.status == .published)
        let version = try #require(outcome.version)
        let release = fixture.output.appendingPathComponent("releases/notices/\(version)")
        let publicHex = try String(contentsOf: publicFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let publicKey = try #require(ReleaseSigning.parsePublicKey(publicHex))
        #expect(try ReleaseVerifier.verify(path: release, publicKey: publicKey).signature == .valid)
        let zip = fixture.output.appendingPathComponent("packages/notices-\(version).zip")
        #expect(try ReleaseVerifier.verify(path: zip, publicKey: publicKey).signature == .valid)
        let published = fixture.output.appendingPathComponent("published/notices/\(version)/SHA256SUMS.sig")
        #expect(try Data(contentsOf: published) == Data(contentsOf: release.appendingPathComponent("SHA256SUMS.sig")))

        let releaseJSON = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: release.appendingPathComponent("release.json"))) as? [String: Any])
        #expect((releaseJSON["signature"] as? [String: Any])?["public_key"] as? String == publicHex)
        for name in ["open-list.json", "open-list.csv", "dcat.jsonld"] {
            #expect(try String(contentsOf: fixture.output.appendingPathComponent("catalog/\(name)"), encoding: .utf8).contains(publicHex), "\(name)")
        }
        // The secret seed is in no log, report or state file.
        for file in fixture.files(under: "state") + fixture.files(under: "releases") {
            if let text = try? String(contentsOf: file, encoding: .utf8) { #expect(!text.contains(seedHex), "\(file.path)") }
        }

        let ok = try await OdpCommand.run(["verify", release.path, "--public-key", publicFile.path], logs: fixture.root)
        #expect(ok.status == 0 && ok.stdout.contains("签名有效"), "\(ok.stdout) \(ok.stderr)")

        let stripped = fixture.root.appendingPathComponent("stripped")
        try FileManager.default.copyItem(at: release, to: stripped)
        try FileManager.default.removeItem(at: stripped.appendingPathComponent("SHA256SUMS.sig"))
        let missing = try await OdpCommand.run(["verify", stripped.path, "--public-key", publicFile.path], logs: fixture.root)
        #expect(missing.status == 3 && missing.stdout.contains("缺少签名"), "\(missing.stdout) \(missing.stderr)")

        let tampered = fixture.root.appendingPathComponent("tampered")
        try FileManager.default.copyItem(at: release, to: tampered)
        let sigURL = tampered.appendingPathComponent("SHA256SUMS.sig")
        var signature = try #require(Data(base64Encoded: try String(contentsOf: sigURL, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        signature[0] ^= 0x80
        try Data((signature.base64EncodedString() + "\n").utf8).write(to: sigURL)
        let bad = try await OdpCommand.run(["verify", tampered.path, "--public-key", publicFile.path], logs: fixture.root)
        #expect(bad.status == 3 && bad.stdout.contains("签名无效"), "\(bad.stdout) \(bad.stderr)")
    }
}

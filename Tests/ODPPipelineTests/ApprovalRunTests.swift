import Foundation
import ODPCore
import ODPPipeline
import Testing
@testable import ODPPublish

/// `approval: required` end to end with the real binary: a run packages the version and
/// waits; a data officer decides on the portal (`odp serve`) or with `odp approve`/`reject`;
/// the next run publishes an approved version and nothing else.
@Suite("Approval before publishing, end to end", .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"))
struct ApprovalRunTests {
    static let dataset = "jtys-bus-stops"

    /// A demo copy whose bus-stop dataset needs a data officer's approval.
    func fixture() throws -> DemoFixture {
        let fixture = try DemoFixture()
        let url = fixture.root.appendingPathComponent("pipelines/demo/\(Self.dataset).yml")
        let text = try String(contentsOf: url, encoding: .utf8)
        try #require(text.contains("\nsource:") && !text.contains("approval:"))
        try text.replacingOccurrences(of: "\nsource:", with: "\napproval: required\nsource:").write(to: url, atomically: true, encoding: .utf8)
        return fixture
    }

    func odp(_ fixture: DemoFixture, _ arguments: [String]) async throws -> OdpCommand.Output {
        try await OdpCommand.run(arguments + ["--config", fixture.configPath], logs: fixture.root)
    }

    /// `odp run` of the one dataset: the exit status and the dataset's status and version.
    func run(_ fixture: DemoFixture) async throws -> (exit: Int32, status: String?, version: String?, warnings: String) {
        let output = try await odp(fixture, ["run", "--json", "--quiet", "--dataset", Self.dataset])
        let outcome = (try output.json()["datasets"] as? [[String: Any]])?.first { $0["dataset"] as? String == Self.dataset }
        return (output.status, outcome?["status"] as? String, outcome?["version"] as? String, output.stderr)
    }

    /// The first run packages the version and stops before publishing it.
    func expectAwaiting(_ fixture: DemoFixture) async throws -> String {
        let first = try await run(fixture)
        #expect(first.exit == ODPExit.held)
        #expect(first.status == "awaiting_approval")
        let version = try #require(first.version)
        expectUnpublished(fixture, version)
        return version
    }

    func expectUnpublished(_ fixture: DemoFixture, _ version: String) {
        let releases = fixture.output.appendingPathComponent("releases/\(Self.dataset)")
        #expect(FileManager.default.fileExists(atPath: releases.appendingPathComponent("\(version)/SHA256SUMS").path), "kept for review")
        #expect(!FileManager.default.fileExists(atPath: releases.appendingPathComponent("latest.json").path))
        #expect(!FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("published/\(Self.dataset)").path),
                "the dir target received an unapproved release")
        #expect(!openList(fixture).contains(Self.dataset))
    }

    func expectPublished(_ fixture: DemoFixture, _ version: String) throws {
        let release = fixture.output.appendingPathComponent("releases/\(Self.dataset)")
        #expect(try LatestPointer.read(datasetDirectory: release)?.version == version)
        let uploaded = fixture.output.appendingPathComponent("published/\(Self.dataset)/\(version)")
        #expect(FileManager.default.fileExists(atPath: uploaded.appendingPathComponent(FileDropTarget.doneMarker).path))
        let files = try UploadFile.release(release.appendingPathComponent(version))
        #expect(files.contains { $0.path == "data/\(Self.dataset).csv" })
        for file in files {
            #expect(FileManager.default.contents(atPath: uploaded.appendingPathComponent(file.path).path) == (try? Data(contentsOf: file.url)),
                    "\(file.path) in the dir target differs from the release")
        }
        #expect(openList(fixture).contains(Self.dataset))
    }

    func openList(_ fixture: DemoFixture) -> String {
        (try? String(contentsOf: fixture.output.appendingPathComponent("catalog/open-list.json"), encoding: .utf8)) ?? ""
    }

    /// Audit entries of `event` for the dataset, details only.
    func audit(_ fixture: DemoFixture, _ event: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: fixture.output.appendingPathComponent("state/audit.jsonl"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard let entry = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  entry["event"] as? String == event, entry["dataset"] as? String == Self.dataset else { return nil }
            return entry["details"] as? [String: Any] ?? [:]
        }
    }

    func expectAuditIntact(_ fixture: DemoFixture) async throws {
        let verify = try await odp(fixture, ["audit", "verify"])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        #expect(verify.stdout.contains("intact"))
    }

    @Test("a version awaiting approval is approved on the portal and the next run publishes it")
    func approveOnPortal() async throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        let version = try await expectAwaiting(fixture)

        let token = "e2e-\(UUID().uuidString)"
        let serve = try OdpCommand.start(["serve", "--config", fixture.configPath, "--port", "0", "--token", "env:ODP_E2E_PORTAL_TOKEN"],
                                         environment: ["ODP_E2E_PORTAL_TOKEN": token], logs: fixture.root)
        defer { serve.signal(SIGKILL) }
        let base = try await address(of: serve)
        let queue = try await http("\(base)/approvals", headers: ["X-ODP-Token: \(token)"])
        #expect(queue.status == 200)
        #expect(String(decoding: queue.body, as: UTF8.self).contains("/approvals/\(Self.dataset)/\(version)"))
        let decision = "/approvals/\(Self.dataset)/\(version)"
        let form = "decision=approve&by=%E5%BC%A0%E4%B8%89&note=%E5%B7%B2%E6%A0%B8%E5%AF%B9"  // by 张三, note 已核对
        // Without the token, or from another site, the decision is refused and nothing is recorded.
        #expect(try await http(base + decision, form: form).status == 403)
        #expect(try await http(base + decision, form: form, headers: ["X-ODP-Token: \(token)", "Origin: http://evil.example"]).status == 403)
        #expect(!FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("state/approvals.json").path))
        let approved = try await http(base + decision, form: form, headers: ["X-ODP-Token: \(token)"])
        #expect(approved.status == 303)
        let location = try #require(approved.headers["location"])
        #expect(location.hasPrefix("/approvals?result=approved"))
        let confirmation = try await http(base + location, headers: ["X-ODP-Token: \(token)"])
        #expect(String(decoding: confirmation.body, as: UTF8.self).contains("下次运行 odp run 时发布"), "the officer is told when it goes out")
        serve.signal(SIGTERM)
        _ = await serve.wait()

        let second = try await run(fixture)
        #expect(second.exit == ODPExit.success)
        #expect(second.status == "published")
        #expect(second.version == version)
        try expectPublished(fixture, version)
        let decisions = try audit(fixture, "release_approved")
        #expect(decisions.count == 1)
        #expect(decisions.first?["version"] as? String == version)
        #expect(decisions.first?["by"] as? String == "张三")
        #expect(decisions.first?["via"] as? String == "portal")
        #expect(try audit(fixture, "dataset_uploaded").contains { $0["version"] as? String == version })
        try await expectAuditIntact(fixture)
    }

    @Test("odp reject keeps a version unpublished across runs; odp approve lets the next run publish it")
    func decideOnCommandLine() async throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        let version = try await expectAwaiting(fixture)
        #expect(try await odp(fixture, ["approve", Self.dataset, "2001.01.01.1", "--by", "张三"]).status != 0, "no such version")

        let reject = try await odp(fixture, ["reject", Self.dataset, version, "--by", "李四", "--note", "坐标有误"])
        #expect(reject.status == 0, "\(reject.stderr)")
        let afterReject = try await run(fixture)
        #expect(afterReject.exit == ODPExit.held)
        #expect(afterReject.status != "published")
        #expect(afterReject.version == version)
        #expect(afterReject.warnings.contains("rejected by 李四: 坐标有误"), "\(afterReject.warnings)")
        expectUnpublished(fixture, version)

        let approve = try await odp(fixture, ["approve", Self.dataset, version, "--by", "张三"])
        #expect(approve.status == 0, "\(approve.stderr)")
        let afterApprove = try await run(fixture)
        #expect(afterApprove.exit == ODPExit.success)
        #expect(afterApprove.status == "published")
        try expectPublished(fixture, version)
        #expect(try audit(fixture, "release_rejected").map { $0["by"] as? String } == ["李四"])
        #expect(try audit(fixture, "release_approved").map { $0["by"] as? String } == ["张三"])
        try await expectAuditIntact(fixture)
    }

    // MARK: the portal over HTTP

    /// The address `odp serve --port 0` announces on stderr once it listens.
    func address(of serve: OdpCommand.Child) async throws -> String {
        let deadline = Date().addingTimeInterval(30)
        var text = "", found: String?
        while Date() < deadline, serve.isRunning, found == nil {
            try await Task.sleep(for: .milliseconds(50))
            text = serve.stderr
            found = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression).map { String(text[$0]) }
        }
        return try #require(found, "odp serve did not announce its address: \(text)")
    }

    /// One request to the portal, redirects not followed.
    func http(_ url: String, form: String? = nil, headers: [String] = []) async throws -> TransferResponse {
        var request = TransferRequest(url: url, headers: headers)
        if let form {
            request.method = "POST"
            request.body = .json(Data(form.utf8))
            request.headers.append("Content-Type: application/x-www-form-urlencoded")
        }
        let (sent, options) = (request, TransferOptions())
        return try await offPool { try Transfer.perform(sent, options: options) }
    }
}

import Foundation
import ODPCore
import Testing
@testable import ODPPublish

/// The generic signed-upload target against scripts/http-sink.py, which checks the token,
/// the content hash, the HMAC signature and refuses reused nonces.
@Suite("http target", .serialized, .enabled(if: Services.shouldRun(Services.httpKeys), "http-sink not started: run scripts/services-start.sh DIR"))
struct HTTPTargetTests {
    func yaml(_ base: String, _ folder: String, body: String = "raw", extra: String = "") -> String {
        """
          - type: http
            name: gateway
            url: \(base)/upload/\(folder)/{dataset}/{version}/{file}
            method: \(body == "raw" ? "PUT" : "POST")
            body: \(body)
            token: env:ODP_TEST_HTTP_TOKEN
            secret: file:\(Services.values["HTTP_SINK_SECRET_FILE"]!)
            headers:
              X-Client: odp-tests
            low_speed_time: 3
            connect_timeout: 3
            retry_base_delay: 0.05
        \(extra)
        """
    }

    var environment: [String: String] { ["ODP_TEST_HTTP_TOKEN": Services.fileText(Services.values["HTTP_SINK_TOKEN_FILE"]!)] }
    var secrets: [String] { [Services.fileText(Services.values["HTTP_SINK_TOKEN_FILE"]!), Services.fileText(Services.values["HTTP_SINK_SECRET_FILE"]!)] }

    func stored(_ folder: String, _ dataset: String) -> URL {
        URL(fileURLWithPath: Services.values["HTTP_SINK_ROOT"]!).appendingPathComponent("files/\(folder)/\(dataset)/v1")
    }

    func writes(_ folder: String) -> [String] {
        Fixtures.lines(URL(fileURLWithPath: Services.values["HTTP_SINK_ROOT"]!).appendingPathComponent("writes.log")).filter { $0.contains("/\(folder)/") }
    }

    func verify(_ folder: URL, _ release: URL) throws {
        for f in try UploadFile.release(release) {
            #expect(try Data(contentsOf: folder.appendingPathComponent(f.path)) == Data(contentsOf: f.url), "\(f.path)")
        }
    }

    @Test("signed PUT uploads arrive byte for byte and a second run sends nothing", arguments: ["raw", "multipart"])
    func publishes(body: String) throws {
        guard let s = Services.require(Services.httpKeys) else { return }
        let dir = Fixtures.tempDirectory("http")
        let folder = "h-\(UUID().uuidString.prefix(8))"
        let (config, diags) = Fixtures.config(yaml(s["HTTP_SINK_URL"]!, folder, body: body), in: dir)
        let logs = LogLines()
        let state = dir.appendingPathComponent("state")
        let release = Fixtures.release(in: dir)
        let publisher = try Publisher(config: try #require(config, "\(diags)"), stateDirectory: state, environment: environment, log: logs.sink)
        let receipts = try publisher.publish(release: release, definition: Fixtures.definition(), version: "v1")
        #expect(receipts.count == Fixtures.releaseFileCount)
        #expect(receipts.allSatisfy { $0.remote.contains("/upload/\(folder)/bus-stops/v1/") })
        try verify(stored(folder, "bus-stops"), release)
        #expect(writes(folder).count == Fixtures.releaseFileCount)
        _ = try Publisher(config: try #require(config), stateDirectory: state, environment: environment, log: logs.sink)
            .publish(release: release, definition: Fixtures.definition(), version: "v1")
        #expect(writes(folder).count == Fixtures.releaseFileCount)
        expectNoSecrets(secrets, logs: logs.all, state: state)
    }

    @Test("with 30% faults every file arrives, and a brittle run resumed later finishes without rewrites")
    func faults() throws {
        guard let s = Services.require(Services.httpKeys) else { return }
        let dir = Fixtures.tempDirectory("http-faults")
        let folder = "f-\(UUID().uuidString.prefix(8))"
        let logs = LogLines()
        var errors: [String] = []
        let (config, _) = Fixtures.config(yaml(s["HTTP_SINK_PROXY_URL"]!, folder, extra: "    retries: 12"), in: dir)
        let publisher = try Publisher(config: try #require(config), stateDirectory: dir.appendingPathComponent("state"), environment: environment, log: logs.sink)
        for n in 0..<3 {
            let release = Fixtures.release(in: dir, id: "ds\(n)", seed: n + 1)
            _ = try publisher.publish(release: release, definition: Fixtures.definition(id: "ds\(n)"), version: "v1")
            try verify(stored(folder, "ds\(n)"), release)
        }
        #expect(logs.all.contains { $0.contains("retry") })

        let b = dir.appendingPathComponent("b")
        try FileManager.default.createDirectory(at: b, withIntermediateDirectories: true)
        let (brittle, _) = Fixtures.config(yaml(s["HTTP_SINK_PROXY_URL"]!, folder, extra: "    retries: 0"), in: b)
        let brittleConfig = try #require(brittle)
        let (releases, interrupted) = Fixtures.publishUntilInterrupted(in: dir, seed: 9, errors: &errors) { release, id in
            _ = try Publisher(config: brittleConfig, stateDirectory: b.appendingPathComponent("state"), environment: environment, log: logs.sink)
                .publish(release: release, definition: Fixtures.definition(id: id), version: "v1")
        }
        #expect(interrupted, "no run was interrupted")
        for (id, release) in releases { try verify(stored(folder, id), release) }
        #expect(Set(Fixtures.receiptLines(b.appendingPathComponent("state"))).count == Fixtures.releaseFileCount * releases.count)
        // A file is written again only when its answer was lost on the way back; never twice after a confirmed receipt.
        let perFile = Dictionary(grouping: writes(folder).filter { $0.contains("/resumed/") }, by: { $0.split(separator: " ")[1] })
        #expect(perFile.count == Fixtures.releaseFileCount)
        expectNoSecrets(secrets, logs: logs.all, errors: errors, state: dir)
    }

    @Test("a wrong signing secret is refused by the gateway, not retried, and not shown")
    func wrongSecret() throws {
        guard let s = Services.require(Services.httpKeys) else { return }
        let dir = Fixtures.tempDirectory("http-secret")
        let wrong = "wrong-secret-\(UUID().uuidString)"
        try wrong.write(to: dir.appendingPathComponent("bad-secret"), atomically: true, encoding: .utf8)
        let text = yaml(s["HTTP_SINK_URL"]!, "w").replacingOccurrences(of: "file:\(s["HTTP_SINK_SECRET_FILE"]!)", with: "file:bad-secret")
        let (config, _) = Fixtures.config(text, in: dir)
        let logs = LogLines()
        let publisher = try Publisher(config: try #require(config), stateDirectory: dir.appendingPathComponent("state"), environment: environment, log: logs.sink)
        var message = ""
        do { _ = try publisher.publish(release: Fixtures.release(in: dir), definition: Fixtures.definition(), version: "v1") } catch { message = "\(error)" }
        #expect(message.contains("401"), "\(message)")
        #expect(!logs.all.contains { $0.contains("retry") })
        expectNoSecrets(secrets + [wrong], logs: logs.all, errors: [message], state: dir.appendingPathComponent("state"))
    }
}

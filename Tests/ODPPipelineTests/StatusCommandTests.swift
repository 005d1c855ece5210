import Foundation
import ODPCore
import ODPPipeline
import Testing

/// Issue 16, items 7 and 3b: `odp status` is readable, has `--json`, and needs no upload
/// secret.
@Suite("odp status", .serialized)
struct StatusCommandTests {
    /// The demo, run once with `jtys-bus-stops` needing approval, then given a CKAN target
    /// whose token variable is unset.
    func demo() throws -> DemoFixture {
        let fixture = try DemoFixture()
        let bus = fixture.root.appendingPathComponent("pipelines/demo/jtys-bus-stops.yml")
        let text = try String(contentsOf: bus, encoding: .utf8)
        try text.replacingOccurrences(of: "\ncatalog:", with: "\napproval: required\ncatalog:").write(to: bus, atomically: true, encoding: .utf8)
        _ = try fixture.run()
        let config = URL(fileURLWithPath: fixture.configPath)
        try (try String(contentsOf: config, encoding: .utf8) + """
          - name: portal
            type: ckan
            url: http://127.0.0.1:9/
            token: env:ODP_STATUS_TEST_TOKEN_NEVER_SET
            organization: test

        """).write(to: config, atomically: true, encoding: .utf8)
        return fixture
    }

    @Test("status without the upload secret: every dataset, its state, uploads and what to do next")
    func readable() async throws {
        let fixture = try demo()
        defer { fixture.remove() }
        let run = try await OdpCommand.run(["status", "--config", fixture.configPath], environment: ["CKAN_TOKEN": ""], logs: fixture.root)
        #expect(run.status == 0, "\(run.stderr)")
        let out = run.stdout
        #expect(!out.contains("Optional(") && !out.contains("PublishStatusEntry") && !out.contains("ODPPublish."))
        for id in ["jtys-bus-stops", "mzj-elderly-care", "scjg-individual-business", "sthj-air-quality-hourly"] { #expect(out.contains(id)) }
        #expect(out.contains("待审核 awaiting approval") && out.contains("odp approve jtys-bus-stops"))
        #expect(out.contains("已拦截 held") && out.contains("held/releases/mzj-elderly-care"))
        #expect(out.contains("已发布 published"))
        #expect(out.contains("目标 target local: 已上传 "))
        // The CKAN target added after the run has received nothing: said, with what the next run does.
        #expect(out.contains("目标 target portal: 尚未上传 nothing uploaded yet"), "\(out)")
        #expect(out.contains("目标 portal 还没有收到任何版本（nothing uploaded yet）：下次 odp run 上传"), "\(out)")
    }

    @Test("status --json is the documented shape")
    func json() async throws {
        let fixture = try demo()
        defer { fixture.remove() }
        let run = try await OdpCommand.run(["status", "--json", "--config", fixture.configPath], logs: fixture.root)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONDecoder().decode(StatusReport.self, from: Data(run.stdout.utf8))
        let byId = Dictionary(uniqueKeysWithValues: report.datasets.map { ($0.dataset, $0) })
        #expect(byId["jtys-bus-stops"]?.state == .awaitingApproval)
        #expect(byId["jtys-bus-stops"]?.publishedVersion == nil)
        #expect(byId["mzj-elderly-care"]?.state == .held && byId["mzj-elderly-care"]?.reasons.isEmpty == false)
        let market = try #require(byId["scjg-individual-business"])
        #expect(market.state == .published && market.publishedVersion == market.version && market.version != nil)
        #expect(market.uploads.first?.target == "local" && market.uploads.first?.publishedVersion == market.version)
        #expect(market.uploads.first?.pending == [])
        #expect(market.uploads.map(\.target) == ["local", "portal"])
        #expect(market.uploads.last?.publishedVersion == nil && market.uploads.last?.pending == [])
        #expect(market.lastRun?.status == .published && market.lastRun?.report.hasSuffix(".json") == true)
        #expect(run.stdout.contains("\"published_version\"") && run.stdout.contains("\"last_run\""))
    }
}

import Foundation
import ODPPipeline
import Testing

@Suite("odp run on the command line")
struct RunCommandTests {
    @Test("definition files name the datasets to run; the open list keeps every released dataset",
          .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"))
    func definitionArguments() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let logs = fixture.root
        let air = fixture.root.appendingPathComponent("pipelines/demo/sthj-air-quality-hourly.yml").path
        let one = try await OdpCommand.run(["run", "--quiet", "--config", fixture.configPath, air], logs: logs)
        #expect(one.status == ODPExit.success, "\(one.stderr)")
        let released = try FileManager.default.contentsOfDirectory(atPath: fixture.output.appendingPathComponent("releases").path)
        #expect(released == ["sthj-air-quality-hourly"])
        // After a full run, running one dataset rewrites the open list with all released ones.
        #expect(try await OdpCommand.run(["run", "--quiet", "--config", fixture.configPath], logs: logs).status == ODPExit.held)
        #expect(try await OdpCommand.run(["run", "--quiet", "--config", fixture.configPath, air], logs: logs).status == ODPExit.success)
        let list = try String(contentsOf: fixture.output.appendingPathComponent("catalog/open-list.csv"), encoding: .utf8)
        #expect(list.split(whereSeparator: \.isNewline).count == 4, "header and the three released datasets: \(list)")

        // A file odp.yml does not list: a command-line error (64) that says which line to add.
        let unlisted = fixture.root.appendingPathComponent("pipelines/extra/air.yml")
        try FileManager.default.createDirectory(at: unlisted.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: air, toPath: unlisted.path)
        let refused = try await OdpCommand.run(["run", "--config", fixture.configPath, unlisted.path], logs: logs)
        #expect(refused.status == ODPExit.commandLine)
        #expect(refused.stderr.contains("datasets:") && refused.stderr.contains("`- extra/air.yml`"), "\(refused.stderr)")
        #expect(try await OdpCommand.run(["validate", "--config", fixture.configPath, unlisted.path], logs: logs).status == ODPExit.success)
    }

    @Test("every command that reads a pipeline takes --config; odp verify finds a dataset's newest release through it",
          .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"))
    func configEverywhere() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let logs = fixture.root
        let air = fixture.root.appendingPathComponent("pipelines/demo/sthj-air-quality-hourly.yml").path
        #expect(try await OdpCommand.run(["run", "--quiet", "--config", fixture.configPath, air], logs: logs).status == ODPExit.success)
        let verified = try await OdpCommand.run(["verify", "--config", fixture.configPath, "sthj-air-quality-hourly"], logs: logs)
        #expect(verified.status == ODPExit.success, "\(verified.stdout) \(verified.stderr)")
        #expect(verified.stdout.contains("file(s) verified, 0 failure(s)"), "\(verified.stdout)")
        let missing = try await OdpCommand.run(["verify", "--config", fixture.configPath, "no-such-dataset"], logs: logs)
        #expect(missing.status == ODPExit.commandLine && missing.stderr.contains("no-such-dataset"), "\(missing.stderr)")
        for command in [["status"], ["audit", "verify"], ["validate"], ["preview", "sthj-air-quality-hourly"]] {
            let result = try await OdpCommand.run(command + ["--config", fixture.configPath], logs: logs)
            #expect(result.status != ODPExit.commandLine, "\(command) --config: \(result.stderr)")
        }
        let usage = try await OdpCommand.run(["run", "--no-such-option", "--config", fixture.configPath], logs: logs)
        #expect(usage.status == ODPExit.commandLine)
    }
}

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

        let refused = try await OdpCommand.run(["run", "--config", fixture.configPath, "pipelines/demo/none.yml"], logs: logs)
        #expect(refused.status == ODPExit.usage)
        #expect(refused.stderr.contains("none.yml is not one of the datasets"))
    }
}

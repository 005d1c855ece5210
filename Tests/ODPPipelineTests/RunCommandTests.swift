import Foundation
import ODPPipeline
import Testing

@Suite("odp run on the command line")
struct RunCommandTests {
    @Test("definition files name the datasets to run; the open list keeps every released dataset",
          .enabled(if: CrashSafetyTests.binary != nil, "build the odp binary first (swift build)"))
    func definitionArguments() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let air = fixture.root.appendingPathComponent("pipelines/demo/sthj-air-quality-hourly.yml").path
        let (status, _) = try odp(["run", "--quiet", "--config", fixture.configPath, air])
        #expect(status == ODPExit.success)
        let released = try FileManager.default.contentsOfDirectory(atPath: fixture.output.appendingPathComponent("releases").path)
        #expect(released == ["sthj-air-quality-hourly"])
        // After a full run, running one dataset rewrites the open list with all released ones.
        #expect(try odp(["run", "--quiet", "--config", fixture.configPath]).0 == ODPExit.held)
        #expect(try odp(["run", "--quiet", "--config", fixture.configPath, air]).0 == ODPExit.success)
        let list = try String(contentsOf: fixture.output.appendingPathComponent("catalog/open-list.csv"), encoding: .utf8)
        #expect(list.split(whereSeparator: \.isNewline).count == 4, "header and the three released datasets: \(list)")

        let (refused, message) = try odp(["run", "--config", fixture.configPath, "pipelines/demo/none.yml"])
        #expect(refused == ODPExit.usage)
        #expect(message.contains("none.yml is not one of the datasets"))
    }

    private func odp(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = CrashSafetyTests.binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}

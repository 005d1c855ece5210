import Foundation
import Testing
import Yams

/// The deployment examples in deploy/ are checked, not just shown.
@Suite("Deployment examples")
struct DeploymentExampleTests {
    static let deploy = DemoFixture.repository.appendingPathComponent("deploy")

    @Test("the systemd service and timer pass systemd-analyze verify",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func systemdUnits() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("odp-units-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Point ExecStart at a binary that exists here; everything else is verified as shipped.
        let service = try String(contentsOf: Self.deploy.appendingPathComponent("odp.service"), encoding: .utf8)
            .replacingOccurrences(of: "/opt/odp/bin/odp", with: "/bin/true")
        try service.write(to: dir.appendingPathComponent("odp.service"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: Self.deploy.appendingPathComponent("odp.timer"), to: dir.appendingPathComponent("odp.timer"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = ["verify", dir.appendingPathComponent("odp.service").path, dir.appendingPathComponent("odp.timer").path]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(!output.contains("Unknown key"), "\(output)")
    }

    @Test("the crontab line runs odp run --due and treats exit 2 as normal")
    func crontab() throws {
        let line = try String(contentsOf: Self.deploy.appendingPathComponent("crontab"), encoding: .utf8)
            .split(separator: "\n").first { !$0.hasPrefix("#") }
        let fields = try #require(line).split(separator: " ", maxSplits: 5)
        #expect(fields.count == 6)
        #expect(fields[5].contains("odp run --due"))
        #expect(fields[5].contains("-eq 2"))
    }

    @Test("the single-pod Kubernetes CronJob forbids concurrent runs and takes secrets from a Secret")
    func cronJob() throws {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent("kubernetes/city/cronjob.yaml"), encoding: .utf8)
        let doc = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(doc["kind"] as? String == "CronJob")
        let spec = try #require(doc["spec"] as? [String: Any])
        #expect(spec["concurrencyPolicy"] as? String == "Forbid")
        #expect(text.contains("secretRef"))
        #expect(!text.lowercased().contains("password:"))
    }
}

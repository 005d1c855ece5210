import Foundation
import ODPPipeline
import Testing

/// Kills `odp run` with SIGKILL at many random moments and checks after each kill that no
/// partial release is visible and the state is readable, then that the next run completes
/// the work and the audit chain still verifies.
@Suite("Crash safety")
struct CrashSafetyTests {
    @Test("SIGKILL at random moments leaves no partial release and the next run finishes",
          .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"))
    func killLoop() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        var generator = SystemRandomNumberGenerator()
        let kills = Int(ProcessInfo.processInfo.environment["ODP_KILL_LOOPS"] ?? "") ?? 12
        for _ in 0..<kills {
            let process = try start(fixture)
            usleep(UInt32.random(in: 20_000...1_500_000, using: &generator))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try checkConsistent(fixture)
        }
        let final = try start(fixture)
        final.waitUntilExit()
        #expect(final.terminationStatus == ODPExit.held, "the last run must complete (2: the demo holds one dataset)")
        try checkConsistent(fixture)
        for id in ["scjg-individual-business", "sthj-air-quality-hourly", "jtys-bus-stops"] {
            #expect(FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("releases/\(id)/latest.json").path))
        }
        #expect(try AuditTrail.verify(url: fixture.output.appendingPathComponent("state/audit.jsonl")).firstBrokenLine == nil)
        // Every dataset has exactly one released version, however often it was interrupted.
        for id in ["scjg-individual-business", "sthj-air-quality-hourly", "jtys-bus-stops"] {
            let versions = try FileManager.default.contentsOfDirectory(atPath: fixture.output.appendingPathComponent("releases/\(id)").path)
                .filter { !$0.hasPrefix(".") && $0 != "latest.json" }
            #expect(versions.count == 1, "\(id): \(versions)")
        }
    }

    @Test("two runs started at the same moment: one runs, the other exits at once naming the holder",
          .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"))
    func simultaneousRuns() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        for _ in 0..<3 {
            let runs = try (0..<2).map { _ in try OdpCommand.start(["run", "--quiet", "--config", fixture.configPath], logs: fixture.root) }
            var codes: [Int32] = []
            for run in runs { codes.append(await run.wait()) }
            #expect(codes.sorted() == [ODPExit.held, ODPExit.locked], "exit codes \(codes)")
            let loser = runs[codes.firstIndex(of: ODPExit.locked) ?? 0].stderr
            #expect(loser.contains("另一个 odp 运行持有运行锁") && loser.contains("pid ") && loser.contains("[ODP-E0003]"), "\(loser)")
        }
        #expect(try AuditTrail.verify(url: fixture.output.appendingPathComponent("state/audit.jsonl")).firstBrokenLine == nil)
    }

    private func start(_ fixture: DemoFixture) throws -> Process {
        let process = Process()
        process.executableURL = OdpCommand.binary
        process.arguments = ["run", "--quiet", "--config", fixture.configPath]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// What any reader may see at any moment: complete releases only, parseable pointers and state.
    private func checkConsistent(_ fixture: DemoFixture) throws {
        let releases = fixture.output.appendingPathComponent("releases")
        guard let datasets = try? FileManager.default.contentsOfDirectory(atPath: releases.path) else { return }
        for dataset in datasets {
            let dir = releases.appendingPathComponent(dataset)
            for entry in try FileManager.default.contentsOfDirectory(atPath: dir.path) where !entry.hasPrefix(".") {
                let path = dir.appendingPathComponent(entry)
                if entry == "latest.json" {
                    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any]
                    let version = try #require(object?["version"] as? String)
                    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(version)/SHA256SUMS").path))
                } else {
                    #expect(FileManager.default.fileExists(atPath: path.appendingPathComponent("SHA256SUMS").path), "partial release \(dataset)/\(entry)")
                }
            }
        }
        let stateFile = fixture.output.appendingPathComponent("state/datasets.json")
        if let data = FileManager.default.contents(atPath: stateFile.path) {
            #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "state file is corrupt")
        }
    }
}

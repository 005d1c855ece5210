import Foundation
import ODPCore
import ODPPipeline
import Testing

/// Issue 16, item 5: the next run, holding the run lock, removes every leftover of a killed
/// run, even when that run's pid now belongs to a live process.
@Suite("Leftovers of killed runs")
struct LeftoverTests {
    @Test("the next run removes every temporary name a killed run left, whatever its pid; other files stay")
    func killedRunLeftovers() throws {
        let drop = FileManager.default.temporaryDirectory.appendingPathComponent("odp-drop-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: drop) }
        let fixture = try SourceIsolationTests.TwoDatasets(source: "{type: csv, path: sound.csv}",
                                                           keys: "targets:\n  - {name: drop, type: dir, path: \(drop.path)}")
        defer { fixture.remove() }
        let first = try fixture.run()
        #expect(first.exitCode == ODPExit.success, "\(first.outcomes.map { "\($0.dataset) \($0.status) \($0.error ?? "")" })")
        let version = try #require(first.outcomes.first { $0.dataset == "sound" }?.version)

        // A process that is alive stands for a pid reused since the kill.
        let other = Process()
        other.executableURL = URL(fileURLWithPath: "/bin/sleep")
        other.arguments = ["60"]
        try other.run()
        defer { other.terminate() }
        let pids = [getpid(), other.processIdentifier, 999_999]
        let out = fixture.output
        var planted: [URL] = []
        for pid in pids {
            planted += [
                out.appendingPathComponent("catalog/.tmp-open-list.csv-\(pid)"),
                out.appendingPathComponent("releases/sound/.tmp-2026.01.01.1-\(pid)/data/sound.csv"),
                out.appendingPathComponent("packages/.tmp-sound-2026.01.01.1-\(pid).zip"),
                out.appendingPathComponent("state/.datasets.json.tmp-\(pid)"),
                out.appendingPathComponent("state/tmp/sound-\(pid).spool"),
                drop.appendingPathComponent("sound/\(version)/.sound.csv.odp-tmp-\(pid)"),
                drop.appendingPathComponent("catalog/.open-list.csv.odp-tmp-\(pid)"),
            ]
        }
        let hourAgo = Date(timeIntervalSinceNow: -3600)
        for url in planted { try plant(url, modified: hourAgo) }
        // Being written this moment by a live command that takes no run lock (odp approve).
        let live = out.appendingPathComponent("state/.approvals.json.tmp-\(other.processIdentifier)")
        try plant(live, modified: Date())
        // Look alike, but are not ODP's temporary names (or not in a folder that holds them).
        let kept = [drop.appendingPathComponent("sound/notes.tmp-12"), drop.appendingPathComponent("catalog/.tmp-receiver-1"),
                    out.appendingPathComponent("state/.hidden")]
        for url in kept { try plant(url, modified: hourAgo) }

        let second = try fixture.run()
        #expect(second.exitCode == ODPExit.success)
        for url in planted {
            let gone = url.path.contains("/releases/sound/.tmp-") ? url.deletingLastPathComponent().deletingLastPathComponent() : url
            #expect(!FileManager.default.fileExists(atPath: gone.path), "left behind: \(gone.path)")
        }
        #expect(FileManager.default.fileExists(atPath: live.path), "a file being written right now stays")
        for url in kept { #expect(FileManager.default.fileExists(atPath: url.path), "not a leftover: \(url.path)") }
        #expect(try String(contentsOf: out.appendingPathComponent("catalog/open-list.csv"), encoding: .utf8).contains("测试表02"))
    }

    private func plant(_ url: URL, modified: Date) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("partial".utf8).write(to: url)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path)
        if url.path.contains("/releases/sound/.tmp-") {
            try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.deletingLastPathComponent().deletingLastPathComponent().path)
        }
    }
}

/// Issue 16, item 8b: whatever the exit code, `odp run` prints its summary and the run report.
@Suite("odp run output on failure")
struct RunOutputTests {
    @Test("an upload target that refuses connections: exit 3 within the retry budget, the summary names the cause and the run report",
          .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"))
    func uploadFailure() async throws {
        let closed = 1  // tcpmux: no loopback service listens there
        let targets = "targets:\n  - {type: ftp, name: frontend, url: \"ftp://127.0.0.1:\(closed)/drop\", user: odp, password: env:ODP_TEST_PW, retry_budget: 2}"
        let workspace = try SourceIsolationTests.TwoDatasets(source: "{type: csv, path: sound.csv}", keys: targets)
        defer { workspace.remove() }
        let run = try await OdpCommand.run(["run", "--config", workspace.config], environment: ["ODP_TEST_PW": "x"], logs: workspace.root)
        // Not a wall-clock bound (a loaded machine makes any bound flaky): the message shows
        // that the 2 s budget, not the eight tries with their back-off, ended the waiting.
        #expect(run.stdout.contains("retry_budget"), "the budget, not the tries, ended the waiting: \(run.stdout)")
        #expect(run.status == ODPExit.failure, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("FAILED") && run.stdout.contains("运行报告（run report）："), "\(run.stdout)")
        #expect(run.stdout.contains("connection refused") && run.stdout.contains("127.0.0.1:\(closed)"), "\(run.stdout)")
    }
}

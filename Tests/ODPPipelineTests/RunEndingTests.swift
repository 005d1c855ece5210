import Foundation
import ODPCore
import Testing

/// Issue 16, item 3: whatever ends a run late — a failed catalog upload, SIGTERM, SIGINT —
/// the summary, run report, metrics, notification and closing audit entries are written,
/// and no half-made release is left. Each test runs the built `odp` binary as cron would.
@Suite("Reporting survives late failures and signals", .serialized)
struct RunEndingTests {
    /// A workspace in a temporary folder: `first` reads `source` (a FIFO in the signal tests),
    /// `second` reads a good CSV; a `dir` target; a notify command that saves its stdin.
    struct Workspace {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("odp-ending-\(UUID().uuidString.prefix(8))")
        var config: String { root.appendingPathComponent("odp.yml").path }
        var output: URL { root.appendingPathComponent("out") }
        var notified: URL { root.appendingPathComponent("notified.json") }

        init(firstSource: String) throws {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try """
            output: out
            datasets: [first.yml, second.yml]
            targets:
              - {name: drop, type: dir, path: pub}
            notify:
              command: cat > notified.json
            """.write(toFile: config, atomically: true, encoding: .utf8)
            for (id, code, source) in [("first", "01", firstSource), ("second", "02", "{type: csv, path: second.csv, encoding: utf-8}")] {
                try SourceIsolationTests.TwoDatasets.definition(id: id, code: code, source: source)
                    .write(to: root.appendingPathComponent("\(id).yml"), atomically: true, encoding: .utf8)
            }
            try SourceIsolationTests.TwoDatasets.csv.write(to: root.appendingPathComponent("second.csv"), atomically: true, encoding: .utf8)
        }

        func report() throws -> RunReport {
            let runs = output.appendingPathComponent("state/runs")
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { $0.hasSuffix(".json") }.max())
            return try #require(try ArtifactCodec.read(RunReport.self, at: runs.appendingPathComponent(name)))
        }

        func audit() -> [AuditEntry] { ArtifactCodec.readLines(AuditEntry.self, at: output.appendingPathComponent("state/audit.jsonl")) }

        /// Everything under out/releases, out/held and out/packages: no `.tmp-*` may remain.
        func releaseEntries() -> [String] {
            ["releases", "held", "packages"].flatMap { dir -> [String] in
                let base = output.appendingPathComponent(dir)
                return (FileManager.default.enumerator(atPath: base.path)?.allObjects as? [String] ?? []).map { "\(dir)/\($0)" }
            }
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    @Test("a failed catalog upload still leaves the summary, run report, metrics, notification and run_finished")
    func catalogUploadFails() async throws {
        let ws = try Workspace(firstSource: "{type: csv, path: second.csv, encoding: utf-8}")
        defer { ws.remove() }
        // The target's catalog folder is a plain file: every dataset uploads, the catalog cannot.
        try FileManager.default.createDirectory(at: ws.root.appendingPathComponent("pub"), withIntermediateDirectories: true)
        try Data("not a folder".utf8).write(to: ws.root.appendingPathComponent("pub/catalog"))
        let run = try await OdpCommand.run(["run", "--config", ws.config], logs: ws.root)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stdout.contains("first") && run.stdout.contains("second") && run.stdout.contains("published 已发布"))
        #expect(run.stdout.contains("开放清单（catalog）未发布：") && run.stdout.contains("运行报告（run report）："))
        let report = try ws.report()
        #expect(report.exitCode == 3 && report.catalogError != nil)
        #expect(report.datasets.map(\.status) == [.published, .published])
        let metrics = try String(contentsOf: ws.output.appendingPathComponent("state/metrics/odp.prom"), encoding: .utf8)
        #expect(metrics.contains("odp_rows_read{dataset=\"second\"} 40"))
        let audit = ws.audit()
        #expect(audit.contains { $0.event == "catalog_failed" })
        #expect(audit.last?.event == "run_finished" && audit.last?.details?.exitCode == 3)
        // No dataset needs anyone, but the catalog does: someone is told.
        let notice = try ArtifactCodec.decode(RunNotification.self, from: Data(contentsOf: ws.notified), file: "notified.json")
        #expect(notice.catalogError != nil && notice.datasets.isEmpty && notice.report.hasSuffix(".json"))
    }

    /// Starts `odp run` on a workspace whose first source is a FIFO fed forever, waits until
    /// rows flow, sends `signal` and returns what the run left.
    func interrupt(with signal: Int32) async throws -> (status: Int32, stdout: String, ws: Workspace) {
        let ws = try Workspace(firstSource: "{type: csv, path: endless.csv, encoding: utf-8}")
        let fifo = ws.root.appendingPathComponent("endless.csv").path
        #expect(mkfifo(fifo, 0o600) == 0)
        Glibc.signal(SIGPIPE, SIG_IGN)
        let feeder = Thread {
            let fd = open(fifo, O_WRONLY)
            guard fd >= 0 else { return }
            defer { close(fd) }
            let header = Array("编号,名称\n".utf8)
            guard write(fd, header, header.count) == header.count else { return }
            var n = 0
            while true {
                let chunk = Array((n..<(n + 2000)).map { "R\($0),名称\($0)\n" }.joined().utf8)
                n += 2000
                if write(fd, chunk, chunk.count) < 0 { return }  // the reader is gone
                usleep(2_000)
            }
        }
        feeder.start()
        // One job: `second` then waits behind the endless `first`, so the signal finds one
        // dataset in progress and one not started (with more jobs `second` would finish meanwhile).
        let child = try OdpCommand.start(["run", "--config", ws.config, "--jobs", "1"], logs: ws.root)
        // Rows are flowing once the first dataset has started and read a few batches.
        for _ in 0..<600 where !child.stderr.contains("[first] started") { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(700))
        #expect(child.isRunning, "the endless source must keep the run busy: \(child.stderr)")
        child.signal(signal)
        let status = await child.wait()
        return (status, child.stdout, ws)
    }

    func expectInterrupted(_ result: (status: Int32, stdout: String, ws: Workspace), name: String, code: Int32) throws {
        let ws = result.ws
        #expect(result.status == code)
        #expect(result.stdout.contains("运行被 \(name) 中断") && result.stdout.contains("运行报告（run report）："), "\(result.stdout)")
        let report = try ws.report()
        #expect(report.signal == name && report.exitCode == Int(code))
        #expect(report.datasets.map(\.dataset) == ["first", "second"])
        #expect(report.datasets.allSatisfy { $0.status == .interrupted })
        #expect((report.datasets.first?.rowsRead ?? 0) > 0, "the first dataset was abandoned mid-stream")
        let audit = ws.audit()
        let stopped = try #require(audit.first { $0.event == "run_interrupted" })
        #expect(stopped.details?.signal == name && stopped.details?.abandoned == ["first", "second"])
        #expect(audit.last?.event == "run_finished" && audit.last?.details?.exitCode == Int(code))
        #expect(!audit.contains { $0.event == "dataset_packaged" })
        #expect(ws.releaseEntries().isEmpty, "left behind: \(ws.releaseEntries())")
        #expect(!FileManager.default.fileExists(atPath: ws.root.appendingPathComponent("pub/first").path))
        let notice = try ArtifactCodec.decode(RunNotification.self, from: Data(contentsOf: ws.notified), file: "notified.json")
        #expect(notice.signal == name && notice.datasets.map(\.status) == [.interrupted, .interrupted])
        // Written although the run was stopped; the abandoned datasets finished no run to report.
        let metrics = try String(contentsOf: ws.output.appendingPathComponent("state/metrics/odp.prom"), encoding: .utf8)
        #expect(metrics.contains("# TYPE odp_rows_read gauge") && !metrics.contains("odp_rows_read{dataset=\"first\"}"), "\(metrics)")
    }

    @Test("SIGTERM abandons the dataset in progress, reports and audits it, and exits 143")
    func sigterm() async throws {
        let result = try await interrupt(with: SIGTERM)
        defer { result.ws.remove() }
        try expectInterrupted(result, name: "SIGTERM", code: 143)
    }

    @Test("SIGINT (Ctrl-C) does the same and exits 130")
    func sigint() async throws {
        let result = try await interrupt(with: SIGINT)
        defer { result.ws.remove() }
        try expectInterrupted(result, name: "SIGINT", code: 130)
    }

    @Test("a run stopped by a signal leaves a workspace the next run completes")
    func nextRunAfterSignal() async throws {
        let result = try await interrupt(with: SIGTERM)
        defer { result.ws.remove() }
        try FileManager.default.removeItem(atPath: result.ws.root.appendingPathComponent("endless.csv").path)
        try FileManager.default.copyItem(at: result.ws.root.appendingPathComponent("second.csv"), to: result.ws.root.appendingPathComponent("endless.csv"))
        let next = try await OdpCommand.run(["run", "--config", result.ws.config], logs: result.ws.root)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try result.ws.report().datasets.map(\.status) == [.published, .published])
    }
}

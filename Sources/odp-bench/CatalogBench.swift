import Foundation
import ODPCore
import ODPPipeline

/// `odp-bench --catalog N` (issue 18): a generated catalog of N CSV datasets through
/// `odp validate`, a first run, an unchanged re-run and `--due` with nothing due, each in a
/// child process of its own (so peak RSS is that step's), next to the floor of reading or
/// just stat-ing the source files. Pass `--keep` to keep the generated folder.
enum CatalogBench {
    enum Step: String, CaseIterable {
        case validate, first, rerun, due
    }

    /// What one child measured, printed as JSON.
    struct StepResult: Codable {
        var step: String
        var seconds: Double
        var cpuSeconds: Double
        var peakRSSBytes: Int
        var datasets: Int
        var rowsRead: Int
        /// Outcomes by status (`published`, `unchanged`, `skipped` …); diagnostics for validate.
        var statuses: [String: Int]
    }

    static func run(datasets n: Int, dataDir: URL, keep: Bool) throws {
        let dir = dataDir.appendingPathComponent("catalog-\(n)")
        try? FileManager.default.removeItem(at: dir)
        FileHandle.standardError.write(Data("generating \(n) datasets in \(dir.path)…\n".utf8))
        let (config, sources) = try CatalogWorkspace.write(datasets: n, into: dir)
        defer { if !keep { try? FileManager.default.removeItem(at: dir) } }
        let rows = (0..<n).reduce(0) { $0 + CatalogWorkspace.rows($1) }
        let bytes = sources.reduce(0) { $0 + Floor.fileSize($1) }
        print("ODP catalog benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores, release build")
        print(String(format: "%d datasets, %d rows (%d–%d per dataset, 6 fields), %.1f MB of CSV\n", n, rows, CatalogWorkspace.minRows,
                     CatalogWorkspace.maxRows, Double(bytes) / 1_048_576))
        let readFloor = floor { for s in sources { Floor.forEachChunk(s) { _ in } } }
        let statFloor = floor { for s in sources { var st = stat(); _ = stat(s.path, &st) } }
        for step in Step.allCases {
            let result = try child(step, config: config)
            print(line(result, n: n, rows: rows, readFloor: readFloor, statFloor: statFloor))
        }
        print(String(format: "\n  floor: read every source file once %.2f s; stat every source file %.3f s", readFloor, statFloor))
    }

    private static func floor(_ body: () -> Void) -> Double {
        let watch = Stopwatch()
        body()
        return watch.elapsed
    }

    private static func line(_ r: StepResult, n: Int, rows: Int, readFloor: Double, statFloor: Double) -> String {
        let statuses = r.statuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let rate = r.step == "first" ? String(format: "%9.0f rows/s", Double(r.rowsRead) / max(r.seconds, 1e-9))
            : String(format: "%9.0f datasets/s", Double(n) / max(r.seconds, 1e-9))
        let floor = r.step == "first" ? readFloor : statFloor
        let label = ["validate": "odp validate", "first": "first run", "rerun": "unchanged re-run", "due": "--due, nothing due"][r.step] ?? r.step
        return String(format: "  %@ %8.2f s  %@  (%.1f ms per dataset, CPU %.2f s)  peak RSS %4.0f MB  %.0f× floor  [%@]",
                      Report.pad(label), r.seconds, rate, r.seconds * 1000 / Double(max(n, 1)), r.cpuSeconds,
                      Double(r.peakRSSBytes) / 1_048_576, r.seconds / max(floor, 1e-9), statuses)
    }

    private static func child(_ step: Step, config: String) throws -> StepResult {
        try Bench.child(["--catalog-step", step.rawValue, "--catalog-config", config], as: StepResult.self,
                             what: "the catalog benchmark's \(step.rawValue) step")
    }

    /// In the child: one step, measured from loading the workspace on.
    static func measure(_ name: String, config: String) throws {
        guard let step = Step(rawValue: name) else { throw ODPError.usage("unknown catalog step \(name)") }
        let cpu = cpuSeconds()
        let watch = Stopwatch()
        var statuses: [String: Int] = [:]
        var rowsRead = 0, datasets = 0
        if step == .validate {
            let workspace = try Workspace.load(configPath: config, openSources: true)
            datasets = workspace.definitions.count
            statuses["diagnostics"] = workspace.diagnostics.count
        } else {
            let workspace = try Workspace.load(configPath: config)
            guard workspace.errors.isEmpty else { throw ODPError.definition(workspace.errors) }
            let log = RunLog(logFile: nil, interactive: false, quiet: true)
            let summary = try PipelineRunner(workspace: workspace, options: RunOptions(dueOnly: step == .due), log: log).run()
            datasets = summary.outcomes.count
            for o in summary.outcomes {
                statuses[o.status.rawValue, default: 0] += 1
                rowsRead += o.rowsRead
            }
        }
        let result = StepResult(step: name, seconds: watch.elapsed, cpuSeconds: cpuSeconds() - cpu, peakRSSBytes: peakResidentBytes(),
                                datasets: datasets, rowsRead: rowsRead, statuses: statuses)
        FileHandle.standardOutput.write(try JSONEncoder().encode(result))
    }
}

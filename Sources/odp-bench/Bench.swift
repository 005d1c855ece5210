import Foundation
import ODPCore
import ODPDemoData
import ODPExtract
import ODPPipeline

/// `swift run -c release odp-bench [ROWS…]`: on the benchmark table (market registrations,
/// 15 columns), per size: extraction alone, the reference job (a CSV-only release: validate,
/// desensitize, write the CSV, SHA-256, zip) and the complete release, per stage, next to the
/// floor. Each run is a real pipeline run in a child process, so peak memory is its own.
@main
struct Bench {
    static func main() throws {
        var args = Array(CommandLine.arguments.dropFirst())
        let dataDir = URL(fileURLWithPath: option("--data", &args) ?? ".build-bench/data")
        if let config = option("--seed", &args) {
            // The first release of a re-run measurement, in a process of its own so the
            // measured run's peak memory is its own.
            _ = try release(configPath: config)
            return
        }
        if let n = option("--reconcile", &args), let rows = Int(n.replacingOccurrences(of: "_", with: "")) {
            try ReconcileBench.run(rows: rows)
            return
        }
        if let one = option("--one", &args), let rows = Int(one) {
            try runOne(rows: rows, dataDir: dataDir, mode: Mode(rawValue: option("--mode", &args) ?? "release") ?? .release)
            return
        }
        let sizes = args.compactMap { Int($0.replacingOccurrences(of: "_", with: "")) }
        let rows = sizes.isEmpty ? [1_000_000, 10_000_000] : sizes
        print("ODP benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores, release build, table: 市场监管 individual businesses (15 columns)\n")
        var results: [[String: Any]] = []
        for n in rows {
            FileHandle.standardError.write(Data("generating/reading the \(n)-row table (cached in \(dataDir.path))…\n".utf8))
            _ = try DemoGenerator.benchmarkTable(rows: n, in: dataDir)
            // The stages-alone run holds the whole table in memory, so it runs at small sizes only.
            for mode in Mode.allCases where mode != .stages || n <= 2_000_000 {
                let child = Process()
                child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
                child.arguments = ["--one", String(n), "--data", dataDir.path, "--mode", mode.rawValue]
                let pipe = Pipe()
                child.standardOutput = pipe
                try child.run()
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                child.waitUntilExit()
                guard child.terminationStatus == 0, let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                    FileHandle.standardError.write(Data("benchmark child failed for \(n) rows\n".utf8))
                    exit(1)
                }
                results.append(object)
                Report.print(object)
            }
        }
        Report.printScaling(results)
    }

    static func option(_ name: String, _ args: inout [String]) -> String? {
        guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
        let value = args[i + 1]
        args.removeSubrange(i...(i + 1))
        return value
    }

    enum Mode: String, CaseIterable {
        case extract, stages, reference, release
        /// The complete release again over a copy of the table with one row changed, after a
        /// first release: the change log compares every row with the previous version.
        case rerun
    }

    static func release(configPath: String) throws -> PipelineRunner.Summary {
        let workspace = try Workspace.load(configPath: configPath)
        guard workspace.errors.isEmpty else { throw ODPError.definition(workspace.errors) }
        let log = RunLog(logFile: nil, interactive: false, quiet: true)
        return try PipelineRunner(workspace: workspace, options: RunOptions(), log: log).run()
    }

    /// Copies the table into `work`, releases it once in a child process, then changes one
    /// cell of the copy's first row; returns the configuration reading the copy.
    static func seedRerun(table: URL, work: URL) throws -> String {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let copy = work.appendingPathComponent("table.csv")
        try FileManager.default.copyItem(at: table, to: copy)
        let config = try BenchWorkspace.write(table: copy, into: work, csvOnly: false)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["--seed", config]
        try child.run()
        child.waitUntilExit()
        guard child.terminationStatus == 0 else { throw ODPError.usage("the first release of the re-run failed") }
        let handle = try FileHandle(forUpdating: copy)
        defer { try? handle.close() }
        let head = try handle.read(upToCount: 4096) ?? Data()
        // The last digit of the first data row's last field (its update time) goes down by one.
        guard let rowEnd = head.dropFirst((head.firstIndex(of: 0x0A) ?? 0) + 1).firstIndex(of: 0x0A),
              let digit = head[..<rowEnd].lastIndex(where: { $0 >= 0x31 && $0 <= 0x39 }) else {
            throw ODPError.usage("cannot change a row of \(copy.path)")
        }
        try handle.seek(toOffset: UInt64(digit))
        handle.write(Data([head[digit] - 1]))
        return config
    }

    static func runOne(rows: Int, dataDir: URL, mode: Mode) throws {
        let table = try DemoGenerator.benchmarkTable(rows: rows, in: dataDir)
        let inputBytes = (try FileManager.default.attributesOfItem(atPath: table.path)[.size] as? Int) ?? 0
        let work = dataDir.appendingPathComponent("run-\(rows)")
        try? FileManager.default.removeItem(at: work)
        let configPath = mode == .rerun ? try seedRerun(table: table, work: work)
            : try BenchWorkspace.write(table: table, into: work, csvOnly: mode == .reference)
        var result: [String: Any] = ["rows": rows, "input_bytes": inputBytes, "mode": mode.rawValue]
        let cpuBefore = cpuSeconds()
        let watch = Stopwatch()
        if mode == .stages {
            result["stage_alone"] = try StageAlone.measure(configPath: configPath)
        } else if mode == .extract {
            let workspace = try Workspace.load(configPath: configPath)
            let source = try Extractor.open(workspace.definitions[0], since: nil, environment: [:])
            var n = 0
            while let batch = try source.next(maxRows: 8192) { n += batch.rowCount }
            source.close()
            result["seconds"] = watch.elapsed
            result["cpu_seconds"] = cpuSeconds() - cpuBefore
            result["rows_read"] = n
            result["floor_read_seconds"] = Floor.read(table).seconds
        } else {
            let summary = try release(configPath: configPath)
            result["seconds"] = watch.elapsed
            result["cpu_seconds"] = cpuSeconds() - cpuBefore
            let outcome = summary.outcomes[0]
            result["status"] = outcome.status.rawValue
            result["stages"] = outcome.stageSeconds
            result["rows_released"] = outcome.rowsReleased
            result["rows_rejected"] = outcome.rowsRejected
            // The floor is measured once per size, beside the complete release.
            if mode == .release, let csv = BenchWorkspace.releasedCSV(in: work) {
                let size = (try FileManager.default.attributesOfItem(atPath: csv.path)[.size] as? Int) ?? 0
                result["output_csv_bytes"] = size
                result["floor_read_seconds"] = Floor.read(table).seconds
                let written = Floor.treeSize(work.appendingPathComponent("out"))
                result["floor_write_seconds"] = Floor.write(bytes: written, in: work).seconds
                result["floor_write_bytes"] = written
                result["floor_sha256_seconds"] = Floor.sha256(csv).seconds
                let z = Floor.zlib6(csv), d = Floor.libdeflate6(csv)
                result["floor_zlib6_seconds"] = z.seconds
                result["floor_zlib6_bytes"] = z.outputBytes
                result["floor_libdeflate6_seconds"] = d.seconds
                result["floor_libdeflate6_bytes"] = d.outputBytes
                let odpZip = try Floor.odpZip(csv)
                result["zip_csv_seconds"] = odpZip.seconds
                result["zip_csv_bytes"] = odpZip.outputBytes
                if let info = Floor.infoZip(csv) {
                    result["infozip6_seconds"] = info.seconds
                    result["infozip6_bytes"] = info.outputBytes
                }
            }
            if let zip = BenchWorkspace.zip(in: work) {
                result["zip_bytes"] = (try FileManager.default.attributesOfItem(atPath: zip.path)[.size] as? Int) ?? 0
            }
        }
        result["peak_rss_bytes"] = peakResidentBytes()
        try? FileManager.default.removeItem(at: work)
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        FileHandle.standardOutput.write(data)
    }
}

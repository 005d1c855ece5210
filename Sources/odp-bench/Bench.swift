import Foundation
import ODPCore
import ODPDemoData
import ODPExtract
import ODPPipeline

/// `swift run -c release odp-bench [ROWS…]`: on the benchmark table (market registrations,
/// 15 columns), per size: extraction alone, the reference job (a CSV-only release: validate,
/// desensitize, write the CSV, SHA-256, zip) and the complete release, per stage, next to the
/// floor. Each run is a real pipeline run in a child process, so peak memory is its own.
/// `--catalog N`: many small datasets instead of one large table (`CatalogBench`).
/// `--portal N`: the catalog step and `odp serve` under load at N datasets (`PortalBench`).
/// `--rows N`: the rows API over one N-row version's SQLite file under wrk (`RowsBench`).
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
        if let step = option("--catalog-step", &args), let config = option("--catalog-config", &args) {
            try CatalogBench.measure(step, config: config)
            return
        }
        if let n = option("--catalog", &args), let datasets = Int(n.replacingOccurrences(of: "_", with: "")) {
            try CatalogBench.run(datasets: datasets, dataDir: dataDir, keep: flag("--keep", &args))
            return
        }
        if let config = option("--portal-catalog", &args) {
            try PortalBench.measureCatalog(config: config)
            return
        }
        if let n = option("--portal", &args), let datasets = Int(n.replacingOccurrences(of: "_", with: "")) {
            try PortalBench.run(datasets: datasets, dataDir: dataDir, keep: flag("--keep", &args),
                               seconds: Int(option("--seconds", &args) ?? "") ?? 10, connections: Int(option("--connections", &args) ?? "") ?? 8)
            return
        }
        if let n = option("--rows", &args), let rows = Int(n.replacingOccurrences(of: "_", with: "")) {
            try RowsBench.run(rows: rows, dataDir: dataDir, seconds: Int(option("--seconds", &args) ?? "") ?? 10,
                              connections: Int(option("--connections", &args) ?? "") ?? 200)
            return
        }
        if let n = option("--reconcile", &args), let rows = Int(n.replacingOccurrences(of: "_", with: "")) {
            try ReconcileBench.run(rows: rows)
            return
        }
        if let n = option("--formats", &args), let rows = Int(n.replacingOccurrences(of: "_", with: "")) {
            try FormatsBench.run(rows: rows, dataDir: dataDir)
            return
        }
        // `--truth`: the benchmark definition with the truth checks of issue 22 added.
        let truth = flag("--truth", &args)
        // `--no-peers`: ODP and the floor only (no venv, no polars or DuckDB runs).
        let noPeers = flag("--no-peers", &args)
        if let one = option("--one", &args), let rows = Int(one) {
            try runOne(rows: rows, dataDir: dataDir, mode: Mode(rawValue: option("--mode", &args) ?? "release") ?? .release, truth: truth)
            return
        }
        let sizes = args.compactMap { Int($0.replacingOccurrences(of: "_", with: "")) }
        let rows = sizes.isEmpty ? [1_000_000, 10_000_000] : sizes
        print("ODP benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores, release build, table: 市场监管 individual businesses (15 columns)\n")
        var results: [BenchResult] = []
        for n in rows {
            FileHandle.standardError.write(Data("generating/reading the \(n)-row table (cached in \(dataDir.path))…\n".utf8))
            _ = try DemoGenerator.benchmarkTable(rows: n, in: dataDir)
            // The stages-alone run holds the whole table in memory, so it runs at small sizes only.
            for mode in Mode.allCases where mode != .stages || n <= 2_000_000 {
                let child = Process()
                child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
                child.arguments = ["--one", String(n), "--data", dataDir.path, "--mode", mode.rawValue] + (truth ? ["--truth"] : [])
                let pipe = Pipe()
                child.standardOutput = pipe
                try child.run()
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                child.waitUntilExit()
                guard child.terminationStatus == 0, let object = try? BenchResult.decode(data) else {
                    FileHandle.standardError.write(Data("benchmark child failed for \(n) rows\n".utf8))
                    exit(1)
                }
                results.append(object)
                Report.print(object)
            }
            if !noPeers { results += try Peers.runAll(rows: n, dataDir: dataDir, odp: results.filter { $0.rows == n }) }
        }
        Report.printScaling(results)
    }

    static func option(_ name: String, _ args: inout [String]) -> String? {
        guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
        let value = args[i + 1]
        args.removeSubrange(i...(i + 1))
        return value
    }

    /// A measurement in a child process of this binary (so its peak RSS is its own), which
    /// prints its result as JSON.
    static func child<T: Decodable>(_ arguments: [String], as type: T.Type, what: String) throws -> T {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let result = try? JSONDecoder().decode(T.self, from: data) else {
            throw ODPError.usage("\(what) failed (exit \(process.terminationStatus))")
        }
        return result
    }

    static func flag(_ name: String, _ args: inout [String]) -> Bool {
        guard let i = args.firstIndex(of: name) else { return false }
        args.remove(at: i)
        return true
    }

    enum Mode: String, CaseIterable {
        /// `reference`: the CSV-only release of the real job (`BenchmarkPipeline.Job.real`);
        /// `light`: the same without k-anonymity, pseudonyms and the unique key (the old reference).
        case extract, stages, reference, light, release
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
    static func seedRerun(table: URL, work: URL, truth: Bool) throws -> String {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let copy = work.appendingPathComponent("table.csv")
        try FileManager.default.copyItem(at: table, to: copy)
        let config = try BenchWorkspace.write(table: copy, into: work, csvOnly: false, truth: truth)
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

    static func runOne(rows: Int, dataDir: URL, mode: Mode, truth: Bool) throws {
        let table = try DemoGenerator.benchmarkTable(rows: rows, in: dataDir)
        let inputBytes = (try FileManager.default.attributesOfItem(atPath: table.path)[.size] as? Int) ?? 0
        let work = dataDir.appendingPathComponent("run-\(rows)")
        try? FileManager.default.removeItem(at: work)
        let configPath = mode == .rerun ? try seedRerun(table: table, work: work, truth: truth)
            : try BenchWorkspace.write(table: table, into: work, csvOnly: mode == .reference || mode == .light, truth: truth,
                                       job: mode == .light ? .light : .real)
        var result = BenchResult(rows: rows, inputBytes: inputBytes, mode: mode.rawValue)
        let cpuBefore = cpuSeconds()
        let watch = Stopwatch()
        if mode == .stages {
            result.stageAlone = try StageAlone.measure(configPath: configPath)
        } else if mode == .extract {
            let workspace = try Workspace.load(configPath: configPath)
            let source = try Extractor.open(workspace.definitions[0], since: nil, environment: [:])
            var n = 0
            while let batch = try source.next(maxRows: 8192) { n += batch.rowCount }
            source.close()
            result.seconds = watch.elapsed
            result.cpuSeconds = cpuSeconds() - cpuBefore
            result.rowsRead = n
            result.floorRead = Floor.read(table).seconds
        } else {
            let summary = try release(configPath: configPath)
            result.seconds = watch.elapsed
            result.cpuSeconds = cpuSeconds() - cpuBefore
            let outcome = summary.outcomes[0]
            result.status = outcome.status.rawValue
            result.stages = outcome.stageSeconds
            result.rowsReleased = outcome.rowsReleased
            result.rowsRejected = outcome.rowsRejected
            // The floor is measured once per size, beside the complete release.
            if mode == .release, let csv = BenchWorkspace.releasedCSV(in: work) {
                result.outputCSVBytes = (try FileManager.default.attributesOfItem(atPath: csv.path)[.size] as? Int) ?? 0
                result.floorRead = Floor.read(table).seconds
                let written = Floor.treeSize(work.appendingPathComponent("out"))
                result.floorWrite = .init(seconds: Floor.write(bytes: written, in: work).seconds, bytes: written)
                result.floorSHA256 = .init(seconds: Floor.sha256(csv).seconds)
                let z = Floor.zlib6(csv), d = Floor.libdeflate6(csv)
                result.floorZlib6 = .init(seconds: z.seconds, bytes: z.outputBytes)
                result.floorLibdeflate6 = .init(seconds: d.seconds, bytes: d.outputBytes)
                let odpZip = try Floor.odpZip(csv)
                result.zipCSV = .init(seconds: odpZip.seconds, bytes: odpZip.outputBytes)
                if let info = Floor.infoZip(csv) { result.infozip6 = .init(seconds: info.seconds, bytes: info.outputBytes) }
            }
            // The peers' outputs are compared with this one (`Peers.compare`).
            if mode == .reference {
                let kept = Peers.odpCSV(rows: rows, dataDir: dataDir)
                try? FileManager.default.removeItem(at: kept)
                if let csv = BenchWorkspace.releasedCSV(in: work) { try FileManager.default.copyItem(at: csv, to: kept) }
            }
            if let zip = BenchWorkspace.zip(in: work) {
                result.zipBytes = (try FileManager.default.attributesOfItem(atPath: zip.path)[.size] as? Int) ?? 0
            }
        }
        result.peakRSSBytes = peakResidentBytes()
        try? FileManager.default.removeItem(at: work)
        let data = try result.encoded()
        FileHandle.standardOutput.write(data)
    }
}

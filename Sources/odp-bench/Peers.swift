import Foundation
import ODPDemoData

/// The tools users would pick instead of ODP (`bench/peers/`): a polars and a DuckDB script
/// doing the real job (`BenchmarkPipeline.Job.real`: the same checks and desensitization),
/// writing the CSV, then `sha256sum` and `zip -6`. They run in the same benchmark run as
/// ODP, each in a child process timed from start to exit, and their released rows are
/// compared with ODP's CSV, so a ratio is only printed for a peer that did the same work.
enum Peers {
    static let names = ["polars", "duckdb"]
    static var folder: URL { BenchWorkspace.repository.appendingPathComponent("bench/peers") }

    /// Where the reference run keeps ODP's released CSV for the comparison.
    static func odpCSV(rows: Int, dataDir: URL) -> URL {
        dataDir.appendingPathComponent("odp-reference-\(rows).csv")
    }

    /// Installs the peers into `bench/peers/.venv` (once; `setup.sh` is idempotent) and
    /// returns its Python.
    static func python() throws -> String {
        let status = try runChild("/bin/bash", [folder.appendingPathComponent("setup.sh").path]).status
        guard status == 0 else { throw BenchFailure("bench/peers/setup.sh failed (exit \(status))") }
        return folder.appendingPathComponent(".venv/bin/python").path
    }

    static func runAll(rows: Int, dataDir: URL, odp: [BenchResult]) throws -> [BenchResult] {
        let python = try python()
        let table = try DemoGenerator.benchmarkTable(rows: rows, in: dataDir)
        let inputBytes = (try FileManager.default.attributesOfItem(atPath: table.path)[.size] as? Int) ?? 0
        var results: [BenchResult] = []
        for name in names {
            let work = dataDir.appendingPathComponent("peer-\(name)-\(rows)")
            try? FileManager.default.removeItem(at: work)
            // The same definition files as ODP's run: the peers read the pseudonym key from there.
            _ = try BenchWorkspace.write(table: table, into: work, csvOnly: true)
            let report = work.appendingPathComponent("peer.json")
            let watch = Stopwatch()
            let status = try runChild(python, [
                folder.appendingPathComponent("\(name)_job.py").path, "--table", table.path, "--codes", BenchWorkspace.codes.path,
                "--key-file", work.appendingPathComponent(BenchmarkPipeline.pseudonymKeyFile).path,
                "--key-id", BenchmarkPipeline.pseudonymKeyID, "--out", work.path, "--report", report.path,
            ]).status
            var result = BenchResult(rows: rows, inputBytes: inputBytes, mode: "peer-\(name)")
            result.seconds = watch.elapsed
            guard status == 0, let data = FileManager.default.contents(atPath: report.path),
                  let peer = try? JSONDecoder().decode(PeerReport.self, from: data) else {
                throw BenchFailure("the \(name) peer failed (exit \(status))")
            }
            result.rowsReleased = peer.rows
            result.peakRSSBytes = peer.peakRSSBytes
            result.cpuSeconds = peer.cpuSeconds
            result.peerAgreement = try compare(odp: odpCSV(rows: rows, dataDir: dataDir), peer: work.appendingPathComponent("\(BenchmarkPipeline.datasetID).csv"),
                                               python: python)
            results.append(result)
            try? FileManager.default.removeItem(at: work)
        }
        Report.printPeers(results, odp: odp)
        return results
    }

    /// `compare.py`'s verdict: "same" or what differs (row counts, a column's values).
    static func compare(odp: URL, peer: URL, python: String) throws -> String {
        // Below about 200,000 rows most k-anonymity classes (8 districts × 216 months × 8
        // industries) are smaller than 5, so ODP holds the release and there is nothing to compare.
        guard FileManager.default.fileExists(atPath: odp.path) else { return "not compared: ODP held its release (k-anonymity would suppress over 5 %)" }
        let (status, output) = try runChild(python, [folder.appendingPathComponent("compare.py").path, odp.path, peer.path], capture: true)
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return status == 0 ? "same" : (text.isEmpty ? "compare.py failed (exit \(status))" : text)
    }

    /// What a peer script writes to `--report`: the rows it released, its peak memory and CPU time.
    struct PeerReport: Decodable {
        var rows: Int
        var peakRSSBytes: Int
        var cpuSeconds: Double
        enum CodingKeys: String, CodingKey {
            case rows
            case peakRSSBytes = "peak_rss_bytes"
            case cpuSeconds = "cpu_seconds"
        }
    }

    /// Runs a child to its exit; with `capture`, returns its standard output too (read
    /// before waiting, so a full pipe cannot stall it).
    static func runChild(_ executable: String, _ arguments: [String], capture: Bool = false) throws -> (status: Int32, output: Data) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = arguments
        let pipe = Pipe()
        if capture { child.standardOutput = pipe }
        try child.run()
        let output = capture ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        child.waitUntilExit()
        return (child.terminationStatus, output)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

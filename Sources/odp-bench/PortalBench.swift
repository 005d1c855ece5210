import Foundation
import ODPCore
import ODPDesensitize
import ODPPipeline
import ODPRelease

/// `odp-bench --portal N` (issue 18): N datasets' latest releases written straight into an
/// output folder (release.json, datapackage.json, a 20-row CSV, SHA256SUMS, latest.json:
/// a first run of N datasets would take hours), then
/// 1. the catalog step (open list CSV/JSON/HTML and DCAT, through the published-file gate as
///    `odp run` does), in a child process so its time, CPU and peak RSS are its own;
/// 2. `odp serve` on loopback and `wrk` against the list, a deep page in another
///    order, a department page, a text search, a search by field name and a dataset page:
///    p50/p95/p99 and requests per second for each.
enum PortalBench {
    /// What the catalog child measured, printed as JSON.
    struct CatalogResult: Codable {
        var seconds: Double
        var cpuSeconds: Double
        var peakRSSBytes: Int
        var listed: Int
        var bytes: [String: Int]
    }

    static func run(datasets n: Int, dataDir: URL, keep: Bool, seconds: Int, connections: Int) throws {
        let dir = dataDir.appendingPathComponent("portal-\(n)")
        try? FileManager.default.removeItem(at: dir)
        FileHandle.standardError.write(Data("writing \(n) releases in \(dir.path)…\n".utf8))
        let (config, _) = try CatalogWorkspace.write(datasets: n, into: dir, withSources: false)
        defer { if !keep { try? FileManager.default.removeItem(at: dir) } }
        let out = dir.appendingPathComponent("out")
        for i in 0..<n { try writeRelease(i, root: out) }
        print("ODP portal benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores, release build, \(n) datasets\n")
        let catalog = try catalogChild(config: config)
        print(String(format: "  catalog step (open list + DCAT, gated)  %.2f s  CPU %.2f s  peak RSS %.0f MB  %d listed", catalog.seconds,
                     catalog.cpuSeconds, Double(catalog.peakRSSBytes) / 1_048_576, catalog.listed))
        for (name, bytes) in catalog.bytes.sorted(by: { $0.key < $1.key }) {
            print(String(format: "    %@ %8.1f MB", Report.pad(name), Double(bytes) / 1_048_576))
        }
        try serveAndLoad(config: config, n: n, seconds: seconds, connections: connections)
    }

    /// One dataset's latest release, through the artifact types the release writer uses.
    static func writeRelease(_ i: Int, root: URL) throws {
        let id = CatalogWorkspace.id(i)
        let day = 1 + i % 28
        let version = String(format: "2026.11.%02d.1", day)
        let dir = root.appendingPathComponent("releases/\(id)/\(version)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        let csv = CatalogWorkspace.csv(rows: 20, seed: i)
        var files: [String: Data] = ["data/\(id).csv": csv]
        let fields = [("id", "编号", "integer"), ("name", "名称", "string"), ("category", "类别", "string"), ("amount", "金额", "number"),
                      ("day", "日期", "date"), ("district", "区县", "string")].map {
            DataPackageDescriptor.Field(name: $0.0, title: $0.1, type: $0.2, format: nil, description: nil, constraints: nil)
        }
        let resource = DataPackageDescriptor.Resource(name: id, path: "data/\(id).csv", format: "csv", mediatype: "text/csv",
                                                      title: "基准目录第\(i + 1)项（CSV）",
                                                      schema: .init(fields: fields, primaryKey: ["id"]))
        let created = String(format: "2026-11-%02dT08:00:00Z", day)
        files["datapackage.json"] = try ArtifactCodec.encode(DataPackageDescriptor(
            name: id, id: String(format: "350100-BENCH-%05d", i + 1), title: "基准目录第\(i + 1)项", description: "基准测试生成的数据集",
            version: version, created: created,
            licenses: [.init(name: "CC-BY-4.0", path: "https://creativecommons.org/licenses/by/4.0/", title: "CC-BY-4.0")],
            sources: [.init(title: CatalogWorkspace.departments[i % CatalogWorkspace.departments.count])], contributors: [],
            keywords: nil, resources: [resource], signature: nil))
        files["release.json"] = try ArtifactCodec.encode(ReleaseMetadata(
            datasetId: id, version: version, status: .released, holdReasons: [], contentHash: "bench-\(i)", created: created, rowCount: 20,
            previousVersion: nil, definitionHash: "", dataFiles: [ReleaseFile(path: "data/\(id).csv", bytes: csv.count, sha256: SHA256Hex.of(Array(csv)))],
            publishedFileGate: 1, signature: nil, changes: nil))
        files[SHA256Sums.fileName] = SHA256Sums(entries: files.keys.sorted().map { .init(path: $0, sha256: SHA256Hex.of(Array(files[$0]!))) }).render()
        for (name, data) in files { try data.write(to: dir.appendingPathComponent(name)) }
        try LatestPointer(datasetId: id, version: version, contentHash: "bench-\(i)").write(datasetDirectory: dir.deletingLastPathComponent())
    }

    private static func catalogChild(config: String) throws -> CatalogResult {
        try Bench.child(["--portal-catalog", config], as: CatalogResult.self, what: "the portal benchmark's catalog step")
    }

    /// In the child: the catalog step as `odp run` ends, from loading the workspace on.
    static func measureCatalog(config: String) throws {
        let cpu = cpuSeconds()
        let watch = Stopwatch()
        let workspace = try Workspace.load(configPath: config)
        let options = RunOptions()
        let today = options.runDate
        let gate = Catalog.Gate(entry: { PublishedFileScanner(definition: $0, today: today) },
                                catalog: { PublishedFileScanner(today: today, allowedValues: $0.flatMap(\.catalog.publishedContactValues)) })
        let written = try Catalog.write(config: workspace.config, definitions: workspace.definitions, outputRoot: workspace.layout.root,
                                        generatedAt: options.runTime, gate: gate)
        var bytes: [String: Int] = [:]
        for url in written.files { bytes[url.lastPathComponent] = Floor.fileSize(url) }
        // Taken before anything else is read: decoding the open list here to count it cost more
        // memory than writing it. Every listed dataset has its own feed.
        let result = CatalogResult(seconds: watch.elapsed, cpuSeconds: cpuSeconds() - cpu, peakRSSBytes: peakResidentBytes(),
                                   listed: written.feeds.count, bytes: bytes)
        FileHandle.standardOutput.write(try JSONEncoder().encode(result))
    }

    /// Starts `odp serve` (the `odp` beside this binary) on a free loopback port, times the
    /// first request (which builds the index), runs `wrk` per page and stops the server.
    private static func serveAndLoad(config: String, n: Int, seconds: Int, connections: Int) throws {
        // wrk, not ab: ab speaks HTTP/1.0 and waits for the server to close, which the portal's
        // HTTP/1.1 server does not do for it.
        let wrk = "/usr/bin/wrk"
        guard FileManager.default.isExecutableFile(atPath: wrk) else {
            throw ODPError.usage("wrk is not installed: apt-get install -y wrk (scripts/setup.sh --test)")
        }
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("odp-bench-\(getpid()).lua")
        try Data(Self.script.utf8).write(to: script)
        defer { try? FileManager.default.removeItem(at: script) }
        let odp = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("odp")
        let port = 18_000 + Int(getpid() % 2_000)
        let server = Process()
        server.executableURL = odp
        server.arguments = ["serve", "--config", config, "--port", String(port)]
        server.standardError = FileHandle.nullDevice
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        let watch = Stopwatch()
        var first: Double?
        while watch.elapsed < 300, first == nil, server.isRunning {
            let t = Stopwatch()
            if fetch(base + "/") { first = t.elapsed } else { usleep(200_000) }
        }
        guard let first else { throw ODPError.usage("odp serve did not answer on \(base)") }
        print(String(format: "\n  odp serve: first list page (loads the definitions' catalog and builds the index) %.2f s after start, that request %.2f s",
                     watch.elapsed, first))
        let middle = CatalogWorkspace.id(n / 2)
        let departmentPage = min(3, max(1, n / CatalogWorkspace.departments.count / 20))
        let pages: [(String, String)] = [
            ("list, page 1", "/"),
            ("list, page 500 by update time", "/?sort=updated&page=\(min(500, max(1, n / 20)))"),
            ("department page \(departmentPage)", "/departments/\(percent(CatalogWorkspace.departments[1]))?page=\(departmentPage)"),
            ("search: title words", "/?q=\(percent("目录第\(n / 3 + 1)项"))"),
            ("search: field name", "/?q=district&sort=provider&page=2"),
            ("dataset page", "/datasets/\(middle)"),
        ]
        print("\n  \(Report.pad("page")) \(["p50", "p95", "p99"].map { $0.padding(toLength: 8, withPad: " ", startingAt: 0) }.joined(separator: " "))"
              + "   req/s   (wrk, \(connections) connections, \(seconds) s per page, ms)")
        for (label, path) in pages {
            let r = try load(wrk: wrk, script: script.path, url: base + path, seconds: seconds, connections: connections)
            print(String(format: "  %@ %8.1f %8.1f %8.1f %7.0f%@", Report.pad(label), r.p50, r.p95, r.p99, r.rate, r.failed > 0 ? "  \(r.failed) errors" : ""))
        }
        let rss = (try? String(contentsOfFile: "/proc/\(server.processIdentifier)/status", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) } ?? "?"
        print("\n  odp serve peak RSS: \(rss)")
    }

    static func percent(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")) ?? s
    }

    /// A GET answered 200.
    private static func fetch(_ url: String) -> Bool {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-sf", "-o", "/dev/null", "--max-time", "120", url]
        curl.standardError = FileHandle.nullDevice
        guard (try? curl.run()) != nil else { return false }
        curl.waitUntilExit()
        return curl.terminationStatus == 0
    }

    struct Load { var p50 = 0.0, p95 = 0.0, p99 = 0.0, rate = 0.0, failed = 0 }

    /// wrk's Lua hook: percentiles in microseconds, requests, duration, errors, on one line.
    static let script = """
        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("ODP %d %d %d %d %d %d\\n", latency:percentile(50), latency:percentile(95), latency:percentile(99),
            summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout))
        end
        """

    /// Runs `wrk` (HTTP/1.1, keep-alive) against one URL for `seconds`.
    static func load(wrk: String, script: String, url: String, seconds: Int, connections: Int) throws -> Load {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["-t", "2", "-c", String(connections), "-d", "\(seconds)s", "--timeout", "10s", "-s", script, url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ODP ") }) else {
            throw ODPError.usage("wrk failed for \(url):\n\(text)")
        }
        let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard v.count == 6, v[3] > 0 else { throw ODPError.usage("wrk answered no request for \(url):\n\(text)") }
        return Load(p50: v[0] / 1000, p95: v[1] / 1000, p99: v[2] / 1000, rate: v[3] / (v[4] / 1_000_000), failed: Int(v[5]))
    }
}

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
/// 2. `odp serve` on loopback and ApacheBench (`ab`) against the list, a deep page in another
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

    static func run(datasets n: Int, dataDir: URL, keep: Bool, requests: Int, concurrency: Int) throws {
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
        try serveAndLoad(config: config, n: n, requests: requests, concurrency: concurrency)
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--portal-catalog", config]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let result = try? JSONDecoder().decode(CatalogResult.self, from: data) else {
            throw ODPError.usage("the portal benchmark's catalog step failed (exit \(process.terminationStatus))")
        }
        return result
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
        let listed = try OpenListDocument.read(catalogDirectory: workspace.layout.root.appendingPathComponent("catalog"))?.count ?? 0
        let result = CatalogResult(seconds: watch.elapsed, cpuSeconds: cpuSeconds() - cpu, peakRSSBytes: peakResidentBytes(),
                                   listed: listed, bytes: bytes)
        FileHandle.standardOutput.write(try JSONEncoder().encode(result))
    }

    /// Starts `odp serve` (the `odp` beside this binary) on a free loopback port, times the
    /// first request (which builds the index), runs `ab` per page and stops the server.
    private static func serveAndLoad(config: String, n: Int, requests: Int, concurrency: Int) throws {
        guard let ab = ["/usr/bin/ab", "/usr/sbin/ab"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ODPError.usage("ab (ApacheBench) is not installed: apt-get install -y apache2-utils (scripts/setup.sh --test)")
        }
        let odp = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("odp")
        let port = 18_000 + Int(getpid() % 2_000)
        let server = Process()
        server.executableURL = odp
        server.arguments = ["serve", "--config", config, "--port", String(port)]
        let errors = Pipe()
        server.standardError = errors
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
        let pages: [(String, String)] = [
            ("list, page 1", "/"),
            ("list, page 500 by update time", "/?sort=updated&page=\(min(500, max(1, n / 20)))"),
            ("department page 3", "/departments/\(percent(CatalogWorkspace.departments[1]))?page=3"),
            ("search: title words", "/?q=\(percent("目录第\(n / 3 + 1)项"))"),
            ("search: field name", "/?q=district&sort=provider&page=2"),
            ("dataset page", "/datasets/\(middle)"),
        ]
        print(String(format: "\n  %@ %8@ %8@ %8@ %10@   (ab -k -n %d -c %d, ms)", Report.pad("page"), "p50", "p95", "p99", "req/s", requests, concurrency))
        for (label, path) in pages {
            let r = try load(ab: ab, url: base + path, requests: requests, concurrency: concurrency)
            print(String(format: "  %@ %8d %8d %8d %10.0f%@", Report.pad(label), r.p50, r.p95, r.p99, r.rate, r.failed > 0 ? "  \(r.failed) failed" : ""))
        }
        let rss = (try? String(contentsOfFile: "/proc/\(server.processIdentifier)/status", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) } ?? "?"
        print("\n  odp serve peak RSS: \(rss)")
    }

    static func percent(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
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

    struct Load { var p50 = 0, p95 = 0, p99 = 0, failed = 0; var rate = 0.0 }

    /// Runs `ab` and reads its percentile table ("  95%    12") and "Requests per second".
    private static func load(ab: String, url: String, requests: Int, concurrency: Int) throws -> Load {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ab)
        process.arguments = ["-q", "-k", "-n", String(requests), "-c", String(concurrency), url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var r = Load()
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let first = words.first else { continue }
            switch first {
            case "50%": r.p50 = Int(words.last ?? "") ?? 0
            case "95%": r.p95 = Int(words.last ?? "") ?? 0
            case "99%": r.p99 = Int(words.last ?? "") ?? 0
            case "Requests" where words.count > 3: r.rate = Double(words[3]) ?? 0
            case "Failed" where words.count > 2: r.failed += Int(words[2]) ?? 0
            case "Non-2xx" where words.count > 2: r.failed += Int(words[2]) ?? 0
            default: break
            }
        }
        guard process.terminationStatus == 0, r.rate > 0 else { throw ODPError.usage("ab failed for \(url):\n\(text)") }
        return r
    }
}

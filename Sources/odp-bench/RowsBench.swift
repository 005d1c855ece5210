import Foundation
import ODPCore
import ODPPortal
import ODPRelease

/// `odp-bench --rows N` (issue 20): one version of N rows written by `ReleaseWriter` with
/// `formats: [csv, sqlite]` (time and size of the SQLite file printed), then the portal in
/// this process (rate limit lifted) under `wrk` with `--connections` (200) keep-alive
/// connections asking filtered pages of the rows API, each request another filter:
/// p50/p95/p99, requests/s, rows/s and errors (non-2xx or socket) per scenario.
enum RowsBench {
    static let districts = ["东城区", "西城区", "朝阳区", "海淀区", "丰台区", "石景山区", "门头沟区", "房山区",
                            "通州区", "顺义区", "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区"]

    /// Issue 20 §1: filtered pages in p95 ≤ 50 ms with 200 concurrent clients at 10M rows.
    static let targetP95 = 50.0

    static func run(rows n: Int, dataDir: URL, seconds: Int, connections: Int) throws {
        let out = dataDir.appendingPathComponent("rows-\(n)")
        try? FileManager.default.removeItem(at: out)
        defer { try? FileManager.default.removeItem(at: out) }
        say("ODP rows API benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores, \(n) rows\n")
        let watch = Stopwatch()
        let (version, bytes) = try writeRelease(rows: n, root: out)
        say(String(format: "  release with the SQLite file (csv + sqlite)  %.1f s  sqlite %.1f MB", watch.elapsed, Double(bytes) / 1_048_576))
        let server = try PortalServer(root: out, host: "127.0.0.1", port: 0, token: nil,
                                      apiLimits: RowsAPILimits(perSecond: 1e9, burst: 1_000_000_000)) { _, _, _, _, _ in }
        let port = PortBox()
        // Never cancelled: cancelling a Hummingbird server with open keep-alive connections traps
        // in NIO (a writer deinited unfinished); the process ends with the benchmark instead.
        Task { try await server.run(onServerRunning: { port.set($0) }) }
        let origin = "http://127.0.0.1:\(port.wait())"
        let base = origin + "/api/datasets/bench-rows/rows"
        // The floors: the portal's smallest answer (a static file, no store or SQLite) and the
        // rows route's cheapest query, under the same load; what is left above them is the query.
        let scenarios: [(String, String, String)] = [
            ("floor: static file (HTTP only)", origin + "/static/preview.js", "''"),
            ("floor: one row by id", base, "'?id=' .. math.random(1, \(n)) .. '&fields=id'"),
            ("district = X and category = Y", base, "'?district=' .. d .. '&category=' .. math.random(0, 49) .. '&limit=100'"),
            ("day range, newest first", base, "'?day__gte=2026-' .. string.format('%02d', math.random(1, 11)) .. '-01&sort=-day&fields=id,day,amount&limit=100'"),
            ("id__in (50 keys)", base, "'?id__in=' .. keys(50) .. '&limit=100'"),
        ]
        say("\n  \(Report.pad("scenario")) \(["p50", "p95", "p99"].map { $0.padding(toLength: 8, withPad: " ", startingAt: 0) }.joined(separator: " "))"
              + "   req/s    rows/s   (wrk, \(connections) connections, \(seconds) s each, ms)")
        for (label, url, query) in scenarios {
            let script = FileManager.default.temporaryDirectory.appendingPathComponent("odp-rows-bench-\(getpid()).lua")
            try Data((requestScript(query: query, rows: n) + PortalBench.script).utf8).write(to: script)
            defer { try? FileManager.default.removeItem(at: script) }
            let floor = label.hasPrefix("floor")
            let perPage = url == base ? try averageRows(base, query: query, rows: n) : 0
            let r = try PortalBench.load(wrk: "/usr/bin/wrk", script: script.path, url: url, seconds: seconds, connections: connections)
            let met = r.p95 <= targetP95 && r.failed == 0
            say(String(format: "  %@ %8.1f %8.1f %8.1f %7.0f %9.0f%@%@", Report.pad(label), r.p50, r.p95, r.p99, r.rate, r.rate * perPage,
                         r.failed > 0 ? "  \(r.failed) errors" : "  no errors", floor ? "" : met ? "  target met" : "  target NOT met"))
        }
        say("\n  version \(version); rows/s = requests/s × the mean rows of 20 sampled pages of the scenario")
        say(String(format: "  target (issue 20 §1, at 10M rows and 200 connections): p95 ≤ %.0f ms and no errors", targetP95))
    }

    /// A Lua `request` hook making each request's filter at random (`d`: a district, `keys(k)`: k random ids).
    static func requestScript(query: String, rows: Int) -> String {
        let list = districts.map { "'\(PortalBench.percent($0))'" }.joined(separator: ",")
        return """
            local districts = {\(list)}
            local function keys(k) local t = {} for i = 1, k do t[i] = math.random(1, \(rows)) end return table.concat(t, ',') end
            request = function()
              local d = districts[math.random(#districts)]
              return wrk.format('GET', wrk.path .. \(query))
            end

            """
    }

    /// The mean row count of 20 pages of the scenario, asked with curl with filter values
    /// of the same kind as the Lua script draws.
    static func averageRows(_ base: String, query: String, rows: Int) throws -> Double {
        var total = 0.0
        for i in 0..<20 {
            let d = PortalBench.percent(districts[i % districts.count])
            let path: String
            if query.contains("district") {
                path = "?district=\(d)&category=\(i % 50)&limit=100"
            } else if query.contains("day__gte") {
                path = String(format: "?day__gte=2026-%02d-01&sort=-day&fields=id,day,amount&limit=100", 1 + i % 11)
            } else if query.contains("'?id='") {
                path = "?id=\(Int.random(in: 1...rows))&fields=id"
            } else {
                path = "?id__in=" + (0..<50).map { _ in String(Int.random(in: 1...rows)) }.joined(separator: ",") + "&limit=100"
            }
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = ["-sf", base + path]
            let pipe = Pipe()
            curl.standardOutput = pipe
            try curl.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            curl.waitUntilExit()
            if case .int(let count)? = try JSONDecoder().decode(ArtifactJSON.self, from: data)["count"] { total += Double(count) }
        }
        return total / 20
    }

    static func writeRelease(rows n: Int, root: URL) throws -> (String, Int) {
        func field(_ name: String, _ title: String, _ type: FieldType, filterable: Bool = false) -> FieldDefinition {
            var f = FieldDefinition(name: name, title: title, type: type)
            f.filterable = filterable
            return f
        }
        let schema = Schema([field("id", "编号", .integer), field("district", "区县", .string, filterable: true), field("category", "类别", .integer, filterable: true),
                             field("amount", "金额", .number), field("day", "日期", .date, filterable: true), field("name", "名称", .string)])
        let catalog = CatalogMetadata(title: "行级接口基准", code: "BENCH-ROWS", provider: "基准", providerCode: "X", summary: "基准测试数据", domain: "测试",
                                      openType: .unconditional, updateCycle: .daily, license: "CC-BY-4.0")
        let definition = DatasetDefinition(id: "bench-rows", catalog: catalog, source: SourceSpec(kind: .csv, path: "x.csv"), schema: schema,
                                           primaryKey: ["id"], formats: [.csv, .sqlite], definitionHash: "bench")
        let writer = try ReleaseWriter(definition: definition, schema: schema, outputRoot: root, runTime: Date())
        var state: UInt64 = 42
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        var i = 0
        while i < n {
            var batch = RowBatch(columnCount: 6)
            for _ in 0..<min(50_000, n - i) {
                i += 1
                let r = next()
                batch.appendCell(String(i))
                batch.appendCell(districts[Int(r % 16)])
                batch.appendCell(String((r >> 4) % 50))
                batch.appendCell("\((r >> 10) % 100_000).\((r >> 30) % 100)")
                batch.appendCell(String(format: "2026-%02d-%02d", 1 + Int((r >> 12) % 12), 1 + Int((r >> 16) % 28)))
                batch.appendCell("名称\(r % 100_000)")
                batch.endRow(sourceRow: i)
            }
            try writer.write(batch)
        }
        let outcome = try writer.finish(reports: [], status: .released, gate: nil)
        let sqlite = outcome.files.first { $0.path.hasSuffix(".sqlite") }?.bytes ?? 0
        let entry = OpenListDocument.Entry(index: 1, datasetId: "bench-rows", title: catalog.title, code: catalog.code, provider: catalog.provider,
                                           providerCode: "", summary: "", domain: catalog.domain, openType: OpenType.unconditional.rawValue,
                                           openCondition: nil, updateCycle: "每日", formats: ["CSV", "SQLITE"], firstPublished: "", lastUpdated: "",
                                           rowCount: n, fields: [], keywords: [], license: "CC-BY-4.0", version: outcome.version, downloadURL: "",
                                           distributions: [], signature: nil)
        let catalogDir = root.appendingPathComponent("catalog")
        try FileManager.default.createDirectory(at: catalogDir, withIntermediateDirectories: true)
        try ArtifactCodec.encode(OpenListDocument(generatedAt: "2026-12-07T00:00:00Z", publisher: "基准", datasets: [entry]))
            .write(to: catalogDir.appendingPathComponent("open-list.json"))
        return (outcome.version, sqlite)
    }

    /// Unbuffered, so the figures are out before the process ends with the server running.
    static func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    /// The port the in-process server bound, handed from its start-up callback.
    final class PortBox: @unchecked Sendable {
        private let ready = DispatchSemaphore(value: 0)
        private var port = 0
        func set(_ p: Int) { port = p; ready.signal() }
        func wait() -> Int { ready.wait(); return port }
    }
}

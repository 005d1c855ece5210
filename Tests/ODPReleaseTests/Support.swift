import Foundation
import ODPCore
@testable import ODPRelease

/// Builders shared by the release tests.
enum Fixture {
    static func temporaryDirectory(_ name: String = #function) -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("odp-release-\(safe)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let catalog = CatalogMetadata(
        title: "企业登记信息", code: "11440300MB2C12345X/2024-001", provider: "市市场监督管理局", providerCode: "11440300MB2C12345X",
        summary: "本市登记注册企业的基本信息。", domain: "市场监管", openType: .unconditional, updateCycle: .monthly,
        keywords: ["企业", "登记"], license: "CC-BY-4.0", contactName: "数据管理科", contactEmail: "data@example.gov.cn",
        contactPhone: "0755-12345678", temporalStart: "2020-01-01", temporalEnd: "2024-12-31")

    static let schema = Schema([
        FieldDefinition(name: "id", title: "编号", type: .integer),
        FieldDefinition(name: "name", title: "名称", type: .string, description: "企业名称"),
        FieldDefinition(name: "capital", title: "注册资本", type: .number, scale: 2, unit: "万元"),
        FieldDefinition(name: "founded", title: "成立日期", type: .date, format: "YYYYMMDD"),
        FieldDefinition(name: "active", title: "是否存续", type: .boolean),
    ])

    static func definition(id: String = "enterprises", schema: Schema = schema, primaryKey: [String] = ["id"], bom: Bool = false,
                           formats: [DatasetDefinition.DataFormat] = DatasetDefinition.DataFormat.defaults) -> DatasetDefinition {
        DatasetDefinition(id: id, catalog: catalog, source: SourceSpec(kind: .csv, path: "x.csv"), schema: schema,
                          primaryKey: primaryKey, csvBOM: bom, formats: formats, definitionHash: "abc")
    }

    /// A batch from rows of optional strings.
    static func batch(_ rows: [[String?]]) -> RowBatch {
        var b = RowBatch(columnCount: rows.first?.count ?? 0)
        for (i, row) in rows.enumerated() {
            for cell in row { if let cell { b.appendCell(cell) } else { b.appendNull() } }
            b.endRow(sourceRow: i + 2)
        }
        return b
    }

    static let rows: [[String?]] = [
        ["1", "甲公司", "100", "20200115", "是"],
        ["2", "=HYPERLINK(\"x\")", "2.5", "20210301", "否"],
        ["3", "乙, \"丙\" 公司", "-0.004", "20220630", "1"],
        ["4", nil, nil, nil, nil],
    ]

    static let runTime = Date(timeIntervalSince1970: 1_763_900_000)  // 2025-11-23

    static func release(root: URL, rows: [[String?]] = rows, definition: DatasetDefinition = definition(), time: Date = runTime,
                        status: ReleaseStatus = .released, key: [UInt8]? = nil, codeTables: [String: CodeTable] = [:]) throws -> ReleaseOutcome {
        let writer = try ReleaseWriter(definition: definition, schema: definition.schema, outputRoot: root, runTime: time, signingKey: key,
                                       codeTables: codeTables)
        try writer.write(batch(rows))
        let report = StageReport(files: ["quality-report.json": Data("{\"score\":98}\n".utf8), "quality-report.html": Data("<p>质量</p>\n".utf8),
                                          "privacy-report.json": Data("{}\n".utf8)],
                                 readmeSection: "质量评分 98 分。", fieldNotes: ["name": "保留"])
        return try writer.finish(reports: [report], status: status, gate: nil)
    }

    static func read(_ url: URL) -> String { String(decoding: FileManager.default.contents(atPath: url.path) ?? Data(), as: UTF8.self) }

    /// Runs a tool; nil when it is not installed.
    @discardableResult
    static func run(_ tool: String, _ args: [String], in directory: URL? = nil) throws -> (status: Int32, output: String)? {
        guard let path = which(tool) else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        if let directory { p.currentDirectoryURL = directory }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func which(_ tool: String) -> String? {
        if tool.hasPrefix("/") { return access(tool, X_OK) == 0 ? tool : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/root/.pyenv/shims"]
        for dir in dirs {
            let candidate = dir + "/" + tool
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs blocking work (child processes, gigabytes of I/O) on a Dispatch thread, so it does
    /// not hold one of the cooperative pool's threads (2 cores = 2 pool threads) for long.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    static var servicesRequired: Bool { ProcessInfo.processInfo.environment["ODP_REQUIRE_SERVICES"] == "1" }
}

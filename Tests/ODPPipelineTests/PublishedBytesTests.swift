import Foundation
import ODPCore
import ODPPipeline
import Testing

/// Identifiers planted in every field class and in every place that can carry text must not
/// reach any published byte: the release folders, the zips (entry by entry), the dir target's
/// copy and the catalog. The scan here is independent of ODP's detectors: it looks for the
/// planted values themselves and for anything shaped like a mobile or ID number.
@Suite("Published bytes")
struct PublishedBytesTests {
    static let mobile = "13912345678"
    static let rejectedMobile = "13800138000"
    static let ownerName = "付强"
    static let idNumber: String = {
        let first17 = "11010519900307123"
        return first17 + String(Checksums.gb11643CheckCharacter(first17)!)
    }()

    /// A workspace of its own (never the user's `pipelines/`), with the dir target.
    struct Workspace {
        let root: URL
        var config: String { root.appendingPathComponent("pipelines/odp.yml").path }
        var output: URL { root.appendingPathComponent("output") }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("odp-leak-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("pipelines/data"), withIntermediateDirectories: true)
            try """
            output: ../output
            publisher: 测试市大数据局
            datasets: [leak-*.yml]
            targets:
              - {name: local, type: dir, path: ../output/published}
            """.write(to: URL(fileURLWithPath: config), atomically: true, encoding: .utf8)
        }

        func dataset(_ id: String, summary: String = "测试用的个体工商户名录。", csv: String, formats: String = "[csv, json]") throws {
            try """
            id: \(id)
            catalog:
              title: 个体工商户名录
              code: TEST-\(id)
              provider: 测试市市场监督管理局
              provider_code: 11350100003591104D
              summary: "\(summary)"
              domain: 市场监管
              open_type: 无条件开放
              update_cycle: 每月
              license: CC-BY-4.0
              contact: {name: 数据科, phone: 0591-87654321}
            source: {type: csv, path: data/\(id).csv, on_error: reject}
            primary_key: [reg_no]
            gate: {max_reject_share: 0.5}
            release: {formats: \(formats)}
            fields:
              - {name: reg_no, title: 注册号, type: string, class: public, rules: [{type: pattern, pattern: '[0-9]{6}'}]}
              - {name: shop, title: 名称, type: string, class: public}
              - {name: status, title: 状态, type: string, class: public}
              - {name: note, title: 备注, type: string, class: public, desensitize: {op: redact}}
              - {name: owner, title: 经营者姓名, type: string, class: direct, desensitize: {op: mask, keep_first: 1, keep_last: 0}}
              - {name: district, title: 所属区县, type: string, class: quasi}
              - {name: capital, title: 资金数额, type: number, scale: 2, class: public}
            """.write(to: root.appendingPathComponent("pipelines/\(id).yml"), atomically: true, encoding: .utf8)
            try csv.write(to: root.appendingPathComponent("pipelines/data/\(id).csv"), atomically: true, encoding: .utf8)
        }

        func run() throws -> PipelineRunner.Summary {
            let workspace = try ODPPipeline.Workspace.load(configPath: config)
            return try PipelineRunner(workspace: workspace, options: RunOptions(),
                                      log: RunLog(logFile: nil, interactive: false, quiet: true)).run()
        }

        /// Every file under the folders that are published or served, with each zip unpacked
        /// entry by entry (by the system's `unzip`, not by ODP's reader).
        func publishedFiles() throws -> [(String, Data)] {
            var out: [(String, Data)] = []
            for folder in ["releases", "packages", "published", "catalog"] {
                let dir = output.appendingPathComponent(folder)
                guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
                for case let url as URL in e where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                    if url.pathExtension == "zip" {
                        let unpacked = root.appendingPathComponent("unzipped-\(UUID().uuidString.prefix(6))")
                        let unzip = Process()
                        unzip.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
                        unzip.arguments = ["-q", url.path, "-d", unpacked.path]
                        try unzip.run()
                        unzip.waitUntilExit()
                        #expect(unzip.terminationStatus == 0, "unzip \(url.path)")
                        for case let entry as URL in FileManager.default.enumerator(at: unpacked, includingPropertiesForKeys: nil)! {
                            if let data = FileManager.default.contents(atPath: entry.path) { out.append((url.lastPathComponent + ":" + entry.lastPathComponent, data)) }
                        }
                    } else if url.pathExtension == "parquet" {
                        // Compressed pages hide text from a byte scan: scan the values pyarrow reads.
                        out.append((url.path, try Self.parquetValues(url)))
                    } else {
                        out.append((url.path, try Data(contentsOf: url)))
                    }
                }
            }
            return out
        }

        /// Every value and the footer's statistics of a Parquet file as text, read by pyarrow from
        /// the test venv (`scripts/setup.sh --test`); a file that cannot be read fails the test.
        static func parquetValues(_ url: URL) throws -> Data {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let python = (ProcessInfo.processInfo.environment["ODP_TEST_VENV"] ?? root.appendingPathComponent(".venv-test").path) + "/bin/python"
            guard access(python, X_OK) == 0 else {
                Issue.record("the test venv with pyarrow is missing (scripts/setup.sh --test): \(url.lastPathComponent) cannot be scanned")
                return Data()
            }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = ["-c", """
                import sys, pyarrow.parquet as pq
                f = pq.ParquetFile(sys.argv[1])
                print(f.read().to_pylist())
                m = f.metadata
                for g in range(m.num_row_groups):
                    for c in range(m.num_columns):
                        print(m.row_group(g).column(c).statistics)
                """, url.path]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0 && !data.isEmpty, "pyarrow cannot read \(url.path)")
            return data
        }

        func remove() { if ProcessInfo.processInfo.environment["ODP_KEEP"] == nil { try? FileManager.default.removeItem(at: root) } }
    }

    static func csv(rows: Int, changed: Bool = false) -> String {
        var text = "reg_no,shop,status,note,owner,district,capital\n"
        for i in 0..<rows {
            let status = i % 3 == 0 ? "存续" : "注销"
            // The shop name repeats the operator's name (宁阳县付强理发店); that is item 2's concern, not
            // this test's: here the planted values are the note, the owner and the rejected rows.
            text += "\(100000 + i),宁阳县第\(i % 4)理发店,\(status),如有疑问请联系王老师\(mobile),\(ownerName),宁阳县,\(changed && i == 1 ? 999 : 1000 + i % 7)\n"
        }
        // Rejected rows (the registration number fails its pattern): their values are source
        // values of rows that are not released, so no report may show them.
        text += "\(idNumber),\(rejectedMobile)理发店,存续,无,\(ownerName),宁阳县,10\n"
        text += "ID\(rejectedMobile),张三理发店,存续,无,张三,宁阳县,10\n"
        return text
    }

    func assertNothingLeaks(_ ws: Workspace) throws {
        // Whole tokens only: SHA256SUMS and release.json carry SHA-256 digests in hex (as
        // `sha256sum -c` needs them), whose digit runs are not numbers of anything.
        let mobileShape = try NSRegularExpression(pattern: "(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")
        let idShape = try NSRegularExpression(pattern: "(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
        let files = try ws.publishedFiles()
        #expect(files.count > 10, "the run published files: \(files.map(\.0))")
        for (name, data) in files {
            let text = String(decoding: data, as: UTF8.self)
            for planted in [Self.mobile, Self.rejectedMobile, Self.idNumber, Self.ownerName, "张三"] {
                #expect(!text.contains(planted), "\(planted) reached \(name)")
            }
            let range = NSRange(text.startIndex..., in: text)
            #expect(mobileShape.firstMatch(in: text, range: range) == nil, "a mobile-shaped number in \(name)")
            #expect(idShape.firstMatch(in: text, range: range) == nil, "an ID-shaped number in \(name)")
        }
    }

    @Test("a redacted note, a masked name and rejected rows leave no trace in reports, zips, the target or the catalog")
    func plantedValuesStayOut() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        try ws.dataset("leak-probe", csv: Self.csv(rows: 30))
        let first = try ws.run()
        #expect(first.outcomes.first?.status == .published, "\(first.outcomes)")
        try assertNothingLeaks(ws)
        // The profile still describes the released values: the redacted note is one category.
        let report = try String(contentsOf: ws.output.appendingPathComponent("releases/leak-probe/\(first.outcomes[0].version!)/quality-report.json"),
                                encoding: .utf8)
        #expect(report.contains("\"basis\" : \"released\""))
        #expect(report.contains("存续"), "public, unchanged categories keep their text")
        #expect(report.contains("\"row_count\" : 30"), "the profile counts released rows, not the 32 read")

        // A second version: the change log and the comparison with the previous profile.
        try Self.csv(rows: 31, changed: true).write(to: ws.root.appendingPathComponent("pipelines/data/leak-probe.csv"), atomically: true, encoding: .utf8)
        let second = try ws.run()
        #expect(second.outcomes.first?.status == .published, "\(second.outcomes)")
        #expect(second.outcomes.first?.version != first.outcomes.first?.version)
        try assertNothingLeaks(ws)
    }

    @Test("with a Parquet copy, no planted value reaches the Parquet file's values or statistics either")
    func parquetCopy() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        try ws.dataset("leak-parquet", csv: Self.csv(rows: 30), formats: "[csv, parquet]")
        let summary = try ws.run()
        #expect(summary.outcomes.first?.status == .published, "\(summary.outcomes)")
        let files = try ws.publishedFiles()
        #expect(files.contains { $0.0.hasSuffix("releases/leak-parquet/\(summary.outcomes[0].version!)/data/leak-parquet.parquet") })
        // The scan sees the values: the masked owner and the kept status are there as released.
        let values = String(decoding: files.first { $0.0.hasSuffix(".parquet") }?.1 ?? Data(), as: UTF8.self)
        #expect(values.contains("付*") && values.contains("存续"), "\(values.prefix(300))")
        try assertNothingLeaks(ws)
    }

    @Test("an identifier in the catalog metadata holds the release and keeps the dataset out of the open list")
    func metadataIsScanned() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        try ws.dataset("leak-clean", csv: Self.csv(rows: 5))
        try ws.dataset("leak-summary", summary: "咨询请联系王老师\(Self.mobile)。", csv: Self.csv(rows: 5))
        let summary = try ws.run()
        let byID = Dictionary(uniqueKeysWithValues: summary.outcomes.map { ($0.dataset, $0) })
        #expect(byID["leak-clean"]?.status == .published)
        #expect(byID["leak-summary"]?.status == .held)
        #expect(summary.exitCode == ODPExit.held)
        let reasons = byID["leak-summary"]?.reasons ?? []
        #expect(reasons.contains { $0.contains("README.md") && $0.contains("手机号码") && $0.contains("行") }, "\(reasons)")
        #expect(reasons.contains { $0.contains("datapackage.json") && $0.contains("$.") }, "\(reasons)")
        #expect(!reasons.joined().contains(Self.mobile), "a hold reason never quotes the value")
        try assertNothingLeaks(ws)
        let list = try String(contentsOf: ws.output.appendingPathComponent("catalog/open-list.csv"), encoding: .utf8)
        #expect(list.contains("TEST-leak-clean"))
        #expect(!list.contains("TEST-leak-summary"))
    }

    @Test("a catalog entry whose metadata changed after its release is withheld from the open list")
    func catalogEntryIsScanned() throws {
        let ws = try Workspace()
        defer { ws.remove() }
        try ws.dataset("leak-later", csv: Self.csv(rows: 5))
        #expect(try ws.run().outcomes.first?.status == .published)
        // Same data, so no new release; only the definition's summary now carries a number.
        let yml = ws.root.appendingPathComponent("pipelines/leak-later.yml")
        let text = try String(contentsOf: yml, encoding: .utf8).replacingOccurrences(of: "测试用的个体工商户名录。", with: "联系王老师\(Self.mobile)")
        try text.write(to: yml, atomically: true, encoding: .utf8)
        let summary = try ws.run()
        #expect(summary.outcomes.first?.status == .held, "\(summary.outcomes)")
        #expect(summary.outcomes.first?.reasons.contains { $0.contains("open-list") || $0.contains("dcat") } == true)
        try assertNothingLeaks(ws)
    }
}

import CZlib
import Foundation
@testable import ODPDemoData
import ODPPipeline
import Testing

/// Issue 16, item 2: a hostile file fails its own dataset with a message naming the file and
/// the `source.limits` key that raises the limit, within bounded memory. Each bomb runs in the
/// built `odp` under an address-space limit (`prlimit --as`): without the limits these files
/// take gigabytes, and the run would abort before any dataset is reported.
@Suite("Hostile source files fail their dataset within bounded memory", .serialized,
       .enabled(if: OdpCommand.binary != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit"),
                "build the odp binary first (swift build); needs prlimit (util-linux)"))
struct SourceLimitsTests {
    typealias Workspace = SourceIsolationTests.TwoDatasets

    /// Address space for the child `odp`: room for the program and its threads, far below
    /// what any of these files would take unbounded.
    static let memoryLimit = 1_500_000_000

    /// `odp run` under the memory limit; asserts what holds for every hit: exit 3 (not a
    /// signal), the other dataset published, and a message naming the file and the key.
    @discardableResult
    func runBounded(_ workspace: Workspace, file: String, key: String, _ label: String) async throws -> String {
        let run = try await OdpCommand.run(["run", "--config", workspace.config], logs: workspace.root,
                                           wrapper: ["/usr/bin/prlimit", "--as=\(Self.memoryLimit)"])
        let output = run.stdout + run.stderr
        #expect(run.exited && run.status == ODPExit.failure, "\(label): status \(run.status) exited \(run.exited)\n\(output.suffix(2000))")
        #expect(workspace.latest("sound"), "\(label): the other dataset is published\n\(output.suffix(2000))")
        #expect(!workspace.latest("broken"), "\(label)")
        #expect(output.contains(file) && output.contains("source.limits.\(key)"), "\(label): \(output.suffix(2000))")
        #expect(output.contains("运行报告（run report）："), "\(label): the summary names the run report")
        return output
    }

    // MARK: Hostile files

    static let header = #"<row r="1"><c t="inlineStr"><is><t>编号</t></is></c><c t="inlineStr"><is><t>名称</t></is></c></row>"#
    static let workbook = Array(#"<workbook><sheets><sheet name="人员" r:id="rId1"/></sheets></workbook>"#.utf8)

    /// Raw deflate of `head`, then `block` `count` times, then `tail`, without deflating every
    /// copy: after a full flush the compressor starts afresh, so each copy of the block
    /// compresses to the same bytes.
    static func deflateRepeated(head: String, block: String, count: Int, tail: String) throws -> [UInt8] {
        var stream = z_stream()
        try #require(deflateInit2_(&stream, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        func compress(_ text: String, _ flush: Int32) -> [UInt8] {
            var input = Array(text.utf8)
            var out: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            input.withUnsafeMutableBufferPointer { inBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inBuf.count)
                repeat {
                    chunk.withUnsafeMutableBufferPointer { outBuf in
                        stream.next_out = outBuf.baseAddress
                        stream.avail_out = UInt32(outBuf.count)
                        _ = deflate(&stream, flush)
                    }
                    out += chunk[0..<(chunk.count - Int(stream.avail_out))]
                } while stream.avail_out == 0
            }
            return out
        }
        let first = compress(head, Z_FULL_FLUSH)
        let copy = compress(block, Z_FULL_FLUSH)
        var bytes = first
        bytes.reserveCapacity(first.count + copy.count * count + 64)
        for _ in 0..<count { bytes += copy }
        return bytes + compress(tail, Z_FINISH)
    }

    /// A workbook whose `part` inflates to `count` MB of `unit`; its headers declare 1 KB, as a
    /// hostile file would.
    static func bomb(_ workspace: Workspace, part: String, head: String, unit: String, count: Int, tail: String,
                     others: [(String, [UInt8])]) throws {
        let block = String(repeating: unit, count: (1 << 20) / unit.utf8.count)
        let data = try deflateRepeated(head: head, block: block, count: count, tail: tail)
        var entries = others.map { StoredZip.Entry(name: $0.0, data: $0.1, declaredSize: $0.1.count, crc: 0) }
        entries.append(StoredZip.Entry(name: part, data: data, method: 8, declaredSize: 1024, crc: 0))
        try StoredZip.write(entries: entries, to: workspace.root.appendingPathComponent("broken.xlsx"))
    }

    static func sheetBomb(_ workspace: Workspace, megabytes: Int) throws {
        try bomb(workspace, part: "xl/worksheets/sheet1.xml", head: "<worksheet><sheetData>" + header,
                 unit: #"<row><c t="inlineStr"><is><t>R</t></is></c><c t="inlineStr"><is><t>x</t></is></c></row>"#,
                 count: megabytes, tail: "</sheetData></worksheet>", others: [("xl/workbook.xml", workbook)])
    }

    static func sheet(_ rows: String) -> [UInt8] { Array("<worksheet><sheetData>\(header)\(rows)</sheetData></worksheet>".utf8) }

    // MARK: Tests

    @Test("a small XLSX that inflates to 2 GB fails on its compression ratio, and on its size when the ratio is raised")
    func inflationBomb() async throws {
        let workspace = try Workspace(source: "{type: xlsx, path: broken.xlsx}")
        defer { workspace.remove() }
        try Self.sheetBomb(workspace, megabytes: 2000)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: workspace.path("broken.xlsx"))[.size] as? Int)
        #expect(size < 8 << 20, "a small file: \(size) bytes")
        let output = try await runBounded(workspace, file: "broken.xlsx", key: "max_compression_ratio", "ratio")
        #expect(output.contains("xl/worksheets/sheet1.xml"), "names the part")

        let raised = try Workspace(source: "{type: xlsx, path: broken.xlsx, limits: {max_compression_ratio: 100000, max_uncompressed_mb: 64}}")
        defer { raised.remove() }
        try Self.sheetBomb(raised, megabytes: 2000)
        try await runBounded(raised, file: "broken.xlsx", key: "max_uncompressed_mb", "size")
    }

    @Test("a huge shared-strings table fails on its compression ratio, and on max_shared_strings_mb when the ratio is raised")
    func sharedStringsBomb() async throws {
        for (limits, key) in [("", "max_compression_ratio"), (", limits: {max_compression_ratio: 100000, max_shared_strings_mb: 32}", "max_shared_strings_mb")] {
            let workspace = try Workspace(source: "{type: xlsx, path: broken.xlsx\(limits)}")
            defer { workspace.remove() }
            try Self.bomb(workspace, part: "xl/sharedStrings.xml", head: "<sst>", unit: "<si><t>0123456789abcdef</t></si>", count: 2000,
                          tail: "</sst>", others: [("xl/workbook.xml", Self.workbook), ("xl/worksheets/sheet1.xml", Self.sheet(""))])
            let output = try await runBounded(workspace, file: "broken.xlsx", key: key, key)
            if key == "max_shared_strings_mb" { #expect(output.contains("共享字符串"), "\(output.suffix(1000))") }
        }
    }

    @Test("more cell styles than max_styles fail the dataset; raising the limit reads the workbook")
    func styles() async throws {
        let styles = Array(("<styleSheet><cellXfs>" + String(repeating: #"<xf numFmtId="0"/>"#, count: 150_000) + "</cellXfs></styleSheet>").utf8)
        let entries = [("xl/workbook.xml", Self.workbook), ("xl/styles.xml", styles),
                       ("xl/worksheets/sheet1.xml", Self.sheet(#"<row><c t="inlineStr"><is><t>R1</t></is></c><c t="inlineStr"><is><t>甲</t></is></c></row>"#))]
        let workspace = try Workspace(source: "{type: xlsx, path: broken.xlsx}")
        defer { workspace.remove() }
        try StoredZip.write(entries, to: workspace.root.appendingPathComponent("broken.xlsx"))
        try await runBounded(workspace, file: "broken.xlsx", key: "max_styles", "styles")

        let raised = try Workspace(source: "{type: xlsx, path: broken.xlsx, limits: {max_styles: 200000}}")
        defer { raised.remove() }
        try StoredZip.write(entries, to: raised.root.appendingPathComponent("broken.xlsx"))
        let summary = try raised.run()
        #expect(summary.outcomes.first { $0.dataset == "broken" }?.status == .published, "\(summary.outcomes.map { "\($0.dataset) \($0.error ?? "")" })")
    }

    @Test("JSON nested 100,000 deep fails on max_json_depth")
    func deepJSON() async throws {
        let workspace = try Workspace(source: "{type: json, path: broken.json}")
        defer { workspace.remove() }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        try workspace.write("broken.json", #"[{"编号": "R1", "名称": "# + deep + "}]")
        let output = try await runBounded(workspace, file: "broken.json", key: "max_json_depth", "depth")
        #expect(output.contains("64"), "names the limit")
    }

    @Test("a 12 MB cell in CSV, XLSX or JSON fails on max_cell_mb; a raised limit reads it", arguments: ["csv", "xlsx", "json"])
    func hugeCell(_ type: String) async throws {
        let big = String(repeating: "长", count: 4 << 20)  // 12 MB of UTF-8
        func write(_ workspace: Workspace) throws {
            switch type {
            case "csv": try workspace.write("broken.csv", "编号,名称\nR1,\(big)\nR2,乙\n")
            case "json": try workspace.write("broken.json", #"[{"编号": "R1", "名称": ""# + big + #""}]"#)
            default:
                try StoredZip.write([("xl/workbook.xml", Self.workbook),
                                     ("xl/worksheets/sheet1.xml", Self.sheet(#"<row><c t="inlineStr"><is><t>R1</t></is></c><c t="inlineStr"><is><t>"# + big + "</t></is></c></row>"))],
                                    to: workspace.root.appendingPathComponent("broken.xlsx"))
            }
        }
        let workspace = try Workspace(source: "{type: \(type), path: broken.\(type)}")
        defer { workspace.remove() }
        try write(workspace)
        try await runBounded(workspace, file: "broken.\(type)", key: "max_cell_mb", type)

        let raised = try Workspace(source: "{type: \(type), path: broken.\(type), limits: {max_cell_mb: 16}}")
        defer { raised.remove() }
        try write(raised)
        let summary = try raised.run()
        let broken = summary.outcomes.first { $0.dataset == "broken" }
        #expect(broken?.status != .failed && (broken?.rowsRead ?? 0) >= 1, "\(type): \(broken?.error ?? "")")
    }

    @Test("source.limits is checked by odp validate: an unknown key or a value out of range is a definition error")
    func validation() throws {
        let workspace = try Workspace(source: "{type: csv, path: sound.csv, limits: {max_cell_mb: 0, max_cells_mb: 2}}")
        defer { workspace.remove() }
        let errors = try workspace.load().errors.map(\.description)
        #expect(errors.contains { $0.contains("max_cell_mb") && $0.contains("broken.yml:") }, "\(errors)")
        #expect(errors.contains { $0.contains("未知的键（unknown key）`max_cells_mb`") }, "\(errors)")
    }
}

import Foundation
import ODPCore
import ODPDemoData
import ODPPipeline
import Testing

/// The done-when: on the benchmark table every planted defect is found by the rule
/// meant to find it — and by no other, with no other row flagged.
@Suite("Planted defects on the benchmark table")
struct PlantedDefectTests {
    static let rows = 20_000

    @Test("each planted defect is flagged by exactly its rule, in its field; clean rows are not flagged")
    func benchmarkTable() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("odp-planted-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = try DemoGenerator.benchmarkTable(rows: Self.rows, in: dir.appendingPathComponent("data"))
        let work = dir.appendingPathComponent("run")
        let config = try BenchmarkPipeline.write(table: table, codes: DemoFixture.repository.appendingPathComponent("pipelines/codes"), into: work)
        let workspace = try Workspace.load(configPath: config)
        #expect(workspace.errors.isEmpty, "\(workspace.errors.map(\.description).joined(separator: "\n"))")
        let summary = try PipelineRunner(workspace: workspace, options: RunOptions(), log: RunLog(logFile: nil, interactive: false, quiet: true)).run()
        let outcome = try #require(summary.outcomes.first)
        #expect(outcome.status == .published)

        // The check stage's defects, by row index: "field rule".
        var expected: [Int: Set<String>] = [:]
        for i in 0..<Self.rows {
            let found = MarketRegistrations.defects(i).filter { $0.rule != "redact" }.map { "\($0.column) \($0.rule)" }
            if !found.isEmpty { expected[i] = Set(found) }
        }
        #expect(Set(expected.values.flatMap { $0.map { $0.split(separator: " ")[1] } }).count == 7, "every kind of planted check defect occurs")
        let feedback = try String(contentsOf: work.appendingPathComponent("out/state/feedback/\(BenchmarkPipeline.datasetID).csv"), encoding: .utf8)
        var flagged: [Int: Set<String>] = [:]
        for line in feedback.split(separator: "\r\n").dropFirst() {
            // 数据集,源数据行号,字段,规则,…: the first four cells never hold a comma.
            let cells = line.split(separator: ",", maxSplits: 4, omittingEmptySubsequences: false)
            let sourceRow = try #require(Int(cells[1]))
            flagged[sourceRow - 2, default: []].insert("\(cells[2]) \(cells[3])")  // CSV line numbers: the header is line 1
        }
        let wrong = Set(expected.keys).union(flagged.keys).filter { expected[$0] != flagged[$0] }.sorted()
        #expect(wrong.isEmpty, "\(wrong.count) rows differ, e.g. \(wrong.prefix(5).map { "row \($0): planted \(expected[$0] ?? []), flagged \(flagged[$0] ?? [])" })")
        #expect(outcome.rowsRejected == expected.count)
        #expect(outcome.rowsReleased == Self.rows - expected.count)

        // The privacy stage's defect: a mobile number in 经营范围, redacted in exactly those rows.
        let release = try #require(outcome.version.map { work.appendingPathComponent("out/releases/\(BenchmarkPipeline.datasetID)/\($0)") })
        let data = try Data(contentsOf: release.appendingPathComponent("data/\(BenchmarkPipeline.datasetID).json"))
        let released = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let market = MarketRegistrations(rowCount: Self.rows)
        var indexByUSCC: [String: Int] = [:]
        for i in 0..<Self.rows { indexByUSCC[market.row(i)[0]!] = i }
        #expect(indexByUSCC.count == Self.rows, "USCCs identify rows")
        var redacted = 0, misses: [Int] = []
        for row in released {
            let i = try #require((row["uscc"] as? String).flatMap { indexByUSCC[$0] })
            let planted = MarketRegistrations.defects(i).contains { $0.rule == "redact" }
            let marked = (row["scope"] as? String)?.contains("[已脱敏]") ?? false
            if planted != marked { misses.append(i) }
            if marked { redacted += 1 }
        }
        #expect(misses.isEmpty, "scope redaction differs from the plan in rows \(misses.prefix(5))")
        #expect(redacted > Self.rows / 60)
    }
}

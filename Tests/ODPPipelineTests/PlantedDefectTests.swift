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

        let expected = Self.planted(rows: Self.rows)
        #expect(Set(expected.values.flatMap { $0.map { $0.split(separator: " ")[1] } }).count == 7, "every kind of planted check defect occurs")
        // CSV line numbers: the header is line 1.
        let flagged = try Self.flagged(work.appendingPathComponent("out/state/feedback/\(BenchmarkPipeline.datasetID).csv"), firstSourceRow: 2)
        let wrong = Self.differences(expected, flagged)
        #expect(wrong.isEmpty, "\(wrong.count) rows differ, e.g. \(wrong.prefix(5))")
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
        // The feedback list names the field and kind of each redaction (issue 22), never the value.
        let feedback = work.appendingPathComponent("out/state/feedback/\(BenchmarkPipeline.datasetID).csv")
        let redactions = try Self.flagged(feedback, firstSourceRow: 2, redactions: true)
        #expect(redactions.count == redacted && redactions.values.allSatisfy { $0 == ["scope redact"] })
        #expect(Set(redactions.keys) == Set((0..<Self.rows).filter { i in expected[i] == nil && MarketRegistrations.defects(i).contains { $0.rule == "redact" } }))
        let text = try String(contentsOf: feedback, encoding: .utf8)
        #expect(text.components(separatedBy: "\r\n").filter { $0.contains(",redact,") }.allSatisfy { $0.hasSuffix("，发布时已遮蔽；请在源系统中清理,") })
    }

    /// The check-stage defects planted in the first `rows` rows, by row index: "field rule".
    static func planted(rows: Int) -> [Int: Set<String>] {
        var out: [Int: Set<String>] = [:]
        for i in 0..<rows {
            let defects = MarketRegistrations.defects(i).filter { $0.rule != "redact" }.map { "\($0.column) \($0.rule)" }
            if !defects.isEmpty { out[i] = Set(defects) }
        }
        return out
    }

    /// A feedback list's findings by row index: "field rule". `firstSourceRow` is the source
    /// row number of the table's first row. The lines of identifiers `redact` removed are
    /// left out, or with `redactions` the only ones read.
    static func flagged(_ feedback: URL, firstSourceRow: Int, redactions: Bool = false) throws -> [Int: Set<String>] {
        var out: [Int: Set<String>] = [:]
        for line in try String(contentsOf: feedback, encoding: .utf8).split(separator: "\r\n").dropFirst() {
            // 数据集,源数据行号,字段,规则,…: the first four cells never hold a comma.
            let cells = line.split(separator: ",", maxSplits: 4, omittingEmptySubsequences: false)
            guard (cells[3] == "redact") == redactions else { continue }
            let sourceRow = try #require(Int(cells[1]))
            out[sourceRow - firstSourceRow, default: []].insert("\(cells[2]) \(cells[3])")
        }
        return out
    }

    /// Rows where the findings differ from the plan, described.
    static func differences(_ planted: [Int: Set<String>], _ flagged: [Int: Set<String>]) -> [String] {
        Set(planted.keys).union(flagged.keys).filter { planted[$0] != flagged[$0] }.sorted()
            .map { "row \($0): planted \(planted[$0]?.sorted() ?? []), flagged \(flagged[$0]?.sorted() ?? [])" }
    }
}

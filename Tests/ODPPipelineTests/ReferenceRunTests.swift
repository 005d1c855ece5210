import Foundation
import ODPCore
import ODPPipeline
import Testing

/// Cross-dataset `reference` rules in a real run: datasets run in reference order, keys come
/// from the other dataset's released CSV, and a reference that cannot be checked holds.
@Suite("Cross-dataset reference rules")
struct ReferenceRunTests {
    /// A workspace with `districts` (the code list) and `stops` (which references it),
    /// listed in `odp.yml` with `stops` first.
    struct Pipeline {
        let root: URL
        var config: String { root.appendingPathComponent("odp.yml").path }
        var output: URL { root.appendingPathComponent("out") }

        init(stopsRule: String = "{type: reference, dataset: districts, field: code, severity: reject}",
             districtsField: String = "{name: code, title: 区县代码, type: string, class: public, rules: [required]}",
             districtsRules: String = "[]") throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("odp-reference-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try write("odp.yml", """
            output: out
            publisher: 测试市大数据局
            datasets: [stops.yml, districts.yml]
            """)
            try write("stops.yml", Self.dataset(id: "stops", title: "公交站点", file: "stops.csv", fields: """
              - {name: stop_id, title: 站点编号, type: string, class: public, rules: [required, unique]}
              - {name: district, title: 区县代码, type: string, class: public, rules: [\(stopsRule)]}
            """))
            try write("districts.yml", Self.dataset(id: "districts", title: "区县", file: "districts.csv", fields: """
              - \(districtsField)
              - {name: name, title: 名称, type: string, class: public}
            rules: \(districtsRules)
            """))
            try write("stops.csv", "stop_id,district\nS1,350102\nS2,350103\nS3,999999\nS4,350102\n")
            try write("districts.csv", "code,name\n350102,鼓楼区\n350103,台江区\n")
        }

        static func dataset(id: String, title: String, file: String, fields: String) -> String {
            """
            id: \(id)
            catalog:
              title: \(title)
              code: "TEST-\(id)"
              provider: 测试局
              provider_code: "11100000000000000X"
              summary: 测试
              domain: 测试
              open_type: 无条件开放
              update_cycle: 每月
              license: CC-BY-4.0
            source:
              type: csv
              path: \(file)
            gate: {max_reject_share: 0.5}
            fields:
            \(fields)
            """
        }

        func write(_ name: String, _ text: String) throws {
            try text.write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }

        func run(_ datasets: [String] = []) throws -> PipelineRunner.Summary {
            let workspace = try Workspace.load(configPath: config)
            #expect(workspace.errors.isEmpty, "\(workspace.errors.map(\.description))")
            return try PipelineRunner(workspace: workspace, options: RunOptions(datasets: datasets),
                                      log: RunLog(logFile: nil, interactive: false, quiet: true)).run()
        }

        func qualityReport(_ dataset: String, _ version: String, held: Bool = false) throws -> [String: Any] {
            let dir = (held ? output.appendingPathComponent("held") : output).appendingPathComponent("releases/\(dataset)/\(version)")
            let data = try Data(contentsOf: dir.appendingPathComponent("quality-report.json"))
            return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    static func referenceLine(_ report: [String: Any]) -> [String: Any]? {
        (report["rules"] as? [[String: Any]])?.first { $0["type"] as? String == "reference" }
    }

    @Test("the referenced dataset runs first and its released keys check the other in the same run")
    func sameRun() throws {
        let p = try Pipeline()
        defer { p.remove() }
        let summary = try p.run()
        #expect(summary.outcomes.map(\.dataset) == ["districts", "stops"])
        let stops = try #require(summary.outcomes.first { $0.dataset == "stops" })
        #expect(stops.status == .published)
        #expect(stops.rowsRejected == 1, "S3's district 999999 is not a released district code")
        let version = try #require(stops.version)
        let line = try #require(Self.referenceLine(try p.qualityReport("stops", version)))
        #expect(line["rows_checked"] as? Int == 4)
        #expect(line["failed"] as? Int == 1)
        let source = (line["metric"] as? [String: Any])?["reference"] as? String
        #expect(source?.contains("数据集 districts 已发布版本") == true)
    }

    @Test("outside the run, the referenced dataset's latest release supplies the keys")
    func latestRelease() throws {
        let p = try Pipeline()
        defer { p.remove() }
        _ = try p.run(["districts"])
        try p.write("districts.csv", "code,name\n350102,鼓楼区\n")  // changed but not run: the release still has 350103
        let summary = try p.run(["stops"])
        let stops = try #require(summary.outcomes.first)
        #expect(stops.rowsRejected == 1)
    }

    @Test("a referenced dataset held in this run is read as last published")
    func heldInRunUsesLastRelease() throws {
        let p = try Pipeline(districtsRules: "[{type: row_count, min: 2}]")
        defer { p.remove() }
        _ = try p.run()
        try p.write("districts.csv", "code,name\n350102,鼓楼区\n")  // one row: held by row_count
        try p.write("stops.csv", "stop_id,district\nS1,350102\nS2,350103\nS3,999999\nS5,350102\n")
        let summary = try p.run()
        #expect(summary.outcomes.first { $0.dataset == "districts" }?.status == .held)
        let stops = try #require(summary.outcomes.first { $0.dataset == "stops" })
        #expect(stops.status == .published)
        #expect(stops.rowsRejected == 1, "350103 is still in the published districts release")
        let version = try #require(stops.version)
        let line = try #require(Self.referenceLine(try p.qualityReport("stops", version)))
        let source = (line["metric"] as? [String: Any])?["reference"] as? String
        #expect(source?.contains("本次运行暂缓发布，沿用此版本") == true, "\(source ?? "-")")
    }

    @Test("validating one file resolves references to the other datasets of odp.yml")
    func validateOneFile() throws {
        let p = try Pipeline()
        defer { p.remove() }
        let workspace = try Workspace.load(configPath: p.config, files: [p.root.appendingPathComponent("stops.yml").path])
        #expect(workspace.definitions.map(\.id) == ["stops"])
        #expect(workspace.errors.isEmpty, "\(workspace.errors.map(\.description))")
    }

    @Test("a referenced dataset that was never released holds the referencing one, naming why")
    func unavailableHolds() throws {
        let p = try Pipeline(districtsRules: "[{type: row_count, min: 100}]")
        defer { p.remove() }
        let summary = try p.run()
        #expect(summary.outcomes.first { $0.dataset == "districts" }?.status == .held)
        let stops = try #require(summary.outcomes.first { $0.dataset == "stops" })
        #expect(stops.status == .held)
        #expect(stops.reasons.contains { $0.contains("未能检查：数据集 districts 尚无已发布版本（本次运行暂缓发布）") }, "\(stops.reasons)")
        #expect(stops.rowsRejected == 0, "unchecked is not failed: no row is rejected")
        let version = try #require(stops.version)
        let line = try #require(Self.referenceLine(try p.qualityReport("stops", version, held: true)))
        #expect((line["note"] as? String)?.hasPrefix("未检查") == true)
    }

    @Test("odp validate names an unknown dataset, an unknown field and a desensitized field with file:line:column")
    func validateReferences() throws {
        for (rule, field, message) in [
            ("{type: reference, dataset: distrcts, field: code}", nil as String?, "没有 id 为 `distrcts` 的数据集"),
            ("{type: reference, dataset: districts, field: cod}", nil, "数据集 districts 没有字段 `cod`"),
            ("{type: reference, dataset: districts, field: code}",
             "{name: code, title: 区县代码, type: string, class: quasi, desensitize: {op: mask, keep_first: 2}}", "经过脱敏或不发布"),
        ] {
            let p = try field.map { try Pipeline(stopsRule: rule, districtsField: $0) } ?? Pipeline(stopsRule: rule)
            defer { p.remove() }
            let workspace = try Workspace.load(configPath: p.config)
            let hit = workspace.errors.first { $0.message.contains(message) }
            #expect(hit != nil, "\(rule): \(workspace.errors.map(\.description))")
            #expect(hit?.location.file.hasSuffix("stops.yml") == true)
            #expect(hit?.location.line == 18 && hit?.location.column != nil, "\(String(describing: hit))")
        }
    }

    @Test("a reference cycle is a definition error naming the datasets")
    func cycle() throws {
        let p = try Pipeline(districtsField: "{name: code, title: 区县代码, type: string, class: public, rules: [{type: reference, dataset: stops, field: district}]}")
        defer { p.remove() }
        let workspace = try Workspace.load(configPath: p.config)
        let cycle = workspace.errors.filter { $0.message.contains("循环") }
        #expect(cycle.count == 1)
        #expect(cycle.first?.message.contains("stops → districts → stops") == true)
        #expect(throws: ODPError.self) {
            try PipelineRunner(workspace: workspace, options: RunOptions(), log: RunLog(logFile: nil, interactive: false, quiet: true)).run()
        }
    }
}

import Foundation
import ODPCore
import ODPPipeline
import Testing

/// `odp run --shard i/N` and `odp catalog`: the shard plan is deterministic and balanced, it is
/// claimed once per job (first writer wins, across processes), a shard runs exactly its
/// datasets, and N shard processes plus the catalog step release every dataset once.
@Suite("Sharded runs (--shard, odp catalog)")
struct ShardRunTests {
    static let ids = (0..<12).map { String(format: "sh-%02d", $0) }

    /// Twelve small CSV datasets (`sh-01` references `sh-00`, so the two share a shard) and
    /// none of the demo's, so every dataset publishes.
    func fixture() throws -> DemoFixture {
        let fixture = try DemoFixture()
        let demo = fixture.root.appendingPathComponent("pipelines/demo")
        for id in DemoFixture.datasets { try FileManager.default.removeItem(at: demo.appendingPathComponent("\(id).yml")) }
        for (i, id) in Self.ids.enumerated() {
            let rule = id == "sh-01" ? ", {type: reference, dataset: sh-00, field: code, severity: reject}" : ""
            let fields = """
              - {name: code, title: 编号, type: string, class: public, rules: [required\(rule)]}
              - {name: amount, title: 金额, type: number, scale: 2, class: public}
            """
            try ReferenceRunTests.Pipeline.dataset(id: id, title: "分片测试\(i)", file: "data/\(id).csv", fields: fields)
                .write(to: demo.appendingPathComponent("\(id).yml"), atomically: true, encoding: .utf8)
            // Sizes differ, so the plan has costs to balance.
            let rows = (0..<(20 + i * 13)).map { "C\($0 % 20),\(Double($0 * 37 % 1000) / 100)" }
            try ("code,amount\n" + rows.joined(separator: "\n") + "\n").write(to: demo.appendingPathComponent("data/\(id).csv"), atomically: true, encoding: .utf8)
        }
        return fixture
    }

    @Test("LPT puts the largest first on the least loaded shard, ties by name then by shard index, whatever the input order")
    func longestProcessingTimeFirst() {
        let costs = [8.0, 7, 6, 5, 4], names = ["a", "b", "c", "d", "e"]
        // a→0; b→1; c→1 (7 < 8); d→0 (8 < 13); e→0 (13 = 13: the lower index).
        #expect(ShardPlanner.assign(costs: costs, names: names, shards: 2) == [0, 1, 1, 0, 0])
        // Reversed input: the same dataset gets the same shard.
        let reversed = ShardPlanner.assign(costs: costs.reversed(), names: names.reversed(), shards: 2)
        #expect(Array(reversed.reversed()) == [0, 1, 1, 0, 0])
        // Equal costs go by name: x before y, so x takes shard 0.
        #expect(ShardPlanner.assign(costs: [1, 1], names: ["y", "x"], shards: 2) == [1, 0])
        // Balance: 20 datasets of known costs on 4 shards stay within LPT's 4/3 bound of the ideal.
        let many = (1...20).map { Double(($0 * 7919) % 97 + 1) }
        let bins = ShardPlanner.assign(costs: many, names: many.indices.map { "d\($0)" }, shards: 4)
        var loads = [Double](repeating: 0, count: 4)
        for (i, b) in bins.enumerated() { loads[b] += many[i] }
        let ideal = max(many.reduce(0, +) / 4, many.max()!)
        #expect(loads.max()! <= ideal * 4 / 3, "\(loads)")
        #expect(loads.max()! - loads.min()! <= many.max()!, "\(loads)")
    }

    @Test("the plan is the same for any order of the definitions, keeps reference-linked datasets together and balances recorded costs")
    func planDeterministic() throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        let workspace = try fixture.workspace()
        let store = try FileStateStore(directory: workspace.layout.state)
        // Recorded durations beat row counts and file sizes.
        for (i, id) in Self.ids.enumerated() { try store.save(DatasetState(lastSeconds: Double(i + 1), lastRows: 5), dataset: id) }
        let defs = workspace.runOrder
        let a = try ShardPlanner(candidates: defs, all: workspace.definitions).plan(id: "p", shards: 3, store: store)
        let b = try ShardPlanner(candidates: defs.reversed(), all: workspace.definitions).plan(id: "p", shards: 3, store: store)
        let c = try ShardPlanner(candidates: defs.shuffled(), all: workspace.definitions.shuffled()).plan(id: "p", shards: 3, store: store)
        #expect(try ArtifactCodec.encode(a) == ArtifactCodec.encode(b) && ArtifactCodec.encode(a) == ArtifactCodec.encode(c))
        #expect(a.datasets.map(\.dataset) == Self.ids)
        #expect(a.datasets.allSatisfy { $0.basis == .seconds })
        let shardOf = Dictionary(uniqueKeysWithValues: a.datasets.map { ($0.dataset, $0.shard) })
        #expect(shardOf["sh-00"] == shardOf["sh-01"])
        // Costs 1…12 (78 s; sh-00 and sh-01 one unit of 3 s) on 3 shards, largest first:
        // 12→0 11→1 10→2 9→2 8→1 7→0 6→0 5→1 4→2, the unit (3, named sh-00)→2, sh-02 (3)→1.
        #expect(a.loads == [25, 27, 26], "\(a.loads)")
        #expect(Set(a.datasets(of: 0) + a.datasets(of: 1) + a.datasets(of: 2)).count == 12)

        // Without recorded runs: the source files' sizes, so the largest file costs most.
        let fresh = try FileStateStore(directory: fixture.root.appendingPathComponent("other-state"))
        let bySize = try ShardPlanner(candidates: defs, all: workspace.definitions).plan(id: "p", shards: 3, store: fresh)
        #expect(bySize.datasets.allSatisfy { $0.basis == .sourceBytes })
        #expect(bySize.datasets.max { $0.cost < $1.cost }?.dataset == "sh-11")
    }

    @Test("claimPlan: the first writer wins and every claimant reads its bytes (threads of separate stores)")
    func claimFirstWriterWins() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("odp-plan-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let store = try? FileStateStore(directory: dir)
            results.add(try? store?.claimPlan(id: "job-1", proposed: Data("proposal \(i)\n".utf8)))
        }
        let all = results.values
        #expect(all.count == 16)
        #expect(Set(all).count == 1, "\(Set(all).map { String(decoding: $0, as: UTF8.self) })")
        #expect(FileManager.default.contents(atPath: dir.appendingPathComponent("plans/job-1.json").path) == all.first)
        // No temporary file is left behind, and a later claim gets the same bytes.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("plans").path) == ["job-1.json"])
        #expect(try FileStateStore(directory: dir).claimPlan(id: "job-1", proposed: Data("late".utf8)) == all.first)
        #expect(throws: ODPError.self) { try FileStateStore(directory: dir).claimPlan(id: "../escape", proposed: Data()) }
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [Data] = []
        func add(_ data: Data?) { lock.lock(); if let data { list.append(data) }; lock.unlock() }
        var values: [Data] { lock.lock(); defer { lock.unlock() }; return list }
    }

    @Test("claimPlan across processes: two odp shards proposing different plans both run from the one stored")
    func claimAcrossProcesses() async throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        // Different name filters make different proposals (10 datasets or 12); whichever is
        // stored, both shards must take their datasets from it.
        let filters: [[String]] = [["--dataset", "sh-0*"], []]
        let children = try filters.enumerated().map { i, filter in
            try OdpCommand.start(["run", "--config", fixture.configPath, "--shard", "\(i)/2", "--plan", "race", "--dry-run", "--json"] + filter,
                                 logs: fixture.root)
        }
        var ran: [Set<String>] = []
        for child in children {
            let status = await child.wait()
            #expect(status == 0, "\(child.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(child.stdout.utf8)) as? [String: Any], "\(child.stdout) \(child.stderr)")
            ran.append(Set((json["datasets"] as? [[String: Any]] ?? []).compactMap { $0["dataset"] as? String }))
        }
        let plans = fixture.output.appendingPathComponent("state/plans")
        #expect(try FileManager.default.contentsOfDirectory(atPath: plans.path) == ["race.json"])
        let plan = try #require(try ArtifactCodec.read(ShardPlan.self, at: plans.appendingPathComponent("race.json")))
        #expect([10, 12].contains(plan.datasets.count))
        #expect(ran[0] == Set(plan.datasets(of: 0)).filter { $0.hasPrefix("sh-0") })
        #expect(ran[1] == Set(plan.datasets(of: 1)))
    }

    @Test("a shard runs exactly the datasets its plan gives it, and leaves the open list alone")
    func shardRunsItsDatasets() throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        let summary = try fixture.run(RunOptions(jobs: 2, shard: ShardSelection(index: 1, count: 3, planID: "job-a")))
        let plan = try #require(try ArtifactCodec.read(ShardPlan.self, at: fixture.output.appendingPathComponent("state/plans/job-a.json")))
        #expect(plan.shards == 3 && plan.datasets.count == 12)
        #expect(Set(summary.outcomes.map(\.dataset)) == Set(plan.datasets(of: 1)))
        #expect(!plan.datasets(of: 1).isEmpty && summary.outcomes.allSatisfy { $0.status == .published }, "\(summary.outcomes.map { ($0.dataset, $0.status, $0.error) })")
        #expect(summary.exitCode == 0)
        let released = Set((try? FileManager.default.contentsOfDirectory(atPath: fixture.output.appendingPathComponent("releases").path)) ?? [])
        #expect(released == Set(plan.datasets(of: 1)))
        #expect(!FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("catalog/open-list.json").path))
        #expect(!FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("state/metrics/odp.prom").path))
        // Each dataset it finished carries the plan and its cost, for the catalog step and the next plan.
        let store = try FileStateStore(directory: fixture.output.appendingPathComponent("state"))
        for id in plan.datasets(of: 1) {
            let state = try #require(try store.datasetState(id))
            #expect(state.plan == "job-a" && state.lastRows != nil && state.lastSeconds != nil)
        }
    }

    @Test("shards share the run lock, one process per index; a whole run and the shards exclude each other")
    func locks() throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        let state = fixture.output.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let shard0 = RunOptions(jobs: 1, shard: ShardSelection(index: 0, count: 2))
        let whole = RunLock(url: state.appendingPathComponent("run.lock"))
        try whole.acquire()
        #expect(throws: RunLock.Conflict.self) { _ = try fixture.run(shard0) }
        whole.release()
        // Another shard of the job, and another process of index 0.
        let otherShard = RunLock(url: state.appendingPathComponent("run.lock"))
        try otherShard.acquire(shared: true)
        defer { otherShard.release() }
        let sameIndex = RunLock(url: state.appendingPathComponent("run-shard-0-of-2.lock"))
        try sameIndex.acquire()
        #expect(throws: RunLock.Conflict.self) { _ = try fixture.run(shard0) }
        sameIndex.release()
        #expect(try fixture.run(shard0).exitCode == 0)
        #expect(throws: RunLock.Conflict.self) { _ = try fixture.run() }
    }

    @Test("odp catalog --wait-for: returns at once when the plan's datasets have finished; at the timeout names the rest and exits 3")
    func catalogWait() throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        let workspace = try fixture.workspace()
        let log = RunLog(logFile: nil, interactive: false, quiet: true)
        // Shard 0 of 2 runs; shard 1 never does.
        _ = try fixture.run(RunOptions(jobs: 2, shard: ShardSelection(index: 0, count: 2, planID: "half")))
        let plan = try #require(try ArtifactCodec.read(ShardPlan.self, at: fixture.output.appendingPathComponent("state/plans/half.json")))
        let started = Date()
        let summary = try PipelineRunner(workspace: workspace, options: RunOptions(), log: log)
            .catalog(wait: ShardWait(planID: "half", shards: 2, timeout: 1, interval: 0.2))
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(summary.outcomes.map(\.dataset).sorted() == plan.datasets(of: 1).sorted())
        #expect(summary.outcomes.allSatisfy { $0.status == .failed && ($0.error ?? "").contains("ODP-E0011") })
        #expect(summary.exitCode == 3)
        // The list is built anyway, from the releases there are: shard 0's.
        let list = try #require(try ArtifactCodec.read(OpenListDocument.self, at: fixture.output.appendingPathComponent("catalog/open-list.json")))
        #expect(Set(list.datasets.map(\.datasetId)) == Set(plan.datasets(of: 0)))

        _ = try fixture.run(RunOptions(jobs: 2, shard: ShardSelection(index: 1, count: 2, planID: "half")))
        let done = try PipelineRunner(workspace: workspace, options: RunOptions(), log: log)
            .catalog(wait: ShardWait(planID: "half", shards: 2, timeout: 60, interval: 0.2))
        #expect(done.outcomes.isEmpty && done.exitCode == 0, "\(done.outcomes.map { ($0.dataset, $0.error) })")
        // The catalog step writes the one metrics file, with the datasets of both shards.
        let metrics = try String(contentsOf: fixture.output.appendingPathComponent("state/metrics/odp.prom"), encoding: .utf8)
        let reported = Set(metrics.split(separator: "\n").filter { $0.hasPrefix("odp_rows_read{") }
            .compactMap { $0.firstMatch(of: /dataset="([^"]+)"/).map { String($0.1) } })
        #expect(reported == Set(plan.datasets.map(\.dataset)), "\(metrics)")
        #expect(metrics.contains("odp_last_run_failed{dataset=\"\(plan.datasets(of: 1)[0])\"} 0.0"), "\(metrics)")
    }

    @Test("--shard values that make no sense are refused with ODP-E0010")
    func badShard() throws {
        for (text, env) in [("3/3", [String: String]()), ("-1/2", [:]), ("a/2", [:]), ("1/0", [:]), ("1", [:]), ("1", ["JOB_COMPLETIONS": "x"]), ("1/2/3", [:])] {
            #expect(throws: ODPError.self, "\(text) \(env)") { try ShardSelection.parse(text, plan: nil, environment: env) }
        }
        #expect(try ShardSelection.parse("2", plan: nil, environment: ["JOB_COMPLETIONS": "4", "ODP_JOB_ID": "odp-shards-1"])
                == ShardSelection(index: 2, count: 4, planID: "odp-shards-1"))
        #expect(throws: ODPError.self) { try ShardSelection.parse("0/2", plan: "bad/id", environment: [:]) }
    }

    @Test("the odp binary refuses a bad --shard with a Chinese message, the code and exit 64")
    func badShardCommand() async throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        let out = try await OdpCommand.run(["run", "--config", fixture.configPath, "--shard", "4/4"], logs: fixture.root)
        #expect(out.status == 64, "\(out.stderr)")
        #expect(out.stderr.contains("ODP-E0010") && out.stderr.contains("分片序号"), "\(out.stderr)")
        // A shard of the same job that counts the shards differently: the stored plan refuses it (64, as ODP-E0010 says).
        let environment = ["ODP_JOB_ID": "job-mismatch"]
        let first = try await OdpCommand.run(["run", "--config", fixture.configPath, "--shard", "0/2", "--dry-run"], environment: environment, logs: fixture.root)
        #expect(first.status != 64, "\(first.stderr)")
        let other = try await OdpCommand.run(["run", "--config", fixture.configPath, "--shard", "1/3", "--dry-run"], environment: environment, logs: fixture.root)
        #expect(other.status == 64 && other.stderr.contains("ODP-E0010") && other.stderr.contains("按 2 个分片保存"), "\(other.status) \(other.stderr)")
    }

    @Test("N shard processes racing on one output, then odp catalog: every dataset released once, all listed, the audit trail intact")
    func shardsThenCatalog() async throws {
        let fixture = try fixture()
        defer { fixture.remove() }
        let config = fixture.configPath
        // The catalog step starts first and waits; the shards start together and race for the plan.
        let catalog = try OdpCommand.start(["catalog", "--config", config, "--wait-for", "job-7", "--shards", "3", "--timeout", "300", "--json"], logs: fixture.root)
        let shards = try (0..<3).map { i in
            try OdpCommand.start(["run", "--config", config, "--shard", "\(i)", "--jobs", "2", "--json"],
                                 environment: ["JOB_COMPLETIONS": "3", "ODP_JOB_ID": "job-7"], logs: fixture.root)
        }
        var ran: [String] = []
        for shard in shards {
            let status = await shard.wait()
            #expect(status == 0, "\(shard.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(shard.stdout.utf8)) as? [String: Any], "\(shard.stdout) \(shard.stderr)")
            ran += (json["datasets"] as? [[String: Any]] ?? []).compactMap { $0["dataset"] as? String }
        }
        #expect(ran.sorted() == Self.ids, "each dataset run by exactly one shard: \(ran.sorted())")
        let status = await catalog.wait()
        #expect(status == 0, "\(catalog.stdout) \(catalog.stderr)")

        let releases = fixture.output.appendingPathComponent("releases")
        for id in Self.ids {
            let versions = try FileManager.default.contentsOfDirectory(atPath: releases.appendingPathComponent(id).path).filter { !$0.hasPrefix(".") && $0 != "latest.json" }
            #expect(versions.count == 1, "\(id): \(versions)")
        }
        let audit = AuditTrail.entries(url: fixture.output.appendingPathComponent("state/audit.jsonl"))
        for id in Self.ids {
            #expect(audit.filter { $0.event == "dataset_uploaded" && $0.dataset == id }.count == 1, "\(id) uploaded once")
        }
        #expect(audit.filter { $0.event == "catalog_uploaded" }.count == 1)
        let chain = try AuditTrail.verify(url: fixture.output.appendingPathComponent("state/audit.jsonl"))
        #expect(chain.firstBrokenLine == nil, "\(chain.problem ?? "")")
        let list = try #require(try ArtifactCodec.read(OpenListDocument.self, at: fixture.output.appendingPathComponent("catalog/open-list.json")))
        #expect(list.datasets.map(\.datasetId).sorted() == Self.ids && list.count == Self.ids.count, "\(list.datasets.map(\.datasetId))")
        // A second catalog step has nothing new to upload.
        let again = try await OdpCommand.run(["catalog", "--config", config], logs: fixture.root)
        #expect(again.status == 0, "\(again.stderr)")
    }
}

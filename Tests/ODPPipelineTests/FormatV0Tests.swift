import Foundation
import ODPCore
import ODPPipeline
import ODPPublish
import Testing

/// The state files an odp before schema versions wrote (captured from a demo run of that
/// build, in Fixtures/format-v0) are read through today's types.
@Suite("Files written before schema versions still read")
struct FormatV0Tests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/format-v0")
    func fixture(_ name: String) -> URL { Self.fixtures.appendingPathComponent(name) }

    func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("odp-v0-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("datasets.json (camelCase keys) migrates, and saves back as version 1")
    func datasetStates() throws {
        let states = try DatasetStates.load(fixture("datasets.json"))
        #expect(states.states.count == 4)
        #expect(states["jtys-bus-stops"]?.lastOutcome == .unchanged)
        #expect(states["jtys-bus-stops"]?.lastVersion == "2026.12.07.1")
        #expect(states["jtys-bus-stops"]?.lastSuccess == ISO8601DateFormatter().date(from: "2026-12-07T08:20:44Z"))
        #expect(states["mzj-elderly-care"] == DatasetState(lastOutcome: .held))
        let copy = try scratch().appendingPathComponent("datasets.json")
        try states.save(to: copy)
        let text = try String(contentsOf: copy, encoding: .utf8)
        #expect(text.contains("\"last_success\"") && text.contains("\"schema_version\" : 1") && !text.contains("lastSuccess"))
        #expect(try DatasetStates.load(copy) == states)
    }

    @Test("approvals.json reads with its decisions")
    func approvals() throws {
        let approvals = try Approvals(url: fixture("approvals.json"))
        #expect(approvals.isApproved(dataset: "jtys-bus-stops", version: "2026.12.07.1"))
        #expect(approvals.decision(dataset: "jtys-bus-stops", version: "2026.12.07.1")?.note == "核对无误")
        #expect(approvals.decision(dataset: "scjg-individual-business", version: "2026.12.07.1")?.verdict == .rejected)
        #expect(!approvals.isApproved(dataset: "scjg-individual-business", version: "2026.12.07.1"))
    }

    @Test("the audit trail verifies, reads as entries, and its chain continues across versions")
    func audit() throws {
        let entries = AuditTrail.entries(url: fixture("audit.jsonl"))
        #expect(entries.count == 30)
        #expect(entries.first?.event == "run_started" && entries.first?.details?.pid != nil)
        #expect(entries.contains { $0.event == "dataset_packaged" && $0.details?.holdReasons?.isEmpty == false })
        #expect(entries.contains { $0.event == "release_approved" && $0.details?.by == "张三" })
        #expect(try AuditTrail.verify(url: fixture("audit.jsonl")).firstBrokenLine == nil)
        let copy = try scratch().appendingPathComponent("audit.jsonl")
        try FileManager.default.copyItem(at: fixture("audit.jsonl"), to: copy)
        try AuditTrail(url: copy).record("run_started", details: AuditDetails(pid: 1))
        let verified = try AuditTrail.verify(url: copy)
        #expect(verified.entries == 31 && verified.firstBrokenLine == nil)
    }

    @Test("the upload journal and receipts read: every intent has its receipt")
    func journal() throws {
        let state = try scratch()
        let publish = state.appendingPathComponent("publish")
        try FileManager.default.createDirectory(at: publish, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixture("upload-journal.jsonl"), to: publish.appendingPathComponent("intents.jsonl"))
        try FileManager.default.copyItem(at: fixture("receipts.jsonl"), to: publish.appendingPathComponent("receipts.jsonl"))
        let status = Publisher.status(store: try FileStateStore(directory: state))
        let lines = try String(contentsOf: fixture("upload-journal.jsonl"), encoding: .utf8).split(separator: "\n").count
        #expect(status.count == lines && lines > 30)
        #expect(status.allSatisfy { $0.state == .published && $0.receipt?.remote.isEmpty == false })
        #expect(ArtifactCodec.readLines(Receipt.self, at: fixture("receipts.jsonl")).count
            == (try String(contentsOf: fixture("receipts.jsonl"), encoding: .utf8)).split(separator: "\n").count)
    }

    @Test("run reports read; flat score_<dimension> metrics become dimension_scores")
    func runReports() throws {
        let report = try #require(try ArtifactCodec.read(RunReport.self, at: fixture("run-report.json")))
        #expect(report.datasets.map(\.dataset) == ["jtys-bus-stops", "mzj-elderly-care", "scjg-individual-business", "sthj-air-quality-hourly"])
        #expect(report.exitCode == 2 && report.signal == nil)
        let held = try #require(report.datasets.first { $0.status == .held })
        #expect(held.reasons?.isEmpty == false)
        let failedRun = try #require(try ArtifactCodec.read(RunReport.self, at: fixture("run-report-failed.json")))
        let failed = try #require(failedRun.datasets.first { $0.status == .failed })
        #expect(failed.dataset == "scjg-individual-business" && failed.error?.contains("market.sqlite") == true)
        let bus = try #require(failedRun.datasets.first { $0.dataset == "jtys-bus-stops" })
        #expect(bus.metrics?.score == 0.999166 && bus.metrics?.dimensionScores?["准确性"] == 0.996666)
        #expect(bus.metrics?.rowsRead == 600 && bus.metrics?.identifierHitsAfter == 0)
    }

    @Test("a dir target's manifest.json reads, and its bytes are recognised as a complete set")
    func manifest() throws {
        let bytes = try Data(contentsOf: fixture("manifest.json"))
        let manifest = try ArtifactCodec.decode(FileDropManifest.self, from: bytes, file: "manifest.json")
        #expect(manifest.dataset == "jtys-bus-stops" && manifest.files.count == 9)
        #expect(try manifest.legacyEncoding() == bytes, "an already published version 0 manifest must match byte for byte")
    }

    @Test("metrics.prom keeps every metric name and label of the old file; the new ones follow")
    func metrics() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        _ = try fixture.run()
        // HELP and TYPE lines are the schema; every sample keeps the one `dataset` label.
        func schema(_ text: String) -> [String] { text.split(separator: "\n").filter { $0.hasPrefix("#") }.map(String.init) }
        // The one site-wide figure, 更新及时率, has no label.
        func labels(_ text: String) -> Set<String> {
            Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("odp_timeliness_ratio ") }
                .map { $0.split(separator: "\"")[0].split(separator: "{").dropFirst().first?.description ?? "no label: \($0)" })
        }
        let oldText = try String(contentsOf: self.fixture("metrics.prom"), encoding: .utf8)
        let newText = try String(contentsOf: fixture.output.appendingPathComponent("state/metrics/odp.prom"), encoding: .utf8)
        #expect(labels(oldText) == ["dataset="] && labels(newText) == ["dataset="])
        let old = schema(oldText), new = schema(newText)
        // New metrics come after the old ones, which keep their names, help and order.
        #expect(Array(new.prefix(old.count)) == old && old.count == 14)
        #expect(new.dropFirst(old.count).map { $0.split(separator: " ")[2] } == ["odp_overdue", "odp_overdue", "odp_timeliness_ratio", "odp_timeliness_ratio",
                                                                            "odp_feedback_items", "odp_feedback_items", "odp_feedback_response_seconds",
                                                                            "odp_feedback_response_seconds", "odp_downloads_total", "odp_downloads_total",
                                                                            "odp_api_calls_total", "odp_api_calls_total"])
    }
}

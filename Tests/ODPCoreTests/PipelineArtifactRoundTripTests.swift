import Foundation
import ODPCore
import Testing

/// Every pipeline-side artifact written by the codec reads back as the same value, carries
/// its schema version, and a newer version is refused naming the file.
@Suite struct PipelineArtifactRoundTripTests {
    static let time = Date(timeIntervalSince1970: 1_796_631_644)

    static var metrics: DatasetMetrics {
        var m = DatasetMetrics()
        m.rowsRead = 600
        m.rejectedRows = 2
        m.score = 0.999166
        m.dimensionScores = ["准确性": 0.996666, "完整性": 1]
        m.identifierHitsBefore = 3
        m.k = 5
        m.marketerRisk = 0.25
        return m
    }

    @Test func datasetStates() throws {
        try roundTrip(DatasetStates(["a": DatasetState(watermark: "2026-01-01", lastSuccess: Self.time, lastVersion: "2026.12.07.1", lastOutcome: .published),
                                     "b": DatasetState(lastOutcome: .held)]))
    }

    @Test func approvals() throws {
        try roundTrip(ApprovalDecisions(["a": ["2026.12.07.1": ApprovalDecision(verdict: .approved, by: "张三", note: "核对无误", time: Self.time)],
                                         "b": ["2026.12.07.2": ApprovalDecision(verdict: .rejected, by: "李四", note: nil, time: Self.time)]]))
    }

    @Test func runReport() throws {
        try roundTrip(RunReport(started: "2026-12-07T08:20:44Z", seconds: 1.25, exitCode: 143, dryRun: false, datasets: [
            DatasetReport(dataset: "a", status: .published, version: "2026.12.07.1", rowsRead: 600, rowsRejected: 2, rowsUnreadable: 1,
                          problems: 2, rowsReleased: 598, seconds: 0.15, bytesPublished: 1234, metrics: Self.metrics),
            DatasetReport(dataset: "b", status: .interrupted, error: "abandoned"),
        ], catalogError: "not updated", signal: "SIGTERM"))
    }

    @Test func catalogInputs() throws {
        try roundTrip(CatalogInputs(digest: String(repeating: "c", count: 64), listed: ["a", "b"],
                                    withheld: [.init(dataset: "c", findings: [PublishedFileFinding(file: "catalog/dcat.jsonld", location: "$.x", kind: "mobile", title: "手机号")])],
                                    files: ["open-list.csv": "12:3:4.5:6.7"]))
    }

    @Test func receiptAndIntent() throws {
        try roundTrip(Receipt(target: "local", dataset: "a", version: "2026.12.07.1", file: "data/a.csv", sha256: String(repeating: "a", count: 64),
                              size: 54901, remote: "/srv/a.csv", time: "2026-12-07T08:20:29.033Z"))
        try roundTrip(UploadIntent(target: "local", dataset: "a", version: "2026.12.07.1", file: "data/a.csv",
                                   sha256: String(repeating: "b", count: 64), size: 1))
    }

    @Test func auditEntry() throws {
        try roundTrip(AuditEntry(time: "2026-12-07T08:20:29Z", event: "dataset_packaged", prev: String(repeating: "0", count: 64), dataset: "a",
                                 details: AuditDetails(version: "2026.12.07.1", rowsRead: 600, changed: true, gate: "hold", holdReasons: ["x"])))
        try roundTrip(AuditEntry(time: "2026-12-07T08:20:29Z", event: "run_interrupted", prev: String(repeating: "1", count: 64),
                                 details: AuditDetails(signal: "SIGINT", abandoned: ["a"])))
    }

    @Test func notificationAndManifest() throws {
        try roundTrip(RunNotification(report: "/out/state/runs/r.json", datasets: [
            .init(dataset: "a", status: .held, version: "2026.12.07.1", reasons: ["手机号码"], error: nil),
        ], catalogError: "x", signal: nil))
        try roundTrip(FileDropManifest(dataset: "a", version: "2026.12.07.1", files: [.init(path: "data/a.csv", sha256: "c", size: 3)]))
    }

    @Test("metrics merge: each stage fills its own part, the first stage's number wins where both have one")
    func metricsMerge() {
        var quality = DatasetMetrics()
        quality.score = 0.5
        quality.rowsRead = 10
        var privacy = DatasetMetrics()
        privacy.k = 3
        privacy.rowsRead = 99
        let merged = quality.merging(privacy)
        #expect(merged.score == 0.5 && merged.k == 3 && merged.rowsRead == 10)
        #expect(DatasetMetrics().isEmpty && !merged.isEmpty)
    }
}

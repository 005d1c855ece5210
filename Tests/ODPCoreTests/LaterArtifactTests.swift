import Foundation
import Testing
@testable import ODPCore

/// The artifacts added after the unversioned format (format-v0), which were written with
/// `schema_version` 1 from the start: each round-trips, and each file of that first version
/// (Fixtures/format-v1, written by the codec from these samples) still reads as the sample,
/// so a later change that stops reading them fails here.
@Suite struct LaterArtifactTests {
    static let withdrawal = Withdrawal(number: "mzj-elderly-care-W1", dataset: "mzj-elderly-care", version: nil, reason: "源数据含未脱敏字段，撤回待复核",
                                       by: "王五", recorded: "2026-12-07T09:12:00Z", versions: ["2026.12.07.1", "2026.12.07.2"],
                                       restored: "2026-12-07T10:00:00Z")

    static let errata = ErrataList(errata: [
        Erratum(number: "sthj-air-quality-hourly-E1", dataset: "sthj-air-quality-hourly", version: "2026.12.07.1",
                text: "PM2.5 单位应为 μg/m³", by: "张三", recorded: "2026-12-07T08:30:00Z", fixedIn: "2026.12.07.2"),
        Erratum(number: "sthj-air-quality-hourly-E2", dataset: "sthj-air-quality-hourly", version: "2026.12.07.2",
                text: "站点名称有一处错字", by: "张三", recorded: "2026-12-07T09:00:00Z"),
    ])
    static let withdrawals = WithdrawalList(withdrawals: [
        withdrawal,
        Withdrawal(number: "jtys-bus-stops-W1", dataset: "jtys-bus-stops", version: "2026.12.07.1", reason: "坐标系错误", by: "李四",
                   recorded: "2026-12-07T09:30:00Z"),
    ])
    static let marker = WithdrawalMarker(withdrawal, version: nil)
    static let withdrawnVersion = WithdrawnVersion(number: "jtys-bus-stops-W1", dataset: "jtys-bus-stops", version: "2026.12.07.1",
                                                   title: "公交站点", code: "JTYS-001", reason: "坐标系错误", withdrawn: "2026-12-07T09:30:00Z")
    static var webhooks: WebhookJournal {
        var subscriber = WebhookJournal.Subscriber(since: "2026-12-07T08:00:00Z")
        subscriber.delivered = ["sthj-air-quality-hourly": "2026.12.07.2"]
        subscriber.failing = ["jtys-bus-stops": .init(attempts: 3, last: "2026-12-07T09:31:00Z", error: "HTTP 503")]
        return WebhookJournal(subscribers: ["https://hooks.example.cn/odp": subscriber])
    }
    static let shardPlan = ShardPlan(plan: "nightly-2026-12-07", shards: 2, datasets: [
        .init(dataset: "sthj-air-quality-hourly", shard: 0, cost: 12.5, basis: .seconds),
        .init(dataset: "jtys-bus-stops", shard: 1, cost: 3355, basis: .rows),
        .init(dataset: "mzj-elderly-care", shard: 1, cost: 1, basis: .fallback),
    ])
    static let provenance = ReleaseProvenance(
        dataset: "scjg-individual-business", version: "2026.12.07.1", identifier: "SCJG-002/2026.12.07.1", seriesIdentifier: "SCJG-002",
        previousVersion: nil, odpVersion: "0.9.0", definitionHash: String(repeating: "d", count: 64),
        source: .init(kind: "postgres", system: "市场主体登记系统", table: "individual_business", querySha256: String(repeating: "e", count: 64),
                      sheet: nil, encoding: nil, watermark: "2026-12-06T23:59:59Z"),
        stages: [.init(name: "check", summary: "读取 600 行，拒绝 2 行"), .init(name: "desensitize", summary: "k = 5")],
        fields: [.init(field: "mobile", privacyClass: "personal", operator: "mask", parameters: ["keep_first": "3", "keep_last": "4"], published: true),
                 .init(field: "id_number", privacyClass: "sensitive", operator: nil, parameters: nil, published: false)],
        codeTables: [.init(name: "GB/T 2260", codes: 3213, sha256: String(repeating: "f", count: 64))], pseudonymKeyId: "k2026")
    static let applications = AccessApplications(applications: [
        AccessApplication(number: "A-20261207-0001", dataset: "mzj-elderly-care", submitted: "2026-12-07T08:00:00Z", status: .approved,
                          name: "赵六", organisation: "某大学", purpose: "养老服务研究", contact: "zhao@example.cn",
                          conditionsSHA256: String(repeating: "a", count: 64), decidedBy: "王五", decided: "2026-12-07T09:00:00Z", note: "同意",
                          tokenSHA256: String(repeating: "b", count: 64), expires: "2027-03-07T09:00:00Z", firstVersion: "2026.12.07.1",
                          downloads: 2, apiCalls: 10, lastUsed: "2026-12-07T10:00:00Z"),
        AccessApplication(number: "A-20261207-0002", dataset: "mzj-elderly-care", submitted: "2026-11-01T08:00:00Z", status: .rejected,
                          conditionsSHA256: String(repeating: "c", count: 64), decidedBy: "王五", decided: "2026-11-02T08:00:00Z",
                          downloads: 0, apiCalls: 0, purged: "2026-12-02T08:00:00Z"),
    ])
    static let datasetState = DatasetState(watermark: "2026-12-06T23:59:59Z", lastSuccess: Date(timeIntervalSince1970: 1_796_631_644),
                                           lastVersion: "2026.12.07.2", lastOutcome: .published,
                                           inputs: DatasetInputs(settings: String(repeating: "9", count: 64)), lastSeconds: 1.25, lastRows: 3355,
                                           plan: "nightly-2026-12-07")
    static let notification = RunNotification(report: "/out/state/runs/r.json", datasets: [
        .init(dataset: "mzj-elderly-care", status: .held, version: "2026.12.07.1", reasons: ["手机号码"], error: nil),
    ], overdue: ["jtys-bus-stops"], catalogError: "目录未更新", signal: "SIGTERM",
       applicationsOverdue: [.init(number: "A-20261201-0003", dataset: "mzj-elderly-care", submitted: "2026-12-01T08:00:00Z", workingDays: 5)])

    @Test func errataAndWithdrawals() throws {
        try roundTrip(Self.errata)
        try roundTrip(Self.withdrawals)
        try roundTrip(Self.marker)
        try roundTrip(Self.withdrawnVersion)
    }

    @Test func journalsPlansAndApplications() throws {
        try roundTrip(Self.webhooks)
        try roundTrip(Self.shardPlan)
        try roundTrip(Self.provenance)
        try roundTrip(Self.applications)
        try roundTrip(Self.datasetState)
        try roundTrip(Self.notification)
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/format-v1")

    func read<T: Artifact & Equatable>(_ name: String, as expected: T) throws {
        let value = try ArtifactCodec.decode(T.self, from: Data(contentsOf: Self.folder.appendingPathComponent(name)), file: name)
        #expect(value == expected, "\(name)")
    }

    @Test func theFirstVersionOfEachIsRead() throws {
        try read("errata.json", as: Self.errata)
        try read("withdrawals.json", as: Self.withdrawals)
        try read("_ODP_WITHDRAWN", as: Self.marker)
        try read("WITHDRAWN.json", as: Self.withdrawnVersion)
        try read("webhooks.json", as: Self.webhooks)
        try read("shard-plan.json", as: Self.shardPlan)
        try read("provenance.json", as: Self.provenance)
        try read("applications.json", as: Self.applications)
        try read("dataset-state.json", as: Self.datasetState)
        try read("notification.json", as: Self.notification)
    }
}

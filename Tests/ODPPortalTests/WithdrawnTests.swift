import Foundation
import Hummingbird
import HummingbirdTesting
import ODPCore
import Testing
@testable import ODPPortal

/// The portal's side of `odp withdraw` on the portal fixture: the tombstone and
/// state/withdrawals.json as `WithdrawalBook` leaves them.
@Suite("Withdrawn datasets and versions in the portal")
struct WithdrawnTests {
    static let old = "2026.11.20.1"

    /// Withdraws air-quality's older version (its folder becomes a tombstone) and the whole
    /// `hostile` dataset, with who did it recorded (never to be published).
    static func withdraw(_ fixture: PortalFixture) throws {
        let list = WithdrawalList(withdrawals: [
            Withdrawal(number: "air-quality-W1", dataset: "air-quality", version: old, reason: "东四站数据重复 <b>x</b>", by: "张三",
                       recorded: "2030-01-02T00:00:00Z"),
            Withdrawal(number: "hostile-W1", dataset: "hostile", version: nil, reason: "来源不明", by: "李四", recorded: "2030-01-03T00:00:00Z",
                       versions: ["2026.11.23.1"]),
        ])
        try fixture.write("state/withdrawals.json", try ArtifactCodec.encode(list))
        for (id, version, w) in [("air-quality", old, list.withdrawals[0]), ("hostile", "2026.11.23.1", list.withdrawals[1])] {
            let folder = fixture.root.appendingPathComponent("releases/\(id)/\(version)")
            try FileManager.default.removeItem(at: folder)
            try fixture.write("releases/\(id)/\(version)/\(WithdrawnVersion.fileName)", try ArtifactCodec.encode(
                WithdrawnVersion(number: w.number, dataset: id, version: version, title: id == "hostile" ? PortalFixture.hostileTitle : "空气质量日报",
                                 code: id == "hostile" ? nil : "11000000-AQ-001", reason: w.reason, withdrawn: w.recorded)))
        }
        try FileManager.default.removeItem(at: fixture.root.appendingPathComponent("releases/hostile/latest.json"))
    }

    @Test("410 with the reason (HTML, or JSON under /api) on every old URL; the rest of the dataset stays; gone from the list")
    func gone() async throws {
        try await withPortal { fixture, client in
            try Self.withdraw(fixture)
            for uri in ["/datasets/air-quality?version=\(Self.old)", "/datasets/air-quality/\(Self.old)/data/air-quality.csv",
                        "/air-quality/\(Self.old)/SHA256SUMS", "/id/11000000-AQ-001/\(Self.old)", "/datasets/hostile", "/datasets/hostile/latest/README.md"] {
                let r = try await get(client, uri)
                #expect(r.status == .gone, "\(uri): \(r.status)")
                #expect(r.headers[.contentType] == "text/html; charset=utf-8" && r.text.contains("已撤回") && !r.text.contains("张三") && !r.text.contains("李四"), "\(uri)")
                #expect(!r.text.contains("<b>x</b>") && !r.text.contains("<script>alert(1)"), "escaped: \(uri)")
            }
            #expect(try await get(client, "/datasets/air-quality?version=\(Self.old)").text.contains("东四站数据重复 &lt;b&gt;x&lt;/b&gt;"))
            let api = try await get(client, "/api/datasets/air-quality?version=\(Self.old)")
            #expect(api.status == .gone && api.headers[.contentType] == "application/json; charset=utf-8")
            let o = try JSONSerialization.jsonObject(with: Data(buffer: api.body)) as? [String: Any]
            #expect((o?["withdrawn"] as? [String: Any])?["reason"] as? String == "东四站数据重复 <b>x</b>" && !api.text.contains("张三"))
            #expect(try await get(client, "/api/datasets/hostile").status == .gone)
            #expect(try await get(client, "/datasets/air-quality").status == .ok)
            #expect(try await get(client, "/datasets/air-quality/2026.11.23.1/SHA256SUMS").status == .ok)
            #expect(try await get(client, "/datasets/no-such").status == .notFound)
            let list = try await get(client, "/api/datasets")
            #expect(!list.text.contains("\"hostile\"") && list.text.contains("\"air-quality\""))
        }
    }

    @Test("withdrawals are feed entries of their own (feedparser) and /api/changes items, without who withdrew")
    func feeds() async throws {
        try await withPortal { fixture, client in
            try Self.withdraw(fixture)
            let site = try await get(client, "/feed.atom")
            #expect(!site.text.contains("张三") && !site.text.contains("李四"))
            if let feed = try FeedTests.parse(site.text) {
                #expect(feed["bozo"] as? Int == 0, "\(feed)")
                let entries = try #require(feed["entries"] as? [[String: Any]])
                #expect(entries.prefix(2).compactMap { $0["id"] as? String } == ["urn:odp:withdrawal:hostile-W1", "urn:odp:withdrawal:air-quality-W1"])
                #expect((entries[1]["summary"] as? String)?.contains("东四站数据重复 <b>x</b>") == true && (entries[1]["link"] as? String)?.hasSuffix("?version=\(Self.old)") == true)
            }
            let one = try await get(client, "/datasets/hostile/feed.atom")
            #expect(one.status == .ok)
            if let feed = try FeedTests.parse(one.text) {
                #expect((feed["entries"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["urn:odp:withdrawal:hostile-W1"])
            }
            let r = try await get(client, "/api/changes?since=2030-01-01")
            let items = (try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])?["changes"] as? [[String: Any]] ?? []
            #expect(items.compactMap { $0["kind"] as? String } == ["withdrawal", "withdrawal"] && items.first?["number"] as? String == "air-quality-W1", "\(items)")
            #expect(!r.text.contains("张三"))
        }
    }
}

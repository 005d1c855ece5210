import Foundation
import ODPCore
@testable import ODPPipeline
import Testing

/// Withdrawals reach `webhooks:` subscribers as `withdrawn` events, next to versions and errata.
@Suite("Withdrawal events for subscribers")
struct WithdrawalEventsTests {
    @Test("a version's and a whole dataset's withdrawal become withdrawn events with the reason, never who withdrew it")
    func events() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let workspace = try fixture.workspace()
        let bus = "jtys-bus-stops"
        let code = try #require(workspace.definitions.first { $0.id == bus }?.catalog.code)
        let one = Withdrawal(number: "\(bus)-W1", dataset: bus, version: "2026.12.07.1", reason: "站点坐标有误", by: "张三", recorded: "2026-12-07T01:00:00Z")
        let whole = Withdrawal(number: "\(bus)-W2", dataset: bus, version: nil, reason: "停止开放", by: "张三", recorded: "2026-12-08T01:00:00Z")
        let undefined = Withdrawal(number: "gone-W1", dataset: "gone", version: nil, reason: "已撤销", by: "李四", recorded: "2026-12-08T02:00:00Z")
        let events = try SubscriberEvents.all(definitions: workspace.definitions, withheld: [], root: fixture.output, errata: [],
                                              withdrawals: [one, whole, undefined], baseURL: "https://data.example.gov.cn")
        #expect(events.map(\.id) == ["withdrawn:\(bus)-W1", "withdrawn:\(bus)-W2"], "a dataset without a definition has no 资源代码 to name it by")
        #expect(events.allSatisfy { $0.event == .withdrawn && $0.code == code })
        #expect(events[0].version == "2026.12.07.1" && events[0].identifier == "https://data.example.gov.cn/id/\(code)/2026.12.07.1")
        #expect(events[1].version == "" && events[1].identifier == "https://data.example.gov.cn/id/\(code)")
        #expect(events[0].summary == "撤回原因：站点坐标有误")
        let body = String(decoding: try JSONEncoder().encode(events), as: UTF8.self)
        #expect(!body.contains("张三"), "who withdrew it is not published")
    }
}

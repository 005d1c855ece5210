import Foundation
import ODPCore
import Testing
@testable import ODPPortal

@Suite("Portal: overdue datasets")
struct TimelinessBadgeTests {
    func record(cycle: String, updated: Date) -> DatasetRecord {
        var r = DatasetRecord(id: "x", title: "示例")
        r.updateCycle = cycle
        r.updated = ISO8601DateFormatter().string(from: updated)
        return r
    }

    @Test("a 每日 dataset last released a week ago is tagged 逾期未更新 in the list, and the 更新及时率 counts it")
    func badge() throws {
        let stale = record(cycle: "每日", updated: Date().addingTimeInterval(-7 * 86_400))
        let fresh = record(cycle: "每年", updated: Date())
        let irregular = record(cycle: "不定期", updated: Date().addingTimeInterval(-900 * 86_400))
        #expect(ListPage.card(stale).contains("逾期未更新"))
        #expect(!ListPage.card(fresh).contains("逾期"))
        #expect(!ListPage.card(irregular).contains("逾期"))
        #expect(stale.json["overdue"] == .bool(true))
        let page = try ListPage.render(index: PortalIndex(records: [stale, fresh, irregular]), query: CatalogQuery())
        #expect(page.contains("更新及时率 50.0%（1/2 项按时）"))
    }
}

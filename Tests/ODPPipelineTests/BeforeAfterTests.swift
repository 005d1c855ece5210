import Foundation
import ODPCore
import ODPDemoData
import ODPPipeline
import ODPPortal
import Testing

@Suite("preview before and after desensitization")
struct BeforeAfterTests {
    @Test("source values stand next to their masked, generalized or dropped forms")
    func marketSample() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let sample = try BeforeAfter.sample(workspace: try fixture.workspace(), dataset: "scjg-individual-business", rows: 5,
                                            runDate: CivilDateTime(year: 2026, month: 11, day: 23))
        #expect(sample.rows.count == 5)
        let names = sample.fields.map(\.name)
        #expect(names == ["operator_name", "id_number", "mobile", "address", "scope"])
        #expect(sample.dropped == ["id_number"])
        let mobile = try #require(names.firstIndex(of: "mobile"))
        let address = try #require(names.firstIndex(of: "address"))
        for row in sample.rows {
            let before = try #require(row[mobile].before), after = try #require(row[mobile].after)
            #expect(before.count == 11 && before.allSatisfy(\.isNumber))
            #expect(after == before.prefix(3) + "****" + before.suffix(4))
            let fullAddress = try #require(row[address].before), district = try #require(row[address].after)
            #expect(fullAddress.hasPrefix(district) && fullAddress.count > district.count)
        }
        let text = Preview.renderBeforeAfter(fields: sample.fields, rows: sample.rows, dropped: sample.dropped, color: false, width: 160)
        #expect(text.contains("（不发布）"))
        #expect(text.contains(try #require(sample.rows[0][mobile].before)))
    }

    @Test("rows the checks reject are not shown")
    func rejectedRowsLeftOut() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let market = MarketRegistrations(rowCount: 3000)
        let sample = try BeforeAfter.sample(workspace: try fixture.workspace(), dataset: "scjg-individual-business", rows: 3000,
                                            runDate: CivilDateTime(year: 2026, month: 11, day: 23))
        // Every planted defect rejects its row, so fewer rows come back than the table holds.
        #expect(sample.rows.count < market.rowCount)
        #expect(sample.rows.count > market.rowCount * 9 / 10)
    }
}

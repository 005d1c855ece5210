import Foundation
import ODPCore
import Testing
@testable import ODPDesensitize

@Suite("Pseudonyms never look like identifiers")
struct PseudonymFormatTests {
    /// The longest run of ASCII digits in `s`.
    func longestDigitRun(_ s: String) -> Int {
        var longest = 0, run = 0
        for b in s.utf8 {
            if b >= 0x30 && b <= 0x39 { run += 1; longest = max(longest, run) } else { run = 0 }
        }
        return longest
    }

    @Test("100,000 pseudonyms of ID and phone numbers: none holds 6 digits in a row, the scanner finds nothing, the gate passes")
    func noDigitRuns() throws {
        let def = Fixture.definition([
            "{name: sfzh, title: 身份证号, type: string, class: direct, desensitize: {op: pseudonym, prefix: P}}",
            "{name: sjh, title: 手机号, type: string, class: direct, desensitize: {op: pseudonym}}",
        ])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        var batch = RowBatch(columnCount: 2)
        let count = 100_000
        for i in 0..<count {
            batch.appendCell(Fixture.id("3709211990" + String(format: "%07d", i)))
            batch.appendCell(String(13_800_000_000 + i))
            batch.endRow(sourceRow: i + 2)
        }
        let out = d.transform(batch)
        d.endFirstPass()
        #expect(out.rowCount == count)
        let scanner = IdentifierScanner(today: Fixture.runDate)
        var distinct = Set<String>()
        var runs = 0, hits = 0
        for r in 0..<out.rowCount {
            for c in 0..<2 {
                let p = try #require(out.string(r, c))
                distinct.insert(p)
                if longestDigitRun(p) >= 6 { runs += 1 }
                // The strictest settings: names looked for, Luhn alone enough for a card.
                hits += scanner.scan(p, nameLike: true, cardLabelled: true).count
            }
        }
        #expect(runs == 0)
        #expect(hits == 0)
        #expect(distinct.count == 2 * count, "no collisions at 128 bits")
        let report = d.finish()
        #expect(report.holdReasons.isEmpty)
        #expect(report.metrics.identifierHitsAfter == 0)
    }

    @Test("the privacy report records the pseudonym format version next to the key id; none without pseudonyms")
    func formatVersionRecorded() throws {
        func report(_ op: String) throws -> [String: Any] {
            let def = Fixture.definition(["{name: sfzh, title: 身份证号, type: string, class: direct, desensitize: {op: \(op)}}"])
            let d = try Desensitizer(definition: def, context: Fixture.context())
            _ = Fixture.run(d, [[Fixture.id("37092119900101006")]])
            let r = d.finish()
            return try JSONSerialization.jsonObject(with: try #require(r.files["privacy-report.json"])) as! [String: Any]
        }
        let with = try report("pseudonym")
        #expect(with["pseudonym_key_id"] as? String == "k2025")
        #expect(with["pseudonym_format_version"] as? Int == 2)
        let without = try report("drop")
        #expect(without["pseudonym_format_version"] is NSNull)
    }
}

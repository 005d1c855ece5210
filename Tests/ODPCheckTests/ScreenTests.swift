import Foundation
import ODPCore
import Testing
@testable import ODPCheck

@Suite("Truthfulness screens")
struct ScreenTests {
    /// A fixed-seed generator so the data (and the verdicts) are the same on every run.
    struct Generator {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    func definition(_ screens: String) -> DatasetDefinition {
        Fixture.definition(fields: """
          - {name: amount, title: 金额, type: number, class: public}
        """, extra: "screens:\n  \(screens)")
    }

    func amounts(_ values: [Double]) -> [[String?]] { values.map { [String(format: "%.2f", $0)] } }

    @Test("log-uniform amounts conform to Benford; uniform fabricated ones do not")
    func benford() throws {
        let d = definition("benford: {fields: [amount]}")
        var g = Generator(state: 42)
        let real = (0..<5000).map { _ in pow(10, 1 + 4 * g.next()) }          // 10 … 100,000
        let fake = (0..<5000).map { _ in 100 + 99_900 * g.next() }              // uniform 100 … 100,000
        let good = try Fixture.run(d, amounts(real)).report
        let bad = try Fixture.run(d, amounts(fake)).report
        let goodLine = Fixture.rules(good, type: "screen_benford")[0]
        let badLine = Fixture.rules(bad, type: "screen_benford")[0]
        #expect(goodLine["failed"] as? Int == 0)
        #expect(badLine["failed"] as? Int == 1)
        let metric = badLine["metric"] as? [String: Any]
        #expect(metric?["conformity_first"] as? String == "nonconformity")
        #expect((goodLine["metric"] as? [String: Any])?["mad_first"] as? Double ?? 1 < 0.006)
        #expect(bad.holdReasons.isEmpty, "screens warn by default")
        #expect(String(decoding: bad.files["quality-report.html"]!, as: UTF8.self).contains("<polyline"))
    }

    @Test("Benford is not applicable below 500 values or within two orders of magnitude")
    func benfordNotApplicable() throws {
        let d = definition("benford: {fields: [amount]}")
        var g = Generator(state: 7)
        let few = try Fixture.run(d, amounts((0..<100).map { _ in pow(10, 4 * g.next()) })).report
        let narrow = try Fixture.run(d, amounts((0..<1000).map { _ in 100 + 800 * g.next() })).report
        for r in [few, narrow] {
            let line = Fixture.rules(r, type: "screen_benford")[0]
            #expect(line["rows_checked"] as? Int == 0)
            #expect((line["note"] as? String)?.contains("不适用") == true)
        }
    }

    @Test("terminal-digit heaping flags values rounded to 0 and 5, with severity raised to hold")
    func heaping() throws {
        let d = definition("heaping: {fields: [amount], severity: hold}")
        var g = Generator(state: 3)
        let natural = (0..<1000).map { _ in Double(Int(20 + 200 * g.next())) }
        let heaped = (0..<1000).map { _ in Double(Int(4 + 40 * g.next()) * 5) }
        let ok = try Fixture.run(d, amounts(natural)).report
        let bad = try Fixture.run(d, amounts(heaped)).report
        #expect(Fixture.failed(ok, type: "screen_heaping") == 0)
        #expect(Fixture.failed(bad, type: "screen_heaping") == 1)
        #expect(!bad.holdReasons.isEmpty)
    }

    @Test("outliers beyond 3 IQR are estimated from the reservoir")
    func outliers() throws {
        let d = definition("outliers: {fields: [amount], max_share: 0.01}")
        var g = Generator(state: 9)
        var values = (0..<2000).map { _ in 100 + 50 * g.next() }
        let clean = try Fixture.run(d, amounts(values)).report
        for i in stride(from: 0, to: 2000, by: 20) { values[i] = 1_000_000 }
        let dirty = try Fixture.run(d, amounts(values)).report
        #expect(Fixture.failed(clean, type: "screen_outliers") == 0)
        #expect(Fixture.failed(dirty, type: "screen_outliers") == 1)
        #expect((Fixture.rules(dirty, type: "screen_outliers")[0]["examples"] as? [Int])?.isEmpty == false)
    }

    @Test("constant and arithmetic-sequence columns are flagged")
    func constantAndSequential() throws {
        let d = definition("constant: {fields: [amount]}\n  sequential: {fields: [amount]}")
        let constant = try Fixture.run(d, amounts(Array(repeating: 5, count: 10))).report
        let sequence = try Fixture.run(d, amounts((0..<10).map { 100 + Double($0) * 3 })).report
        let mixed = try Fixture.run(d, amounts([1, 5, 2, 8, 3])).report
        #expect(Fixture.failed(constant, type: "screen_constant") == 1)
        #expect(Fixture.failed(sequence, type: "screen_sequential") == 1)
        #expect(Fixture.failed(sequence, type: "screen_constant") == 0)
        #expect(Fixture.failed(mixed, type: "screen_constant") + Fixture.failed(mixed, type: "screen_sequential") == 0)
    }
}

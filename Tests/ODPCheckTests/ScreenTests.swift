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

    @Test("first digits that follow Benford but second digits that do not fail on the first-two-digit test")
    func benfordFirstTwo() throws {
        let d = definition("benford: {fields: [amount]}")
        var g = Generator(state: 11)
        // Log-uniform values cut to their first digit (3000, 20, 500 …): every second digit is 0.
        let cut = (0..<5000).map { _ -> Double in
            let x = pow(10, 1 + 4 * g.next()), scale = pow(10, floor(log10(x)))
            return floor(x / scale) * scale
        }
        let metric = try #require(Fixture.rules(try Fixture.run(d, amounts(cut)).report, type: "screen_benford")[0]["metric"] as? [String: Any])
        #expect(["close", "acceptable"].contains(metric["conformity_first"] as? String))
        #expect(metric["conformity_first_two"] as? String == "nonconformity")
        g = Generator(state: 42)
        let real = try Fixture.run(d, amounts((0..<5000).map { _ in pow(10, 1 + 4 * g.next()) })).report
        let line = Fixture.rules(real, type: "screen_benford")[0]
        #expect(["close", "acceptable"].contains((line["metric"] as? [String: Any])?["conformity_first_two"] as? String))
        #expect(line["failed"] as? Int == 0)
    }

    /// Counts with a chosen MAD: Benford's expected shares with `+a` on the first `k` digits
    /// and `-a` on the next `k`, so MAD = 2k·a / (number of digits).
    static func benfordCounts(mad: Double, digits: ClosedRange<Int>, k: Int) -> [Int] {
        let n = 100_000_000.0, a = mad * Double(digits.count) / Double(2 * k)
        var counts = [Int](repeating: 0, count: digits.upperBound + 1)
        for (i, d) in digits.enumerated() {
            let shift = i < k ? a : i < 2 * k ? -a : 0
            counts[d] = Int(((log10(1 + 1 / Double(d)) + shift) * n).rounded())
        }
        return counts
    }

    @Test("MAD bands follow Nigrini: first digit 0.006/0.012/0.015, first two digits 0.0012/0.0018/0.0022")
    func nigriniBands() {
        let first: [(Double, Benford.Conformity)] = [(0.0058, .close), (0.0062, .acceptable), (0.0118, .acceptable),
                                                     (0.0122, .marginal), (0.0148, .marginal), (0.0152, .nonconformity)]
        let firstTwo: [(Double, Benford.Conformity)] = [(0.00118, .close), (0.00122, .acceptable), (0.00178, .acceptable),
                                                        (0.00182, .marginal), (0.00218, .marginal), (0.00222, .nonconformity)]
        for ((madFirst, expectFirst), (madTwo, expectTwo)) in zip(first, firstTwo) {
            var b = Benford()
            b.first = Self.benfordCounts(mad: madFirst, digits: 1...9, k: 2)
            b.firstTwo = Self.benfordCounts(mad: madTwo, digits: 10...99, k: 5)
            b.n = 100_000_000; b.nTwo = 100_000_000
            let r = b.result()
            #expect(abs(r.madFirst - madFirst) < 1e-6 && abs(r.madFirstTwo - madTwo) < 1e-6)
            #expect(r.first == expectFirst, "first-digit MAD \(madFirst)")
            #expect(r.firstTwo == expectTwo, "first-two-digit MAD \(madTwo)")
        }
    }

    @Test("Benford applies from exactly 500 values")
    func benfordMinimum() throws {
        let d = definition("benford: {fields: [amount]}")
        var g = Generator(state: 5)
        let values = (0..<500).map { _ in pow(10, 1 + 4 * g.next()) }
        let below = Fixture.rules(try Fixture.run(d, amounts(Array(values.dropLast()))).report, type: "screen_benford")[0]
        let at = Fixture.rules(try Fixture.run(d, amounts(values)).report, type: "screen_benford")[0]
        #expect(below["rows_checked"] as? Int == 0)
        #expect(at["rows_checked"] as? Int == 1)
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

    /// Values ≥ 10 whose last integer digit is `d`, `counts[d]` times.
    static func withLastDigits(_ counts: [Int]) -> [Double] {
        counts.enumerated().flatMap { d, c in (0..<c).map { Double(10 * (2 + $0 % 50) + d) } }
    }

    @Test("heaping needs both a significant χ² against uniform last digits (df 9, p < 0.001) and 0/5 over-represented")
    func heapingChiSquare() throws {
        let d = definition("heaping: {fields: [amount]}")
        func line(_ counts: [Int]) throws -> [String: Any] {
            Fixture.rules(try Fixture.run(d, amounts(Self.withLastDigits(counts))).report, type: "screen_heaping")[0]
        }
        // 0 and 5 40 times each, the rest 15: χ² = 2·20²/20 + 8·5²/20 = 50 > 27.877.
        let heaped = try line([40, 15, 15, 15, 15, 40, 15, 15, 15, 15])
        #expect(heaped["failed"] as? Int == 1)
        let metric = try #require(heaped["metric"] as? [String: Any])
        #expect((metric["chi_square"] as? NSNumber)?.doubleValue == 50)
        #expect((metric["chi_square_critical"] as? NSNumber)?.doubleValue == Heaping.critical)
        #expect((metric["share_0_5"] as? NSNumber)?.doubleValue == 0.4)
        // 31% on 0/5 out of 100 is within chance: χ² ≈ 7.7.
        let chance = try line([16, 9, 9, 9, 8, 15, 9, 9, 8, 8])
        #expect(chance["failed"] as? Int == 0 && chance["rows_checked"] as? Int == 1)
        #expect(((chance["metric"] as? [String: Any])?["chi_square"] as? NSNumber)?.doubleValue ?? 99 < Heaping.critical)
        // Far from uniform, but not on 0 and 5: some other fault, not rounding.
        let threes = try line([10, 10, 10, 100, 10, 10, 10, 10, 10, 10])
        #expect(threes["failed"] as? Int == 0)
        #expect(((threes["metric"] as? [String: Any])?["chi_square"] as? NSNumber)?.doubleValue ?? 0 > Heaping.critical)
        // Fewer than 100 values with a terminal digit: not evaluated.
        let few = try line([20, 5, 5, 5, 5, 20, 5, 5, 5, 5])
        #expect(few["rows_checked"] as? Int == 0)
    }

    @Test("outliers beyond 3σ are flagged with method: sigma")
    func outliersSigma() throws {
        let d = definition("outliers: {fields: [amount], method: sigma}")
        var g = Generator(state: 13)
        var values = (0..<2000).map { _ in 100 + 50 * g.next() }
        let clean = try Fixture.run(d, amounts(values)).report
        for i in stride(from: 0, to: 2000, by: 20) { values[i] = 1_000_000 }
        let dirty = try Fixture.run(d, amounts(values)).report
        #expect(Fixture.failed(clean, type: "screen_outliers") == 0)
        #expect(Fixture.checked(clean, type: "screen_outliers") == 1)
        #expect(Fixture.failed(dirty, type: "screen_outliers") == 1)
        #expect((Fixture.rules(dirty, type: "screen_outliers")[0]["metric"] as? [String: Any])?["method"] as? String == "sigma")
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

import Foundation
import ODPCore
import Testing
@testable import ODPDesensitize

@Suite("k-anonymity, l-diversity and re-identification risk")
struct AnonymityTests {
    let fields = [
        "{name: xb, title: 性别, type: string, class: quasi}",
        "{name: qh, title: 行政区划, type: string, class: quasi, desensitize: {op: generalize, to: region, region_level: province}}",
        "{name: zd, title: 诊断, type: string, class: sensitive}",
    ]
    let rows: [[String?]] = [
        ["男", "370102", "流感"], ["男", "370203", "肺炎"], ["男", "370902", "流感"],
        ["女", "370102", "胃炎"], ["女", "370211", "胃炎"], ["女", "370921", "流感"], ["女", "370982", "骨折"],
        ["男", "110101", "流感"], ["男", "110105", "流感"],
        ["女", "110108", "胃炎"],
    ]

    func run(maxSuppression: Double) throws -> (StageReport, [[String?]]) {
        let privacy = "privacy:\n  k_anonymity: {k: 2, max_suppression: \(maxSuppression)}\n  l_diversity: {l: 2}"
        let d = try Desensitizer(definition: Fixture.definition(fields, privacy: privacy), context: Fixture.context())
        #expect(d.needsSecondPass)
        let out = Fixture.run(d, rows)
        return (d.finish(), out)
    }

    @Test("k, l and the three risks match the hand-computed example")
    func handComputed() throws {
        // After generalizing the region to its province (first 2 digits), the classes are
        //   (男,37): 3 records, diagnoses {流感, 肺炎}        → size 3, l 2
        //   (女,37): 4 records, diagnoses {胃炎, 流感, 骨折}  → size 4, l 3
        //   (男,11): 2 records, diagnoses {流感}              → size 2, l 1  (fails l = 2)
        //   (女,11): 1 record,  diagnoses {胃炎}              → size 1       (fails k = 2)
        // Share of records in classes smaller than k: 1 / 10 = 0.1.
        // Suppressed: (男,11) + (女,11) = 3 records = 0.3 of 10 (≤ 0.5, so no hold).
        // Kept: 7 records in 2 classes → k = min(3, 4) = 3, l = min(2, 3) = 2.
        // Prosecutor max = 1/3 = 0.333333; average = #classes/#records = 2/7 = 0.285714.
        // Marketer = 2/7 = 0.285714. Journalist (sample = population) = prosecutor.
        let (report, out) = try run(maxSuppression: 0.5)
        #expect(out.count == 7)
        #expect(!out.contains { $0[1] == "11" })
        #expect(report.holdReasons.isEmpty)
        #expect(report.metrics.k == 3)
        #expect(report.metrics.l == 2)
        #expect(report.metrics.suppressedRecords == 3)
        #expect(report.metrics.equivalenceClasses == 4)
        let object = try JSONSerialization.jsonObject(with: report.files["privacy-report.json"]!) as! [String: Any]
        let k = object["k_anonymity"] as! [String: Any]
        #expect(k["share_below_k"] as? Double == 0.1)
        #expect(k["suppressed_share"] as? Double == 0.3)
        #expect(k["k_achieved"] as? Int == 3)
        let risk = k["risk"] as! [String: Any]
        #expect(risk["prosecutor_max"] as? Double == 0.333333)
        #expect(risk["prosecutor_average"] as? Double == 0.285714)
        #expect(risk["journalist_max"] as? Double == 0.333333)
        #expect(risk["marketer"] as? Double == 0.285714)
        #expect((object["l_diversity"] as! [String: Any])["l_achieved"] as? Int == 2)
        #expect(object["records_out"] as? Int == 7)
    }

    @Test("suppression beyond max_suppression holds the release")
    func overLimit() throws {
        let (report, _) = try run(maxSuppression: 0.2)
        #expect(report.holdReasons.count == 1)
        #expect(report.holdReasons.first?.contains("3 条记录") == true)
    }

    @Test("without quasi fields nothing is suppressed and no second pass is needed")
    func noQuasi() throws {
        let d = try Desensitizer(definition: Fixture.definition(["{name: hy, title: 行业, type: string, class: public}"],
                                                                 privacy: "privacy:\n  k_anonymity: {k: 5}"), context: Fixture.context())
        #expect(!d.needsSecondPass)
        #expect(Fixture.run(d, [["餐饮"]]) == [["餐饮"]])
        #expect(d.finish().metrics.k == nil)
    }
}

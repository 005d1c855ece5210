import Foundation
import ODPCore
import Testing
@testable import ODPDesensitize

@Suite("The release gate holds on undeclared identifiers in outgoing cells and headers")
struct GateTests {
    @Test("a phone number hidden in a free-text field holds the release, naming field, kind, count and row")
    func freeText() throws {
        let def = Fixture.definition([
            "{name: mc, title: 名称, type: string, class: public}",
            "{name: bz, title: 备注, type: string, class: public}",
        ])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        _ = Fixture.run(d, [["面馆", "无"], ["茶馆", "老板电话13812345678，常在"], ["书店", "周日休息"]])
        let report = d.finish()
        #expect(report.holdReasons.count == 1)
        let reason = try #require(report.holdReasons.first)
        #expect(reason.contains("备注") && reason.contains("bz") && reason.contains("手机号码") && reason.contains("1 处") && reason.contains("第 3 行"))
        #expect(!reason.contains("13812345678"))
        #expect(report.metrics.identifierHitsAfter == 1)
    }

    @Test("an identifier in a header title holds the release")
    func header() throws {
        let def = Fixture.definition(["{name: dh, title: 咨询电话0531-86123456, type: string, class: public}"])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        _ = Fixture.run(d, [["工作日"]])
        let holds = d.finish().holdReasons
        #expect(holds.count == 1)
        #expect(holds.first?.contains("标题") == true)
        #expect(holds.first?.contains("固定电话号码") == true)
    }

    @Test("allowed kinds are counted and reported but do not hold")
    func allowed() throws {
        let def = Fixture.definition([
            "{name: jydh, title: 经营场所电话, type: string, class: public, allow: [{kind: landline, reason: 依法公示的经营场所电话}]}",
        ])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        _ = Fixture.run(d, [["0531-86123456"], ["0538-5512345"]])
        let report = d.finish()
        #expect(report.holdReasons.isEmpty)
        #expect(report.metrics.identifierHitsAllowed == 2)
        let json = try #require(report.files["privacy-report.json"])
        let object = try JSONSerialization.jsonObject(with: json) as! [String: Any]
        let after = (object["identifier_hits"] as! [String: Any])["after"] as! [[String: Any]]
        #expect(after.count == 1)
        #expect(after.first?["allowed"] as? Bool == true)
        #expect(after.first?["count"] as? Int == 2)
    }

    @Test("an allowed kind does not excuse another kind in the same field")
    func allowedIsPerKind() throws {
        let def = Fixture.definition([
            "{name: jydh, title: 经营场所电话, type: string, class: public, allow: [{kind: landline, reason: 依法公示}]}",
        ])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        _ = Fixture.run(d, [["13812345678"]])
        #expect(d.finish().holdReasons.count == 1)
    }

    @Test("redacted free text: its identifiers count before, with their first row, and none after; clean text stays as it was")
    func redactedCounts() throws {
        let def = Fixture.definition([
            "{name: bz, title: 备注, type: string, class: public, desensitize: {op: redact}}",
            "{name: sm, title: 说明, type: string, class: public}",
        ])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        let out = Fixture.run(d, [
            ["办理人电话 13812345678", "无"],
            ["无异常", "无"],
            ["身份证 \(Fixture.id("37092119900101006")) 邮箱 a@b.cn", "13912345678"],
        ])
        #expect(out.map { $0[0] } == ["办理人电话 [已脱敏]", "无异常", "身份证 [已脱敏] 邮箱 [已脱敏]"])
        let report = d.finish()
        #expect(report.metrics.identifierHitsBefore == 4, "three in the redacted field, one in the plain one")
        #expect(report.metrics.identifierHitsAfter == 1, "the plain field's mobile number")
        let object = try JSONSerialization.jsonObject(with: report.files["privacy-report.json"]!) as! [String: Any]
        let before = (object["identifier_hits"] as! [String: Any])["before"] as! [[String: Any]]
        let mobiles = try #require(before.first { $0["field"] as? String == "bz" && $0["kind"] as? String == "mobile" })
        #expect(mobiles["count"] as? Int == 1)
        #expect(mobiles["first_row"] as? Int == 2)
        #expect(before.contains { $0["field"] as? String == "bz" && $0["kind"] as? String == "id_card" && $0["first_row"] as? Int == 4 })
    }

    @Test("masked and pseudonymized identifiers pass the gate; hits before are still reported")
    func transformedPass() throws {
        let def = Fixture.definition([
            "{name: sfzh, title: 身份证号, type: string, class: direct, desensitize: {op: mask, keep_first: 6, keep_last: 4}}",
            "{name: sjh, title: 手机号, type: string, class: direct, desensitize: {op: pseudonym}}",
        ])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        _ = Fixture.run(d, [[Fixture.id("37092119900101006"), "13812345678"]])
        let report = d.finish()
        #expect(report.holdReasons.isEmpty)
        #expect(report.metrics.identifierHitsBefore == 2)
        #expect(report.metrics.identifierHitsAfter == 0)
    }
}

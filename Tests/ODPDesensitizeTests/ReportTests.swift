import Foundation
import ODPCore
import Testing
@testable import ODPDesensitize

@Suite("privacy-report.json")
struct ReportTests {
    @Test("the report carries the definition hash and key id, is deterministic, and contains no input personal value")
    func noPersonalValues() throws {
        let id = Fixture.id("37092119900101006")
        let planted = [id, "13812345678", "张三明", "zhang.san@example.com", "0531-86123456", "鲁A12345", "山东省泰安市宁阳县文庙街道123号"]
        let def = Fixture.definition([
            "{name: xm, title: 姓名, type: string, class: direct, desensitize: {op: mask, keep_first: 1}}",
            "{name: sfzh, title: 身份证号, type: string, class: direct, desensitize: {op: pseudonym}}",
            "{name: sjh, title: 手机号, type: string, class: direct, desensitize: drop}",
            "{name: bz, title: 备注, type: string, class: public}",
            "{name: dz, title: 住址, type: string, class: quasi, desensitize: {op: generalize, to: district}}",
        ], privacy: "privacy:\n  k_anonymity: {k: 2, max_suppression: 1}")
        func report() throws -> (Data, StageReport) {
            let d = try Desensitizer(definition: def, context: Fixture.context())
            _ = Fixture.run(d, [
                ["张三明", id, "13812345678", "邮箱zhang.san@example.com，电话0531-86123456，车牌鲁A12345", "山东省泰安市宁阳县文庙街道123号"],
                ["李四", Fixture.id("11010519491231002"), "13912345678", "无", "北京市朝阳区建国路88号"],
            ])
            let r = d.finish()
            return (try #require(r.files["privacy-report.json"]), r)
        }
        let (json, stage) = try report()
        let text = String(decoding: json, as: UTF8.self)
        for value in planted {
            #expect(!text.contains(value), "report leaks \(value)")
            #expect(!stage.holdReasons.joined().contains(value))
            #expect(!(stage.readmeSection ?? "").contains(value))
            #expect(!stage.fieldNotes.values.joined().contains(value))
        }
        #expect(!text.contains(String(decoding: Fixture.key, as: UTF8.self)))
        let object = try JSONSerialization.jsonObject(with: json) as! [String: Any]
        #expect(object["definition_hash"] as? String == def.definitionHash)
        #expect(object["pseudonym_key_id"] as? String == "k2025")
        #expect(!stage.holdReasons.isEmpty, "the free-text field holds three identifiers")
        #expect(stage.fieldNotes["xm"]?.contains("掩码") == true)
        let fields = object["fields"] as! [[String: Any]]
        #expect((fields[0]["parameters"] as? [String: String])?["keep_first"] == "1")
        #expect(fields[2]["published"] as? Bool == false)
        let before = (object["identifier_hits"] as! [String: Any])["before"] as! [[String: Any]]
        #expect(before.contains { $0["field"] as? String == "sjh" && $0["kind"] as? String == "mobile" && $0["count"] as? Int == 2 })
        #expect(try report().0 == json, "byte-identical on a second run")
    }
}

@Suite("Desensitizer.validate reports definition problems with positions")
struct ValidateTests {
    func diagnostics(_ fields: [String], privacy: String = "") -> [Diagnostic] {
        Desensitizer.validate(Fixture.definition(fields, privacy: privacy), config: nil)
    }

    @Test("an unknown operator gets a did-you-mean with its line")
    func unknownOperator() {
        let d = diagnostics(["{name: xm, title: 姓名, type: string, class: direct, desensitize: {op: msk}}"])
        #expect(d.count == 1)
        #expect(d.first?.message.contains("未知的脱敏算子（unknown operator）`msk`") == true)
        #expect(d.first?.hint?.contains("mask") == true)
        #expect(d.first?.location.line != nil)
    }

    @Test("unknown and missing parameters are reported")
    func parameters() {
        let typo = diagnostics(["{name: xm, title: 姓名, type: string, class: direct, desensitize: {op: mask, keep_frist: 1}}"])
        #expect(typo.first?.hint?.contains("keep_first") == true)
        let missing = diagnostics(["{name: xm, title: 姓名, type: string, class: direct, desensitize: {op: generalize}}"])
        #expect(missing.contains { $0.message.contains("`to`") })
        let wrongType = diagnostics(["{name: xm, title: 姓名, type: string, class: quasi, desensitize: {op: generalize, to: year}}"])
        #expect(wrongType.contains { $0.message.contains("needs a date field") })
    }

    @Test("allow needs a known kind and a reason")
    func allow() {
        let d = diagnostics(["{name: dh, title: 电话, type: string, class: public, allow: [{kind: landlin}, mobile]}"])
        #expect(d.contains { $0.message.contains("未知的标识符种类（unknown identifier kind）`landlin`") && $0.hint?.contains("landline") == true })
        #expect(d.filter { $0.message.contains("reason") }.count == 2)
    }

    @Test("the privacy section: k below 2, unknown keys, references to undefined fields")
    func privacy() {
        let field = "{name: xb, title: 性别, type: string, class: quasi}"
        #expect(diagnostics([field], privacy: "privacy:\n  k_anonymity: {k: 1}").contains { $0.message.contains("k_anonymity.k 至少为 2") })
        #expect(diagnostics([field], privacy: "privacy:\n  k_anonimity: {k: 5}").contains { $0.hint?.contains("k_anonymity") == true })
        let undefined = diagnostics([field, "{name: bz, title: 备注, type: string, class: public, desensitize: {op: suppress, when: {field: zhuangtai, equals: x}}}"])
        #expect(undefined.contains { $0.message.contains("zhuangtai") })
        #expect(diagnostics([field], privacy: "privacy:\n  k_anonymity: {k: 5, max_suppression: 0.1}\n  l_diversity: {l: 2}\n  redact_marker: \"[略]\"")
                    .filter { $0.severity == .error }.isEmpty)
    }

    @Test("the initializer refuses a definition with errors")
    func initRefuses() {
        let def = Fixture.definition(["{name: xm, title: 姓名, type: string, class: direct, desensitize: {op: msk}}"])
        #expect(throws: ODPError.self) { try Desensitizer(definition: def, context: Fixture.context()) }
    }
}

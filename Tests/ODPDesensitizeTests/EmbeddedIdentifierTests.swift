import Foundation
import ODPCore
import Testing
@testable import ODPDesensitize

/// 个体工商户 rows as registers hold them: the shop is often named after its operator.
enum Shops {
    static let fields = [
        "{name: mc, title: 名称, type: string, class: public}",
        "{name: operator_name, title: 经营者, type: string, class: direct, desensitize: {op: mask, keep_first: 1}}",
        "{name: jyz_sfzh, title: 经营者身份证号, type: string, class: direct, desensitize: drop}",
        "{name: jycs, title: 经营场所, type: string, class: public}",
    ]
    static let rows: [[String?]] = [
        ["宁阳县付强理发及美容服务部", "付强", Fixture.id("37092119900101006"), "宁阳县文庙街道七里村"],
        ["泰安市岱岳区王秀英便利店", "王秀英", Fixture.id("37091119850312004"), "泰安市岱岳区粥店街道"],
        ["宁阳县鹏程汽车维修中心", "李建国", Fixture.id("37092119780605001"), "宁阳县华丰镇"],
        ["肥城市欧阳明辉五金店", "欧阳明辉", Fixture.id("37098319920228002"), "肥城市新城街道欧阳明辉家东"],
        ["新泰市不详副食店", "不详", nil, "新泰市青云街道"],
    ]

    static func privacyReport(_ report: StageReport) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: try #require(report.files["privacy-report.json"])) as! [String: Any]
    }

    static func hits(_ object: [String: Any], _ phase: String) -> [[String: Any]] {
        ((object["identifier_hits"] as! [String: Any])[phase] as! [[String: Any]]).filter { $0["kind"] as? String == "embedded_identifier" }
    }
}

@Suite("A direct identifier's value inside another published cell of the same row is a hit")
struct EmbeddedIdentifierTests {
    @Test("the operator's name inside the public shop name holds the release, naming both fields, the count and the first row")
    func shopNamedAfterOperator() throws {
        let d = try Desensitizer(definition: Fixture.definition(Shops.fields), context: Fixture.context())
        let out = Fixture.run(d, Shops.rows)
        #expect(out[0] == ["宁阳县付强理发及美容服务部", "付*", "宁阳县文庙街道七里村"], "published unchanged: only the gate sees it")
        let report = d.finish()
        let holds = report.holdReasons
        #expect(holds.count == 2, "\(holds)")
        let shop = try #require(holds.first { $0.contains("（mc）") })
        #expect(shop.contains("名称") && shop.contains("“经营者”（operator_name）") && shop.contains("3 处") && shop.contains("第 2 行"))
        #expect(shop.contains("mask_embedded"))
        let site = try #require(holds.first { $0.contains("（jycs）") })
        #expect(site.contains("1 处") && site.contains("第 5 行"))
        for value in ["付强", "王秀英", "欧阳明辉"] { #expect(!holds.joined().contains(value)) }
        #expect(report.metrics.identifierHitsAfter == 4)
        let object = try Shops.privacyReport(report)
        let after = Shops.hits(object, "after")
        #expect(after.count == 2)
        let mc = try #require(after.first { $0["field"] as? String == "mc" })
        #expect(mc["count"] as? Int == 3 && mc["first_row"] as? Int == 2 && mc["allowed"] as? Bool == false)
        #expect(mc["embedded_fields"] as? [String] == ["operator_name"])
        let before = Shops.hits(object, "before")
        #expect(before.first { $0["field"] as? String == "mc" }?["count"] as? Int == 3)
    }

    @Test("mask_embedded masks only the embedded name, keeping the surname, and the gate passes")
    func maskEmbedded() throws {
        var fields = Shops.fields
        fields[0] = "{name: mc, title: 名称, type: string, class: public, desensitize: {op: mask_embedded, fields: [operator_name]}}"
        fields[3] = "{name: jycs, title: 经营场所, type: string, class: public, desensitize: {op: mask_embedded, fields: [operator_name, jyz_sfzh], char: ○}}"
        let d = try Desensitizer(definition: Fixture.definition(fields), context: Fixture.context())
        let out = Fixture.run(d, Shops.rows)
        #expect(out.map { $0[0] } == ["宁阳县付*理发及美容服务部", "泰安市岱岳区王**便利店", "宁阳县鹏程汽车维修中心", "肥城市欧阳**五金店", "新泰市不详副食店"])
        #expect(out[3][2] == "肥城市新城街道欧阳○○家东")
        let report = d.finish()
        #expect(report.holdReasons.isEmpty, "\(report.holdReasons)")
        #expect(report.metrics.identifierHitsAfter == 0)
        let object = try Shops.privacyReport(report)
        #expect(Shops.hits(object, "before").first { $0["field"] as? String == "mc" }?["count"] as? Int == 3, "still counted before")
        #expect(report.fieldNotes["mc"]?.contains("经营者") == true)
        #expect(d.outputSchema.fields[0].type == .string)
    }

    @Test("a number that no pattern knows (会员号) is found inside a note; identifiers of 6 bytes and more are looked for, shorter ones not")
    func otherValues() throws {
        let def = Fixture.definition([
            "{name: hyh, title: 会员号, type: string, class: direct, desensitize: {op: pseudonym}}",
            "{name: bz, title: 备注, type: string, class: public}",
        ])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        _ = Fixture.run(d, [["A7731902", "会员A7731902已注销"], ["12345", "门牌12345号"], ["A7731902", "无"], ["000000", "编号000000"]])
        let report = d.finish()
        #expect(report.metrics.identifierHitsAfter == 1, "\(report.holdReasons)")
        #expect(report.holdReasons.first?.contains("第 2 行") == true)
        #expect(IdentifierScanner(today: Fixture.runDate).scan("会员A7731902已注销", nameLike: true, cardLabelled: true).isEmpty,
                "only the same-row check can find it")
    }

    @Test("a one-character value and a field's own column are not compared; without direct fields nothing is looked for")
    func bounds() throws {
        let def = Fixture.definition([
            "{name: xm, title: 姓名, type: string, class: direct, desensitize: {op: suppress, when: {field: zt, equals: 注销}}}",
            "{name: zt, title: 状态, type: string, class: public}",
            "{name: mc, title: 名称, type: string, class: public}",
        ])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        _ = Fixture.run(d, [["付", "正常", "付记面馆"], ["付强", "正常", "宁阳县付强面馆"]])
        let after = Shops.hits(try Shops.privacyReport(d.finish()), "after")
        #expect(after.count == 1, "in mc only: xm still holds 付强 but is not compared with itself")
        #expect(after.first?["field"] as? String == "mc" && after.first?["count"] as? Int == 1 && after.first?["first_row"] as? Int == 3)
        let plain = try Desensitizer(definition: Fixture.definition(["{name: mc, title: 名称, type: string, class: public}"]), context: Fixture.context())
        #expect(plain.plan.embedded.direct.isEmpty)
    }

    @Test("a value running across two neighbouring cells is no hit; one in each of two cells is one hit each")
    func cellBoundaries() throws {
        let def = Fixture.definition([
            "{name: xm, title: 姓名, type: string, class: direct, desensitize: {op: mask, keep_first: 1}}",
            "{name: mc, title: 名称, type: string, class: public}",
            "{name: bz, title: 备注, type: string, class: public}",
        ])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        // The row's bytes read 付强老付强身健体: 付强 appears only across mc and bz.
        _ = Fixture.run(d, [["付强", "老付", "强身健体"], ["王秀英", "王秀英超市", "店主王秀英"]])
        let after = Shops.hits(try Shops.privacyReport(d.finish()), "after")
        #expect(after.map { $0["field"] as? String } == ["mc", "bz"])
        #expect(after.allSatisfy { $0["count"] as? Int == 1 && $0["first_row"] as? Int == 3 })
    }

    @Test("an embedded hit can be allowed with an audited reason, like every kind")
    func allowed() throws {
        var fields = Shops.fields
        fields[0] = "{name: mc, title: 名称, type: string, class: public, allow: [{kind: embedded_identifier, reason: 个体工商户名称依法公示}]}"
        fields[3] = "{name: jycs, title: 经营场所, type: string, class: public}"
        let d = try Desensitizer(definition: Fixture.definition(fields), context: Fixture.context())
        _ = Fixture.run(d, Array(Shops.rows.prefix(3)))
        let report = d.finish()
        #expect(report.holdReasons.isEmpty)
        #expect(report.metrics.identifierHitsAllowed == 2)
    }
}

@Suite("mask_embedded is validated like the other operators")
struct MaskEmbeddedValidationTests {
    func diagnostics(_ op: String, on cls: String = "public") -> [Diagnostic] {
        let def = Fixture.definition([
            "{name: mc, title: 名称, type: string, class: \(cls), desensitize: \(op)}",
            "{name: operator_name, title: 经营者, type: string, class: direct, desensitize: {op: mask, keep_first: 1}}",
            "{name: jycs, title: 经营场所, type: string, class: public}",
        ])
        return Desensitizer.validate(def, config: nil).filter { $0.severity == .error }
    }

    @Test("a valid definition has no errors")
    func valid() {
        #expect(diagnostics("{op: mask_embedded, fields: [operator_name]}").isEmpty)
        #expect(diagnostics("{op: mask_embedded, fields: operator_name, char: \"#\"}").isEmpty)
    }

    @Test("an unknown field gets a did-you-mean with file and line")
    func unknownField() throws {
        let d = diagnostics("{op: mask_embedded, fields: [operater_name]}")
        let e = try #require(d.first)
        #expect(d.count == 1)
        #expect(e.message.contains("operater_name") && e.hint?.contains("operator_name") == true)
        #expect(e.location.file == "test.yml" && e.location.line != nil)
    }

    @Test("a field that is not direct, a direct field carrying it, and a missing `fields` are errors")
    func misuse() {
        #expect(diagnostics("{op: mask_embedded, fields: [jycs]}").contains { $0.message.contains("not a direct identifier") && $0.location.line != nil })
        #expect(diagnostics("{op: mask_embedded, fields: [operator_name]}", on: "direct").contains { $0.message.contains("本身就是直接标识符") })
        #expect(diagnostics("{op: mask_embedded}").contains { $0.message.contains("`fields`") })
        #expect(diagnostics("{op: mask_embedded, fields: []}").contains { $0.message.contains("至少要列出一个字段") })
    }
}

import Foundation
import ODPCore
import Testing
@testable import ODPCheck

@Suite("Quality report")
struct ReportTests {
    @Test("escapeHTML neutralises markup and quotes")
    func escaping() {
        #expect(escapeHTML("<script>alert('x')</script> & \"y\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;")
    }

    @Test("a hostile field title or dataset title cannot inject a script into the HTML")
    func hostileTitle() throws {
        let d = Fixture.definition(fields: """
          - {name: code, title: "<script>alert(1)</script>", type: integer, class: public}
        """, title: "<img src=x onerror=alert(2)>")
        let (_, report, _) = try Fixture.run(d, [["<script>evil()</script>"]])
        let html = String(decoding: report.files["quality-report.html"]!, as: UTF8.self)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<link") && !html.contains("@import") && !html.contains("url("), "self-contained")
        #expect(html.contains("<svg"))
    }

    @Test("failing values never reach the report, public or not: rejected rows are not released; the feedback list has them")
    func privateValues() throws {
        let d = Fixture.definition(fields: """
          - {name: id, title: 身份证号, type: string, class: direct, desensitize: {op: drop}, rules: [gb11643]}
          - {name: district, title: 区, type: string, class: public, rules: [{type: enum, values: [朝阳区]}]}
        """)
        let valid = Fixture.citizenID(birth: "19900307", sequence: "123")
        let secret = String(valid.dropLast()) + (valid.last == "1" ? "2" : "1")
        #expect(!Checksums.check(secret, Checksums.gb11643))
        let (_, report, _) = try Fixture.run(d, [[secret, "火星区"]])
        let json = String(decoding: report.files["quality-report.json"]!, as: UTF8.self)
        let html = String(decoding: report.files["quality-report.html"]!, as: UTF8.self)
        for text in [json, html, report.readmeSection ?? ""] {
            #expect(!text.contains(secret))
            #expect(!text.contains("11010519900307"))
            #expect(!text.contains("火星区"), "a public field's failing value is a rejected row's value")
        }
        #expect(report.problems.contains { $0.value == "火星区" && $0.field == "district" })
        #expect(report.problems.contains { $0.value == secret && $0.field == "id" && $0.rule == "gb11643" && $0.sourceRow == 2 })
        #expect(Fixture.rules(report, type: "gb11643")[0]["examples"] as? [Int] == [2])
    }

    @Test("the JSON is deterministic and carries scores, gate and profile")
    func deterministic() throws {
        let d = Fixture.definition(fields: """
          - {name: district, title: 区, type: string, class: public}
          - {name: amount, title: 金额, type: number, class: public}
        """)
        let rows: [[String?]] = [["朝阳区", "1.5"], ["海淀区", "2.5"], ["朝阳区", nil]]
        let a = try Fixture.run(d, rows).report, b = try Fixture.run(d, rows).report
        #expect(a.files["quality-report.json"] == b.files["quality-report.json"])
        #expect(a.files["quality-report.html"] == b.files["quality-report.html"])
        let json = Fixture.reportJSON(a)
        let profile = json["profile"] as? [String: Any]
        #expect(profile?["row_count"] as? Int == 3)
        let amount = (profile?["fields"] as? [[String: Any]])?.first { $0["name"] as? String == "amount" }
        #expect(amount?["sum"] as? Double == 4)
        #expect(amount?["mean"] as? Double == 2)
        #expect(amount?["null_rate"] as? Double == 0.333333)
        let district = (profile?["fields"] as? [[String: Any]])?.first { $0["name"] as? String == "district" }
        #expect((district?["categories"] as? [[String: Any]])?.first?["value"] as? String == "朝阳区")
        #expect(a.readmeSection?.contains("## 数据质量") == true)
    }

    @Test("the feedback list is capped and the rest counted")
    func problemCap() throws {
        let d = Fixture.definition(fields: "  - {name: n, title: 数, type: integer, class: public}")
        let checker = try Checker(definition: d, context: Fixture.context())
        let rows: [[String?]] = Array(repeating: ["x"], count: 1000)
        for _ in 0..<(Checker.problemLimit / 1000 + 1) { _ = checker.check(Fixture.batch(rows)) }
        let report = checker.finishRules()
        #expect(report.problems.count == Checker.problemLimit)
        #expect(report.metrics.problems == Checker.problemLimit + 1000)
    }
}

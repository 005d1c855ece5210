import Foundation
import ODPCore
import Testing
@testable import ODPDesensitize

/// Issue 22 item 6: the department learns which identifiers `redact` removed, row by row.
@Suite("Redactions in the department's feedback list")
struct RedactionFeedbackTests {
    @Test("one problem per row, field and kind, with the count and never the value; nothing in the published report")
    func perRow() throws {
        let def = Fixture.definition([
            "{name: bz, title: 备注, type: string, class: public, desensitize: {op: redact}}",
            "{name: sm, title: 说明, type: string, class: public}",
        ])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        let id = Fixture.id("37092119900101006")
        _ = Fixture.run(d, [
            ["办理人电话 13812345678，备用 13912345678", "无"],
            ["无异常", "13712345678"],  // a plain field is not redacted: the gate holds it, no feedback line
            ["身份证 \(id) 邮箱 a@b.cn", "无"],
        ])
        let report = d.finish()
        let lines = report.problems.map { "\($0.sourceRow) \($0.field ?? "") \($0.rule) \($0.message) \($0.value ?? "-")" }
        #expect(lines == [
            "2 bz redact 自由文本中含手机号码（mobile） 2 处，发布时已遮蔽；请在源系统中清理 -",
            "4 bz redact 自由文本中含电子邮箱（email），发布时已遮蔽；请在源系统中清理 -",
            "4 bz redact 自由文本中含居民身份证号（id_card），发布时已遮蔽；请在源系统中清理 -",
        ])
        for (_, bytes) in report.files {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains("13812345678") && !text.contains(id) && !text.contains("a@b.cn"))
            #expect(!text.contains("发布时已遮蔽"), "the per-row list stays out of published files")
        }
    }
}

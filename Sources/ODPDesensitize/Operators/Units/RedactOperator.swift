import ODPCore

enum RedactOperator: OperatorUnit {
    static let slug = "redact"
    static let parameters: String? = "`marker` (default `[已脱敏]`): identifiers inside free text"
    static let summary = UnitSummary(chinese: "将文本中识别出的个人信息替换为标记",
                                     english: "Replaces the identifiers found inside free text with a marker")
    static let findings = ["文本中的个人信息已替换为“{marker}”"]

    static func parse(_ op: OperatorParse) -> Operator? {
        .redact(marker: op.r.string("marker").map { Array($0.utf8) })
    }
}

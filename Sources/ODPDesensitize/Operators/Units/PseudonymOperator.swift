import ODPCore

enum PseudonymOperator: OperatorUnit {
    static let slug = "pseudonym"
    static let parameters: String? = "`prefix`, `bytes` (4–32, default 16): HMAC-SHA256 with `keys.pseudonym`, written in letters (format 2, below); stable across releases and datasets, rotated by a new key id"
    static let summary = UnitSummary(chinese: "以密钥 HMAC-SHA256 生成只含字母的假名，同一密钥编号下可关联",
                                     english: "A keyed HMAC-SHA256 pseudonym in letters, joinable under the same key id")
    static let findings = ["已假名化（HMAC-SHA256，密钥编号 {key_id}，格式版本 {format}，只含字母）：同一取值在同一密钥编号下得到相同假名，可用于关联"]

    static func parse(_ op: OperatorParse) -> Operator? {
        .pseudonym(prefix: Array((op.r.string("prefix") ?? "").utf8), bytes: op.r.int("bytes", range: 4...32) ?? 16)
    }
}

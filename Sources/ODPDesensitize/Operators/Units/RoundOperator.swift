import ODPCore

enum RoundOperator: OperatorUnit {
    static let slug = "round"
    static let parameters: String? = "`digits`, or `to` (a multiple)"
    static let summary = UnitSummary(chinese: "数值舍入到小数点后若干位或某数的倍数",
                                     english: "Rounds a number to `digits` places or to a multiple of `to`")
    static let findings = ["已舍入到小数点后 {digits} 位", "已舍入到 {to} 的倍数"]

    static func parse(_ op: OperatorParse) -> Operator? {
        let r = op.r, label = op.label, field = op.field
        let digits = r.int("digits", range: 0...12)
        let multiple = r.double("to")
        var result: Operator?
        if (digits == nil) == (multiple == nil) {
            r.error("\(label)：`round` 需要 `digits` 与 `to` 中的一个（且只要一个）", at: op.spec.location,
                    hint: "例如 `{op: round, digits: 1}` 或 `{op: round, to: 100}`")
        } else if let multiple, multiple <= 0 {
            r.error("\(label).to 必须大于 0", at: r.raw("to")?.location)
        } else {
            result = .round(digits.map(Operator.Rounding.digits) ?? .multiple(multiple!))
        }
        if field.type != .integer && field.type != .number {
            r.error("\(label)：`round` 只适用于 integer 和 number 字段，`\(field.name)` 是 \(field.type.rawValue)", at: op.spec.location)
        }
        return result
    }
}

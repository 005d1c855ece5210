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
            r.error("\(label): `round` needs exactly one of `digits` or `to`", at: op.spec.location,
                    hint: "e.g. `{op: round, digits: 1}` or `{op: round, to: 100}`")
        } else if let multiple, multiple <= 0 {
            r.error("\(label).to must be greater than 0", at: r.raw("to")?.location)
        } else {
            result = .round(digits.map(Operator.Rounding.digits) ?? .multiple(multiple!))
        }
        if field.type != .integer && field.type != .number {
            r.error("\(label): `round` applies to integer and number fields, `\(field.name)` is \(field.type.rawValue)", at: op.spec.location)
        }
        return result
    }
}

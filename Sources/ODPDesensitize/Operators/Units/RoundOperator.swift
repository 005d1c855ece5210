import ODPCore

struct RoundOperator: OperatorUnit, CellOperator {
    static let slug = "round"
    static let parameters: String? = "`digits`, or `to` (a multiple)"
    static let summary = UnitSummary(chinese: "数值舍入到小数点后若干位或某数的倍数",
                                     english: "Rounds a number to `digits` places or to a multiple of `to`")
    static let findings = ["已舍入到小数点后 {digits} 位", "已舍入到 {to} 的倍数"]

    enum Rounding {
        case digits(Int)
        case multiple(Double)
    }

    let rounding: Rounding

    static func parse(_ op: OperatorParse) -> RoundOperator? {
        let r = op.r, label = op.label, field = op.field
        let digits = r.int("digits", range: 0...12)
        let multiple = r.double("to")
        var result: RoundOperator?
        if (digits == nil) == (multiple == nil) {
            r.error("\(label)：`round` 需要 `digits` 与 `to` 中的一个（且只要一个）", at: op.spec.location,
                    hint: "例如 `{op: round, digits: 1}` 或 `{op: round, to: 100}`")
        } else if let multiple, multiple <= 0 {
            r.error("\(label).to 必须大于 0", at: r.raw("to")?.location)
        } else {
            result = RoundOperator(rounding: digits.map(Rounding.digits) ?? .multiple(multiple!))
        }
        if field.type != .integer && field.type != .number {
            r.error("\(label)：`round` 只适用于 integer 和 number 字段，`\(field.name)` 是 \(field.type.rawValue)", at: op.spec.location)
        }
        return result
    }

    /// Same type; a number rounded to `digits` places has that scale.
    func output(_ field: FieldDefinition) -> FieldDefinition? {
        var out = field
        if case .digits(let d) = rounding, field.type == .number { out.scale = d }
        return out
    }

    func compile(_ c: OperatorCompile) throws -> any CellOperator { self }

    func note(_ c: OperatorNote) -> String {
        switch rounding {
        case .digits(let d): return "已舍入到小数点后 \(d) 位"
        case .multiple(let m): return "已舍入到 \(NumberText.format(m, like: m)) 的倍数"
        }
    }

    /// A value that is not a number is blanked.
    func apply(_ cell: UnsafeBufferPointer<UInt8>, _ cells: RowBatch.Cells, row: Int, out: inout [UInt8],
               found: (IdentifierKind) -> Void) -> CellResult {
        switch rounding {
        case .digits(let digits):
            return DecimalText.normalize(cell, scale: digits, into: &out) ? .scratch : .null
        case .multiple(let m):
            guard let v = DecimalText.parseDouble(cell) else { return .null }
            let r = (v / m).rounded(.toNearestOrAwayFromZero) * m
            out.append(contentsOf: Array(NumberText.format(r, like: m).utf8))
            return .scratch
        }
    }
}

import ODPCore

enum SuppressOperator: OperatorUnit {
    static let slug = "suppress"
    static let parameters: String? = "`when: {field, equals}` (or `in: [...]`), or `when_count_below: n`"
    static let summary = UnitSummary(chinese: "满足条件的记录或出现次数过少的取值置空",
                                     english: "Blanks the value when another field matches, or when the value is rare")
    static let findings = ["满足条件的记录中该字段已置空", "出现次数少于 {n} 次的取值已置空"]

    static func parse(_ op: OperatorParse) -> Operator? {
        let r = op.r, label = op.label, spec = op.spec, fieldNames = op.schema.names
        let rare = r.int("when_count_below", range: 2...1_000_000)
        let when = r.map("when")
        if (rare == nil) == (when == nil) {
            r.error("\(label)：`suppress` 需要 `when` 与 `when_count_below` 中的一个（且只要一个）", at: spec.location,
                    hint: "例如 `when: {field: status, equals: 注销}` 或 `when_count_below: 5`")
            return nil
        }
        if let rare { return .suppressRare(below: rare) }
        guard let when, let name = when.string("field", required: true) else { return nil }
        if !fieldNames.contains(name), let location = when.raw("field")?.location {
            r.absorb([DatasetDefinition.undefinedField(name, at: location, names: fieldNames, context: "\(label).when.field")])
            return nil
        }
        var values = when.strings("in")
        if let equals = when.string("equals") { values.append(equals) }
        if values.isEmpty {
            when.error("\(label).when 需要 `equals` 或 `in`")
            return nil
        }
        return .suppressWhen(field: name, values: values.map { Array($0.utf8) })
    }
}

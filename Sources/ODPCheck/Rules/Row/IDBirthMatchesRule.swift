import ODPCore

enum IDBirthMatchesRule: CheckRule {
    static let slug = "id_birth_matches"
    static let scope = RuleScope.row
    static let parameters: String? = "`id`, `birth_date`: the ID number field and the date field it must match"
    static let summary = UnitSummary(chinese: "身份证号中的出生日期应与出生日期字段一致",
                                     english: "The birth date inside the ID number matches the birth date field")
    static let findings = ["「{身份证号}」中的出生日期应与「{出生日期}」一致"]
    static let example = "{type: id_birth_matches, id: id_no, birth_date: birth}"
    static let defaultDimension = QualityDimension.consistency

    static func compile(_ rule: RuleBuild) {
        guard let (id, other) = rule.idPair(named: "birth_date") else { return }
        guard case .date(let formats) = CompiledExpression.kind(of: rule.schema.fields[other]) else {
            rule.r.error("rules.id_birth_matches：`\(rule.schema.fields[other].name)` 不是日期字段（date field）"); return
        }
        let t = rule.tally("\(rule.title(id))中的出生日期应与\(rule.title(other))一致", field: rule.schema.fields[id].name)
        rule.addRowCheck(tally: t, valueColumn: id) { row, cells in
            IdentityRules.birthMatches(cells.at(row, id), cells.at(row, other), formats)
        }
    }
}

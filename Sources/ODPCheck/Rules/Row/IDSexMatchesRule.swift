import ODPCore

enum IDSexMatchesRule: CheckRule {
    static let slug = "id_sex_matches"
    static let scope = RuleScope.row
    static let parameters: String? = "`id`, `sex`"
    static let summary = UnitSummary(chinese: "身份证号第 17 位表示的性别应与性别字段一致",
                                     english: "The sex digit (17th) of the ID number matches the sex field")
    static let findings = ["「{身份证号}」第17位的性别应与「{性别}」一致"]
    static let example = "{type: id_sex_matches, id: id_no, sex: sex}"
    static let defaultDimension = QualityDimension.consistency

    static func compile(_ rule: RuleBuild) {
        guard let (id, other) = rule.idPair(named: "sex") else { return }
        let t = rule.tally("\(rule.title(id))第17位的性别应与\(rule.title(other))一致", field: rule.schema.fields[id].name)
        rule.addRowCheck(tally: t, valueColumn: id) { row, cells in
            IdentityRules.sexMatches(cells.at(row, id), cells.at(row, other))
        }
    }
}

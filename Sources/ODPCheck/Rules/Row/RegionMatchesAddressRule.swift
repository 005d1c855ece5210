import ODPCore

enum RegionMatchesAddressRule: CheckRule {
    static let slug = "region_matches_address"
    static let scope = RuleScope.row
    static let parameters: String? = "`region`, `address`; `table`: the code table naming the regions, default gb2260"
    static let summary = UnitSummary(chinese: "地址应包含行政区划代码对应的区划名称",
                                     english: "The address contains the name of the region its region code names")
    static let findings = ["「{地址}」应包含「{区划代码}」对应的区划名称"]
    static let example = "{type: region_matches_address, region: region, address: address}"
    static let defaultDimension = QualityDimension.consistency

    static func compile(_ rule: RuleBuild) {
        guard let region = rule.column("region"), let address = rule.column("address") else { return }
        let tableName = rule.r.string("table") ?? "gb2260"
        guard let table = rule.compiler.byteTable(tableName, at: rule.r.raw("table")?.location ?? rule.r.location,
                                                  context: "rules.region_matches_address") else { return }
        let t = rule.tally("\(rule.title(address))应包含\(rule.title(region))对应的区划名称", field: rule.schema.fields[address].name)
        rule.addRowCheck(tally: t, valueColumn: address) { row, cells in
            IdentityRules.regionInAddress(cells.at(row, region), cells.at(row, address), table)
        }
    }
}

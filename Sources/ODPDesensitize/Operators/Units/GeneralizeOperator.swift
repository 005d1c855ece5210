import ODPCore

enum GeneralizeOperator: OperatorUnit {
    static let slug = "generalize"
    static let parameters: String? = "`to`: `year_month`, `year`, `age_band` (`width` default 5, `top`), `region` (`region_level: city\\|province`, `name: true` for the GB/T 2260 name), `district` (address cut to 区/县), `range` (`width`, `top`, `bottom`)"
    static let summary = UnitSummary(chinese: "泛化：日期到年月或年，出生日期到年龄段，区划到地市或省，地址到区县，数值到区间",
                                     english: "Coarsens dates, ages, regions, addresses or numbers to `to`")
    static let findings = ["已泛化到年月", "已泛化到年", "已泛化为 {width} 岁一档的年龄段（按 {run_date} 计算）", "行政区划已泛化到{level}级",
                           "地址已截取到区/县级", "数值已泛化：{ranges}"]

    static func parse(_ op: OperatorParse) -> Operator? {
        parseTarget(op.r, label: op.label, field: op.field).map(Operator.generalize)
    }

    private static func parseTarget(_ r: ConfigReader, label: String, field: FieldDefinition) -> Operator.Generalization? {
        guard let to = r.choice("to", of: Operator.targets, required: true) else { return nil }
        let location = r.raw("to")?.location
        let dateLike: Set<FieldType> = [.date, .datetime]
        switch to {
        case "year_month", "year":
            guard dateLike.contains(field.type) || (to == "year" && field.type == .yearmonth) else {
                r.error("\(label)：`to: \(to)` 需要日期字段（needs a date field），`\(field.name)` 是 \(field.type.rawValue)", at: location)
                return nil
            }
            return to == "year" ? .year : .yearMonth
        case "age_band":
            guard dateLike.contains(field.type) || field.type == .string else {
                r.error("\(label)：`to: age_band` 需要出生日期或身份证号字段", at: location)
                return nil
            }
            return .ageBand(width: r.int("width", range: 1...50) ?? 5, top: r.int("top", range: 1...150))
        case "region":
            let level = r.choice("region_level", of: ["city", "province"], default: "city") ?? "city"
            return .region(digits: level == "city" ? 4 : 2, name: r.bool("name") ?? false)
        case "district":
            return .district
        default:
            guard field.type == .integer || field.type == .number else {
                r.error("\(label)：`to: range` 需要 integer 或 number 字段", at: location)
                return nil
            }
            let width = r.double("width"), top = r.double("top"), bottom = r.double("bottom")
            if width == nil, top == nil, bottom == nil {
                r.error("\(label)：`to: range` 需要 `width`、`top` 或 `bottom`", at: location)
                return nil
            }
            if let width, width <= 0 { r.error("\(label).width 必须大于 0", at: r.raw("width")?.location); return nil }
            return .range(width: width, top: top, bottom: bottom)
        }
    }
}
